package org.qdsr.quic.wire;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;

/** Wire form of {@link TransportParameters} (RFC 9000 §18): a sequence of (ID, length, value). */
final class TransportParameterCodec {
    static final long ORIGINAL_DESTINATION_CONNECTION_ID = 0x00;
    static final long MAX_IDLE_TIMEOUT = 0x01;
    static final long STATELESS_RESET_TOKEN = 0x02;
    static final long MAX_UDP_PAYLOAD_SIZE = 0x03;
    static final long INITIAL_MAX_DATA = 0x04;
    static final long INITIAL_MAX_STREAM_DATA_BIDI_LOCAL = 0x05;
    static final long INITIAL_MAX_STREAM_DATA_BIDI_REMOTE = 0x06;
    static final long INITIAL_MAX_STREAM_DATA_UNI = 0x07;
    static final long INITIAL_MAX_STREAMS_BIDI = 0x08;
    static final long INITIAL_MAX_STREAMS_UNI = 0x09;
    static final long ACK_DELAY_EXPONENT = 0x0a;
    static final long MAX_ACK_DELAY = 0x0b;
    static final long DISABLE_ACTIVE_MIGRATION = 0x0c;
    static final long PREFERRED_ADDRESS = 0x0d;
    static final long ACTIVE_CONNECTION_ID_LIMIT = 0x0e;
    static final long INITIAL_SOURCE_CONNECTION_ID = 0x0f;
    static final long RETRY_SOURCE_CONNECTION_ID = 0x10;
    /** draft-ietf-quic-multipath-21 §2.1. */
    static final long INITIAL_MAX_PATH_ID = 0x3e;
    /** QDSR's own: the server may send on path IDs the client issued CIDs for. */
    static final long SERVER_PATHS = 0x3e7d1;
    /** draft-ietf-quic-ack-frequency-14 §3 (provisional codepoint, §11.1), in microseconds. */
    static final long MIN_ACK_DELAY = 0xff04de1bL;
    private static final long MAX_PATH_ID_LIMIT = 0xffffffffL;

    private TransportParameterCodec() {
    }

    static byte[] encode(TransportParameters p) {
        ByteWriter w = new ByteWriter(new byte[1024]);
        cid(w, ORIGINAL_DESTINATION_CONNECTION_ID, p.originalDestinationConnectionId());
        varint(w, MAX_IDLE_TIMEOUT, p.maxIdleTimeout(), 0);
        if (p.statelessResetToken() != null) {
            bytes(w, STATELESS_RESET_TOKEN, p.statelessResetToken());
        }
        varint(w, MAX_UDP_PAYLOAD_SIZE, p.maxUdpPayloadSize(), TransportParameters.DEFAULT_MAX_UDP_PAYLOAD_SIZE);
        varint(w, INITIAL_MAX_DATA, p.initialMaxData(), 0);
        varint(w, INITIAL_MAX_STREAM_DATA_BIDI_LOCAL, p.initialMaxStreamDataBidiLocal(), 0);
        varint(w, INITIAL_MAX_STREAM_DATA_BIDI_REMOTE, p.initialMaxStreamDataBidiRemote(), 0);
        varint(w, INITIAL_MAX_STREAM_DATA_UNI, p.initialMaxStreamDataUni(), 0);
        varint(w, INITIAL_MAX_STREAMS_BIDI, p.initialMaxStreamsBidi(), 0);
        varint(w, INITIAL_MAX_STREAMS_UNI, p.initialMaxStreamsUni(), 0);
        varint(w, ACK_DELAY_EXPONENT, p.ackDelayExponent(), TransportParameters.DEFAULT_ACK_DELAY_EXPONENT);
        varint(w, MAX_ACK_DELAY, p.maxAckDelay(), TransportParameters.DEFAULT_MAX_ACK_DELAY);
        if (p.disableActiveMigration()) {
            bytes(w, DISABLE_ACTIVE_MIGRATION, new byte[0]);
        }
        if (p.preferredAddress() != null) {
            w.writeVarInt(PREFERRED_ADDRESS).writeVarInt(p.preferredAddress().encodedLength());
            p.preferredAddress().write(w);
        }
        varint(w, ACTIVE_CONNECTION_ID_LIMIT, p.activeConnectionIdLimit(),
                TransportParameters.DEFAULT_ACTIVE_CONNECTION_ID_LIMIT);
        cid(w, INITIAL_SOURCE_CONNECTION_ID, p.initialSourceConnectionId());
        cid(w, RETRY_SOURCE_CONNECTION_ID, p.retrySourceConnectionId());
        if (p.initialMaxPathId() != null) {
            varint(w, INITIAL_MAX_PATH_ID, p.initialMaxPathId(), -1);
        }
        if (p.serverPaths()) {
            bytes(w, SERVER_PATHS, new byte[0]);
        }
        if (p.minAckDelay() != null) {
            varint(w, MIN_ACK_DELAY, p.minAckDelay(), -1);
        }
        return Arrays.copyOf(w.array(), w.position());
    }

