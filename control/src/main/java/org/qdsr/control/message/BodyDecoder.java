package org.qdsr.control.message;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.qdsr.quic.wire.ByteReader;
import org.qdsr.quic.wire.TruncatedInputException;

/**
 * Parses one message body. Bytes after the known fields are ignored (later protocol versions may
 * append fields). Every failure becomes a {@link ControlProtocolException}.
 */
final class BodyDecoder {
    private static final System.Logger LOG = System.getLogger(BodyDecoder.class.getName());
    private BodyDecoder() {
    }

    /** The message, or null for an unknown type that may be skipped. */
    static ControlMessage decode(long type, byte[] buf, int off, int len) throws ControlProtocolException {
        ByteReader r = new ByteReader(buf, off, len);
        try {
            return body(type, r);
        } catch (TruncatedInputException e) {
            throw new ControlProtocolException("truncated body of type 0x" + Long.toHexString(type), e);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ControlProtocolException("invalid field in type 0x" + Long.toHexString(type) + ": "
                    + e.getMessage(), e);
        }
    }

    private static ControlMessage body(long type, ByteReader r) throws ControlProtocolException {
        if (type == MessageType.SEND_INSTRUCTIONS) {
            return InstructedCodec.sendInstructions(r);
        } else if (type == MessageType.SEND_REPORT) {
            return InstructedCodec.sendReport(r);
        } else if (type == MessageType.STREAM_READY) {
            return InstructedCodec.streamReady(r);
        } else if (type == MessageType.ACK_FORWARD) {
            return ackForward(r);
        } else if (type == MessageType.PROXY_DATA) {
            long key = r.readVarInt();
            long stream = r.readVarInt();
            long offset = r.readVarInt();
            boolean fin = flag(r);
            return new ProxyData(key, stream, offset, r.readBytes(r.readVarIntAsLength()), fin);
        } else if (type == MessageType.CREDIT_GRANT) {
            return new CreditGrant(r.readVarInt(), r.readVarInt());
        } else if (type == MessageType.STREAM_CONTROL) {
            return new StreamControl(r.readVarInt(), r.readVarInt(),
                    known(StreamControl.Kind.fromCode(r.readVarInt()), "kind"), r.readVarInt());
        } else if (type == MessageType.CREDIT_REQUEST) {
            return new CreditRequest(r.readVarInt(), r.readVarInt(), r.readVarInt());
        } else if (type == MessageType.KEY_UPDATE_REQUEST) {
            return new KeyUpdateRequest(r.readVarInt(), r.readVarInt());
        } else if (type == MessageType.DRAINING) {
            return new Draining(r.readVarInt());
        } else if (type == MessageType.PEER_ADDRESS_UPDATE) {
            return peerAddressUpdate(r);
        } else if (type == MessageType.SEND_ADDRESS) {
            return sendAddress(r);
        } else if (type == MessageType.STREAM_REPORT) {
            return new StreamReport(r.readVarInt(), r.readVarInt(),
                    known(StreamReport.Outcome.fromCode(r.readVarInt()), "outcome"), r.readVarInt(), r.readVarInt(),
                    r.readVarInt(), smallInt(r), r.hasRemaining() && flag(r));
        } else if (type == MessageType.HANDOFF) {
            return handoff(r);
        }
        return rare(type, r);
    }

    /**
     * An optional extension's body that does not parse is dropped with a log line (the frame's
     * length is known, so the channel stays in step); the channel is not closed for it.
     */
    private static PeerAddressUpdate peerAddressUpdate(ByteReader r) {
        try {
            long key = r.readVarInt();
            long family = r.readVarInt();
            byte[] ip = r.readBytes(family == PeerAddressUpdate.IPV6 ? 16 : 4);
            long port = r.readVarInt();
            var pathId = r.hasRemaining() ? InstructedCodec.connectionId(r) : null;
            return PeerAddressUpdate.of(key, family, ip, port, pathId);
        } catch (TruncatedInputException | IllegalArgumentException | ControlProtocolException e) {
            LOG.log(System.Logger.Level.WARNING, "malformed PeerAddressUpdate dropped: {0}",
                    e instanceof TruncatedInputException ? "truncated" : e.getMessage());
            return null;
        }
    }

