package org.qdsr.quic.path;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.qdsr.quic.crypto.CipherSuite;
import org.qdsr.quic.crypto.Hkdf;
import org.qdsr.quic.recovery.RttEstimator;
import org.qdsr.quic.stream.SendStream;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.VarInt;

/**
 * What a sender on one multipath path (draft-ietf-quic-multipath-21) needs to send 1-RTT packets
 * of a connection it did not handshake: the LB's handoff to an RS, and what a {@link PathSender}
 * exports to move its streams on. A plain, versioned value; {@link #encode()} / {@link #decode}
 * give its binary form (format version {@value #VERSION}).
 *
 * <p>Key material: {@code oneRttWriteSecret} is the server's 1-RTT traffic secret of the current
 * key generation (RFC 9001 §6.1). The header protection key never changes across key updates
 * (RFC 9001 §6.1, §5.4), so a snapshot of a generation above 0 must carry it
 * ({@code headerProtectionKey}); for generation 0 it may be null and is derived from the secret.
 * {@link #toString()} redacts both.
 *
 * @param version               format version, {@value #VERSION}
 * @param keyPhase              the Key Phase bit of the current generation (RFC 9001 §6)
 * @param keyGeneration         number of key updates so far (informational; keys come from the secret)
 * @param destinationConnectionId the client-issued CID for this path ID
 * @param pathId                the multipath path ID, 0..2^32-1; selects the packet-number space and the nonce
 * @param peerMaxAckDelayNanos  the client's max_ack_delay (RFC 9000 §18.2)
 * @param peerAckDelayExponent  the client's ack_delay_exponent, 0..20 (RFC 9000 §18.2)
 * @param nextPacketNumber      the next packet number to use in this path's space
 * @param rtt                   RTT estimate to start from, or null for a fresh estimator
 * @param connectionCredit      bytes of new stream data this sender may send (its share of MAX_DATA)
 * @param congestionWindow      congestion window in bytes, 0 = the initial window
 * @param streams               response streams (send sides) this path carries
 */