    private static void varint(ByteWriter w, long id, long value, long defaultValue) {
        if (value != defaultValue) {
            w.writeVarInt(id).writeVarInt(VarInt.size(value)).writeVarInt(value);
        }
    }

    private static void cid(ByteWriter w, long id, ConnectionId cid) {
        if (cid != null) {
            bytes(w, id, cid.toBytes());
        }
    }

    private static void bytes(ByteWriter w, long id, byte[] value) {
        w.writeVarInt(id).writeVarInt(value.length).writeBytes(value);
    }

    static TransportParameters decode(byte[] data, boolean fromServer) throws QuicException {
        TransportParameters.Builder b = new TransportParameters.Builder();
        Set<Long> seen = new HashSet<>();
        ByteReader r = new ByteReader(data);
        try {
            while (r.hasRemaining()) {
                long id = r.readVarInt();
                int length = r.readVarIntAsLength();
                int start = r.position();
                r.skip(length);
                ByteReader value = new ByteReader(data, start, length);
                if (!seen.add(id)) {
                    throw error("duplicate transport parameter 0x" + Long.toHexString(id));
                }
                if (!fromServer && isServerOnly(id)) {
                    throw error("server-only transport parameter 0x" + Long.toHexString(id) + " from client");
                }
                apply(b, id, value);
            }
            TransportParameters p = b.build();
            validate(p);
            return p;
        } catch (TruncatedInputException | IllegalArgumentException e) {
            throw error("malformed transport parameters: " + e.getMessage());
        }
    }

    private static boolean isServerOnly(long id) {
        return id == ORIGINAL_DESTINATION_CONNECTION_ID || id == STATELESS_RESET_TOKEN
                || id == PREFERRED_ADDRESS || id == RETRY_SOURCE_CONNECTION_ID;
    }