    private static SendAddress sendAddress(ByteReader r) {
        try {
            long family = r.readVarInt();
            byte[] ip = r.readBytes(family == WireAddress.IPV6 ? 16 : 4);
            return new SendAddress(WireAddress.of(family, ip, r.readVarInt()));
        } catch (TruncatedInputException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "malformed SendAddress dropped: {0}",
                    e instanceof TruncatedInputException ? "truncated" : e.getMessage());
            return null;
        }
    }

    private static ControlMessage rare(long type, ByteReader r) throws ControlProtocolException {
        if (type == MessageType.HELLO) {
            int version = smallInt(r);
            Role role = known(Role.fromCode(r.readVarInt()), "role");
            return new Hello(version, string(r), role);
        } else if (type == MessageType.HELLO_ACK) {
            int version = smallInt(r);
            Role role = known(Role.fromCode(r.readVarInt()), "role");
            return new HelloAck(version, string(r), role);
        } else if (type == MessageType.HEARTBEAT) {
            return new Heartbeat(r.readVarInt(), r.readUint64());
        } else if (type == MessageType.HEARTBEAT_ACK) {
            return new HeartbeatAck(r.readVarInt(), r.readUint64());
        } else if (type == MessageType.ERROR) {
            return new ControlError(smallInt(r), string(r));
        } else if (type == MessageType.KEY_UPDATE) {
            long key = r.readVarInt();
            long generation = r.readVarInt();
            boolean phase = flag(r);
            return new KeyUpdate(key, r.readBytes(r.readVarIntAsLength()), phase, generation);
        } else if (type == MessageType.CONNECTION_CLOSED) {
            return new ConnectionClosed(r.readVarInt(), r.readVarInt());
        } else if (type == MessageType.LOAD_REPORT) {
            return new LoadReport(smallInt(r), smallInt(r), r.readVarInt(), Double.longBitsToDouble(r.readUint64()));
        } else if (type == MessageType.PROXY_HEAD) {
            long key = r.readVarInt();
            long stream = r.readVarInt();
            int status = smallInt(r);
            List<Header> headers = headers(r);
            return new ProxyHead(key, stream, status, headers, r.readVarInt() - 1);
        } else if (MessageType.skippableIfUnknown(type)) {
            return null;
        }
        throw new ControlProtocolException("unknown mandatory message type 0x" + Long.toHexString(type));
    }

    private static AckForward ackForward(ByteReader r) throws ControlProtocolException {
        long key = r.readVarInt();
        long path = r.readVarInt();
        long delay = r.readVarInt();
        long largest = r.readVarInt();
        long more = r.readVarInt();
        if (more > r.remaining() / 2) {
            throw new ControlProtocolException("ack range count " + more + " exceeds the body");
        }
        long[] ranges = new long[2 * ((int) more + 1)];
        long smallest = largest - r.readVarInt();
        ranges[0] = smallest;
        ranges[1] = largest;
        for (int i = 1; i <= more; i++) {
            largest = smallest - r.readVarInt() - 2;
            smallest = largest - r.readVarInt();
            if (largest < 0 || smallest < 0) {
                throw new ControlProtocolException("ack range below zero");
            }
            ranges[2 * i] = smallest;
            ranges[2 * i + 1] = largest;
        }
        return new AckForward(key, path, delay, ranges);
    }

    private static Handoff handoff(ByteReader r) throws ControlProtocolException {
        long id = r.readVarInt();
        long key = r.readVarInt();
        long stream = r.readVarInt();
        Handoff.Mode mode = known(Handoff.Mode.fromCode(r.readVarInt()), "mode");
        byte[] snapshot = r.readBytes(r.readVarIntAsLength());
        String method = string(r);
        String scheme = string(r);
        String authority = string(r);
        String path = string(r);
        List<Header> headers = headers(r);
        byte[] body = r.readBytes(r.readVarIntAsLength());
        boolean mayRefuse = r.hasRemaining() && flag(r);
        return new Handoff(id, key, stream, snapshot, new RequestHead(method, scheme, authority, path, headers, body),
                mode, mayRefuse);
    }

    private static List<Header> headers(ByteReader r) throws ControlProtocolException {
        long n = r.readVarInt();
        if (n > r.remaining() / 2) {
            throw new ControlProtocolException("header count " + n + " exceeds the body");
        }
        List<Header> out = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) {
            out.add(new Header(string(r), string(r)));
        }
        return out;
    }

    private static String string(ByteReader r) throws ControlProtocolException {
        int len = r.readVarIntAsLength();
        if (len > 4 * Checks.MAX_STRING_BYTES) {
            throw new ControlProtocolException("string of " + len + " bytes");
        }
        byte[] b = r.readBytes(len);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new ControlProtocolException("string is not UTF-8", e);
        }
    }

    static boolean flag(ByteReader r) throws ControlProtocolException {
        int v = r.readUint8();
        if (v > 1) {
            throw new ControlProtocolException("flag byte " + v);
        }
        return v == 1;
    }

    private static int smallInt(ByteReader r) throws ControlProtocolException {
        long v = r.readVarInt();
        if (v > Integer.MAX_VALUE) {
            throw new ControlProtocolException("value " + v + " exceeds 2^31-1");
        }
        return (int) v;
    }

    static <T> T known(T value, String field) throws ControlProtocolException {
        if (value == null) {
            throw new ControlProtocolException("unknown " + field);
        }
        return value;
    }
}