public record ConnectionSnapshot(int version, CipherSuite suite, byte[] oneRttWriteSecret,
        byte[] headerProtectionKey, boolean keyPhase, long keyGeneration,
        ConnectionId destinationConnectionId, long pathId, InetSocketAddress peerAddress,
        int maxDatagramSize, long peerMaxAckDelayNanos, int peerAckDelayExponent,
        long nextPacketNumber, RttEstimator.State rtt, long connectionCredit, long congestionWindow,
        List<StreamSnapshot> streams) {

    /** The only format version this code writes and reads. */
    public static final int VERSION = 1;
    /** max_udp_payload_size bounds (RFC 9000 §18.2). */
    public static final int MIN_DATAGRAM_SIZE = 1200;
    public static final int MAX_DATAGRAM_SIZE = 65527;
    /** max_ack_delay values of 2^14 ms or more are invalid (RFC 9000 §18.2). */
    public static final long MAX_ACK_DELAY_LIMIT_NANOS = (1L << 14) * 1_000_000L;
    public static final long MAX_PATH_ID = (1L << 32) - 1;

    /** One stream handed to the path: its ID and the portable state of its send side. */
    public record StreamSnapshot(long streamId, SendStream.State send) {
        public StreamSnapshot {
            Objects.requireNonNull(send, "send");
            StateChecks.checkStream(streamId, send);
        }

        /** A response stream nobody has sent on yet, with the client's MAX_STREAM_DATA for it. */
        public static StreamSnapshot fresh(long streamId, long peerMaxStreamData) {
            return new StreamSnapshot(streamId, SendStream.State.handoff(streamId, 0, peerMaxStreamData, false));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StreamSnapshot s && s.streamId == streamId && StateChecks.sameState(s.send, send);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(streamId) * 31 + Long.hashCode(send.writtenOffset());
        }

        @Override
        public String toString() {
            return "StreamSnapshot[id=" + streamId + ", acked=" + send.ackedOffset() + ", sent=" + send.sentOffset()
                    + ", written=" + send.writtenOffset() + ", maxStreamData=" + send.maxStreamData()
                    + ", finished=" + send.finished() + "]";
        }
    }

    public ConnectionSnapshot {
        if (version != VERSION) {
            throw new IllegalArgumentException("snapshot version " + version);
        }
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(destinationConnectionId, "destinationConnectionId");
        Objects.requireNonNull(peerAddress, "peerAddress");
        if (oneRttWriteSecret == null || oneRttWriteSecret.length != suite.hashLength()) {
            throw new IllegalArgumentException("1-RTT secret length does not match " + suite);
        }
        if (headerProtectionKey != null && headerProtectionKey.length != suite.keyLength()) {
            throw new IllegalArgumentException("header protection key length does not match " + suite);
        }
        if (headerProtectionKey == null && keyGeneration != 0) {
            throw new IllegalArgumentException("key generation " + keyGeneration + " needs the header protection key");
        }
        oneRttWriteSecret = oneRttWriteSecret.clone();
        headerProtectionKey = headerProtectionKey == null ? null : headerProtectionKey.clone();
        StateChecks.checkPath(keyGeneration, pathId, peerAddress, maxDatagramSize, peerMaxAckDelayNanos,
                peerAckDelayExponent, nextPacketNumber, connectionCredit, congestionWindow);
        StateChecks.checkRtt(rtt);
        streams = List.copyOf(streams);
        Set<Long> ids = new HashSet<>();
        for (StreamSnapshot s : streams) {
            if (!ids.add(s.streamId())) {
                throw new IllegalArgumentException("duplicate stream " + s.streamId());
            }
        }
    }

    /**
     * A first handoff: key generation 0 (header protection key derived from the secret), fresh
     * RTT estimate and initial congestion window.
     */
    public static ConnectionSnapshot initial(CipherSuite suite, byte[] oneRttWriteSecret, boolean keyPhase,
            ConnectionId dcid, long pathId, InetSocketAddress peer, int maxDatagramSize, long peerMaxAckDelayNanos,
            int peerAckDelayExponent, long connectionCredit, List<StreamSnapshot> streams) {
        return new ConnectionSnapshot(VERSION, suite, oneRttWriteSecret, null, keyPhase, 0, dcid, pathId, peer,
                maxDatagramSize, peerMaxAckDelayNanos, peerAckDelayExponent, 0, null, connectionCredit, 0, streams);
    }

    /** The header protection key ("quic hp", RFC 9001 §5.4) of a generation-0 1-RTT secret. */
    public static byte[] headerProtectionKeyFor(CipherSuite suite, byte[] generationZeroSecret) {
        return Hkdf.expandLabel(suite, generationZeroSecret, "quic hp", suite.keyLength());
    }

    /** The header protection key to use: the explicit one, or derived from the secret (generation 0). */
    public byte[] effectiveHeaderProtectionKey() {
        return headerProtectionKey != null ? headerProtectionKey.clone()
                : headerProtectionKeyFor(suite, oneRttWriteSecret);
    }

    /** A copy of the secret. */
    @Override
    public byte[] oneRttWriteSecret() {
        return oneRttWriteSecret.clone();
    }

    /** The secret itself, for {@link SnapshotCodec}: never modify or let out. */
    byte[] secretForEncoding() {
        return oneRttWriteSecret;
    }

    /** The header protection key itself or null, for {@link SnapshotCodec}: never modify or let out. */
    byte[] headerProtectionKeyForEncoding() {
        return headerProtectionKey;
    }

    /** A copy of the header protection key, or null (derive from the secret). */
    @Override
    public byte[] headerProtectionKey() {
        return headerProtectionKey == null ? null : headerProtectionKey.clone();
    }

    /** The same snapshot with other streams. */
    public ConnectionSnapshot withStreams(List<StreamSnapshot> newStreams) {
        return new ConnectionSnapshot(version, suite, oneRttWriteSecret, headerProtectionKey, keyPhase, keyGeneration,
                destinationConnectionId, pathId, peerAddress, maxDatagramSize, peerMaxAckDelayNanos,
                peerAckDelayExponent, nextPacketNumber, rtt, connectionCredit, congestionWindow, newStreams);
    }

    /** The binary form (see {@link SnapshotCodec} for the layout). */
    public byte[] encode() {
        return SnapshotCodec.encode(this);
    }

    /** Parses {@link #encode()} output; anything malformed is a {@link SnapshotFormatException}. */
    public static ConnectionSnapshot decode(byte[] encoded) throws SnapshotFormatException {
        return SnapshotCodec.decode(encoded);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectionSnapshot s && version == s.version && suite == s.suite
                && Arrays.equals(oneRttWriteSecret, s.oneRttWriteSecret)
                && Arrays.equals(headerProtectionKey, s.headerProtectionKey) && keyPhase == s.keyPhase
                && keyGeneration == s.keyGeneration && destinationConnectionId.equals(s.destinationConnectionId)
                && pathId == s.pathId && peerAddress.equals(s.peerAddress) && maxDatagramSize == s.maxDatagramSize
                && peerMaxAckDelayNanos == s.peerMaxAckDelayNanos && peerAckDelayExponent == s.peerAckDelayExponent
                && nextPacketNumber == s.nextPacketNumber && Objects.equals(rtt, s.rtt)
                && connectionCredit == s.connectionCredit && congestionWindow == s.congestionWindow
                && streams.equals(s.streams);
    }

    @Override
    public int hashCode() {
        return Objects.hash(destinationConnectionId, pathId, nextPacketNumber, streams.size());
    }

    /** Never prints key material (DESIGN.md "Security"). */
    @Override
    public String toString() {
        return "ConnectionSnapshot[v" + version + ", " + suite + ", secret=<redacted>, hp=<redacted>, keyPhase="
                + (keyPhase ? 1 : 0) + ", keyGeneration=" + keyGeneration + ", dcid=" + destinationConnectionId
                + ", pathId=" + pathId + ", peer=" + peerAddress + ", maxDatagramSize=" + maxDatagramSize
                + ", peerMaxAckDelay=" + peerMaxAckDelayNanos + "ns, ackDelayExponent=" + peerAckDelayExponent
                + ", nextPn=" + nextPacketNumber + ", rtt=" + rtt + ", credit=" + connectionCredit + ", cwnd="
                + congestionWindow + ", streams=" + streams + "]";
    }

    static boolean isVarInt(long v) {
        return v >= 0 && v <= VarInt.MAX;
    }
}