    private static void apply(TransportParameters.Builder b, long id, ByteReader v) throws QuicException {
        if (id == ORIGINAL_DESTINATION_CONNECTION_ID) {
            b.originalDestinationConnectionId(cid(v));
        } else if (id == MAX_IDLE_TIMEOUT) {
            b.maxIdleTimeout(varint(v));
        } else if (id == STATELESS_RESET_TOKEN) {
            b.statelessResetToken(exact(v, 16));
        } else if (id == MAX_UDP_PAYLOAD_SIZE) {
            b.maxUdpPayloadSize(varint(v));
        } else if (id == INITIAL_MAX_DATA) {
            b.initialMaxData(varint(v));
        } else if (id == INITIAL_MAX_STREAM_DATA_BIDI_LOCAL) {
            b.initialMaxStreamDataBidiLocal(varint(v));
        } else if (id == INITIAL_MAX_STREAM_DATA_BIDI_REMOTE) {
            b.initialMaxStreamDataBidiRemote(varint(v));
        } else if (id == INITIAL_MAX_STREAM_DATA_UNI) {
            b.initialMaxStreamDataUni(varint(v));
        } else if (id == INITIAL_MAX_STREAMS_BIDI) {
            b.initialMaxStreamsBidi(varint(v));
        } else if (id == INITIAL_MAX_STREAMS_UNI) {
            b.initialMaxStreamsUni(varint(v));
        } else if (id == ACK_DELAY_EXPONENT) {
            b.ackDelayExponent(varint(v));
        } else if (id == MAX_ACK_DELAY) {
            b.maxAckDelay(varint(v));
        } else if (id == DISABLE_ACTIVE_MIGRATION) {
            b.disableActiveMigration(flag(v));
        } else if (id == PREFERRED_ADDRESS) {
            b.preferredAddress(preferredAddress(v));
        } else if (id == ACTIVE_CONNECTION_ID_LIMIT) {
            b.activeConnectionIdLimit(varint(v));
        } else if (id == INITIAL_SOURCE_CONNECTION_ID) {
            b.initialSourceConnectionId(cid(v));
        } else if (id == RETRY_SOURCE_CONNECTION_ID) {
            b.retrySourceConnectionId(cid(v));
        } else if (id == INITIAL_MAX_PATH_ID) {
            b.initialMaxPathId(varint(v));
        } else if (id == SERVER_PATHS) {
            b.serverPaths(flag(v));
        } else if (id == MIN_ACK_DELAY) {
            b.minAckDelay(varint(v));
        } // else: unknown or reserved (31 * N + 27): ignored (§18.1)
    }

    private static long varint(ByteReader v) throws QuicException {
        long value = v.readVarInt();
        if (v.hasRemaining()) {
            throw error("transport parameter value longer than its varint");
        }
        return value;
    }

    private static byte[] exact(ByteReader v, int length) throws QuicException {
        if (v.remaining() != length) {
            throw error("transport parameter length " + v.remaining() + ", expected " + length);
        }
        return v.readBytes(length);
    }

    private static boolean flag(ByteReader v) throws QuicException {
        exact(v, 0);
        return true;
    }

    private static ConnectionId cid(ByteReader v) throws QuicException {
        if (v.remaining() > ConnectionId.MAX_LENGTH) {
            throw error("connection ID longer than 20 bytes");
        }
        return ConnectionId.of(v.readBytes(v.remaining()));
    }

    private static PreferredAddress preferredAddress(ByteReader v) throws QuicException {
        PreferredAddress a = PreferredAddress.read(v);
        if (v.hasRemaining()) {
            throw error("trailing bytes in preferred_address");
        }
        return a;
    }

    /**
     * Range checks of RFC 9000 §18.2, draft-ietf-quic-multipath-21 §2.1 and
     * draft-ietf-quic-ack-frequency-14 §3 (min_ack_delay, in microseconds, must not exceed
     * max_ack_delay, in milliseconds).
     */
    private static void validate(TransportParameters p) throws QuicException {
        if (p.ackDelayExponent() > 20) {
            throw error("ack_delay_exponent > 20");
        }
        if (p.maxAckDelay() >= (1 << 14)) {
            throw error("max_ack_delay >= 2^14");
        }
        if (p.maxUdpPayloadSize() < 1200) {
            throw error("max_udp_payload_size < 1200");
        }
        if (p.activeConnectionIdLimit() < 2) {
            throw error("active_connection_id_limit < 2");
        }
        if (p.initialMaxStreamsBidi() > MaxStreamsFrame.MAX_STREAMS
                || p.initialMaxStreamsUni() > MaxStreamsFrame.MAX_STREAMS) {
            throw error("initial_max_streams > 2^60");
        }
        if (p.initialMaxPathId() != null && p.initialMaxPathId() > MAX_PATH_ID_LIMIT) {
            throw error("initial_max_path_id > 2^32-1");
        }
        if (p.minAckDelay() != null && p.minAckDelay() > p.maxAckDelay() * 1000) {
            throw error("min_ack_delay > max_ack_delay");
        }
    }

    private static QuicException error(String reason) {
        return new QuicException(TransportError.TRANSPORT_PARAMETER_ERROR, reason);
    }
}
