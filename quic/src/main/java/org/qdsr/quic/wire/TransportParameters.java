package org.qdsr.quic.wire;

import java.util.Arrays;
import java.util.Objects;
import org.qdsr.quic.QuicException;

/**
 * QUIC transport parameters (RFC 9000 §18.2) plus {@code initial_max_path_id}
 * (draft-ietf-quic-multipath-21, 0x3e; null when absent) and QDSR's {@code server_paths}
 * (0x3e7d1, zero-length: the client lets the server send on path IDs for which the client issued
 * connection IDs) and {@code min_ack_delay} (draft-ietf-quic-ack-frequency-14 §3, 0xff04de1b,
 * in MICROseconds; null when absent: the sender does not accept ACK_FREQUENCY). Absent
 * connection IDs, token and preferred address are null. Other times are milliseconds as on the
 * wire; {@code ackDelayExponent} and {@code maxAckDelay} are raw values.
 * Byte arrays are not copied.
 */
public record TransportParameters(
        ConnectionId originalDestinationConnectionId,
        long maxIdleTimeout,
        byte[] statelessResetToken,
        long maxUdpPayloadSize,
        long initialMaxData,
        long initialMaxStreamDataBidiLocal,
        long initialMaxStreamDataBidiRemote,
        long initialMaxStreamDataUni,
        long initialMaxStreamsBidi,
        long initialMaxStreamsUni,
        long ackDelayExponent,
        long maxAckDelay,
        boolean disableActiveMigration,
        PreferredAddress preferredAddress,
        long activeConnectionIdLimit,
        ConnectionId initialSourceConnectionId,
        ConnectionId retrySourceConnectionId,
        Long initialMaxPathId,
        boolean serverPaths,
        Long minAckDelay) {

    public static final long DEFAULT_MAX_UDP_PAYLOAD_SIZE = 65527;
    public static final long DEFAULT_ACK_DELAY_EXPONENT = 3;
    public static final long DEFAULT_MAX_ACK_DELAY = 25;
    public static final long DEFAULT_ACTIVE_CONNECTION_ID_LIMIT = 2;

    public TransportParameters {
        if (statelessResetToken != null && statelessResetToken.length != 16) {
            throw new IllegalArgumentException("stateless reset token length");
        }
    }

    /** All parameters at their RFC 9000 defaults (absent ones null/false/0). */
    public static TransportParameters defaults() {
        return new Builder().build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Encodes the parameters, omitting those at their default value (RFC 9000 §18). */
    public byte[] encode() {
        return TransportParameterCodec.encode(this);
    }

    /**
     * Decodes parameters sent by the server ({@code fromServer}) or the client. Throws
     * TRANSPORT_PARAMETER_ERROR for duplicates, server-only parameters from a client, malformed or
     * out-of-range values (§7.4, §18.2). Unknown (including reserved 31*N+27) parameters are ignored.
     */
    public static TransportParameters decode(byte[] data, boolean fromServer) throws QuicException {
        return TransportParameterCodec.decode(data, fromServer);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransportParameters p
                && Objects.equals(p.originalDestinationConnectionId, originalDestinationConnectionId)
                && p.maxIdleTimeout == maxIdleTimeout
                && Arrays.equals(p.statelessResetToken, statelessResetToken)
                && p.maxUdpPayloadSize == maxUdpPayloadSize && p.initialMaxData == initialMaxData
                && p.initialMaxStreamDataBidiLocal == initialMaxStreamDataBidiLocal
                && p.initialMaxStreamDataBidiRemote == initialMaxStreamDataBidiRemote
                && p.initialMaxStreamDataUni == initialMaxStreamDataUni
                && p.initialMaxStreamsBidi == initialMaxStreamsBidi
                && p.initialMaxStreamsUni == initialMaxStreamsUni
                && p.ackDelayExponent == ackDelayExponent && p.maxAckDelay == maxAckDelay
                && p.disableActiveMigration == disableActiveMigration
                && Objects.equals(p.preferredAddress, preferredAddress)
                && p.activeConnectionIdLimit == activeConnectionIdLimit
                && Objects.equals(p.initialSourceConnectionId, initialSourceConnectionId)
                && Objects.equals(p.retrySourceConnectionId, retrySourceConnectionId)
                && Objects.equals(p.initialMaxPathId, initialMaxPathId)
                && p.serverPaths == serverPaths
                && Objects.equals(p.minAckDelay, minAckDelay);
    }

    @Override
    public int hashCode() {
        return Objects.hash(initialSourceConnectionId, initialMaxData, maxIdleTimeout);
    }

    /** Mutable builder; starts from the defaults. */
    public static final class Builder {
        ConnectionId originalDestinationConnectionId;
        long maxIdleTimeout;
        byte[] statelessResetToken;
        long maxUdpPayloadSize = DEFAULT_MAX_UDP_PAYLOAD_SIZE;
        long initialMaxData;
        long initialMaxStreamDataBidiLocal;
        long initialMaxStreamDataBidiRemote;
        long initialMaxStreamDataUni;
        long initialMaxStreamsBidi;
        long initialMaxStreamsUni;
        long ackDelayExponent = DEFAULT_ACK_DELAY_EXPONENT;
        long maxAckDelay = DEFAULT_MAX_ACK_DELAY;
        boolean disableActiveMigration;
        PreferredAddress preferredAddress;
        long activeConnectionIdLimit = DEFAULT_ACTIVE_CONNECTION_ID_LIMIT;
        ConnectionId initialSourceConnectionId;
        ConnectionId retrySourceConnectionId;
        Long initialMaxPathId;
        boolean serverPaths;
        Long minAckDelay;

        public Builder() {
        }

        Builder(TransportParameters p) {
            originalDestinationConnectionId = p.originalDestinationConnectionId;
            maxIdleTimeout = p.maxIdleTimeout;
            statelessResetToken = p.statelessResetToken;
            maxUdpPayloadSize = p.maxUdpPayloadSize;
            initialMaxData = p.initialMaxData;
            initialMaxStreamDataBidiLocal = p.initialMaxStreamDataBidiLocal;
            initialMaxStreamDataBidiRemote = p.initialMaxStreamDataBidiRemote;
            initialMaxStreamDataUni = p.initialMaxStreamDataUni;
            initialMaxStreamsBidi = p.initialMaxStreamsBidi;
            initialMaxStreamsUni = p.initialMaxStreamsUni;
            ackDelayExponent = p.ackDelayExponent;
            maxAckDelay = p.maxAckDelay;
            disableActiveMigration = p.disableActiveMigration;
            preferredAddress = p.preferredAddress;
            activeConnectionIdLimit = p.activeConnectionIdLimit;
            initialSourceConnectionId = p.initialSourceConnectionId;
            retrySourceConnectionId = p.retrySourceConnectionId;
            initialMaxPathId = p.initialMaxPathId;
            serverPaths = p.serverPaths;
            minAckDelay = p.minAckDelay;
        }

        public Builder originalDestinationConnectionId(ConnectionId v) { originalDestinationConnectionId = v; return this; }
        public Builder maxIdleTimeout(long millis) { maxIdleTimeout = millis; return this; }
        public Builder statelessResetToken(byte[] v) { statelessResetToken = v; return this; }
        public Builder maxUdpPayloadSize(long v) { maxUdpPayloadSize = v; return this; }
        public Builder initialMaxData(long v) { initialMaxData = v; return this; }
        public Builder initialMaxStreamDataBidiLocal(long v) { initialMaxStreamDataBidiLocal = v; return this; }
        public Builder initialMaxStreamDataBidiRemote(long v) { initialMaxStreamDataBidiRemote = v; return this; }
        public Builder initialMaxStreamDataUni(long v) { initialMaxStreamDataUni = v; return this; }
        public Builder initialMaxStreamsBidi(long v) { initialMaxStreamsBidi = v; return this; }
        public Builder initialMaxStreamsUni(long v) { initialMaxStreamsUni = v; return this; }
        public Builder ackDelayExponent(long v) { ackDelayExponent = v; return this; }
        public Builder maxAckDelay(long millis) { maxAckDelay = millis; return this; }
        public Builder disableActiveMigration(boolean v) { disableActiveMigration = v; return this; }
        public Builder preferredAddress(PreferredAddress v) { preferredAddress = v; return this; }
        public Builder activeConnectionIdLimit(long v) { activeConnectionIdLimit = v; return this; }
        public Builder initialSourceConnectionId(ConnectionId v) { initialSourceConnectionId = v; return this; }
        public Builder retrySourceConnectionId(ConnectionId v) { retrySourceConnectionId = v; return this; }
        public Builder initialMaxPathId(Long v) { initialMaxPathId = v; return this; }
        public Builder serverPaths(boolean v) { serverPaths = v; return this; }
        /** min_ack_delay in microseconds; null: not advertised. */
        public Builder minAckDelay(Long micros) { minAckDelay = micros; return this; }

        public TransportParameters build() {
            return new TransportParameters(originalDestinationConnectionId, maxIdleTimeout,
                    statelessResetToken, maxUdpPayloadSize, initialMaxData,
                    initialMaxStreamDataBidiLocal, initialMaxStreamDataBidiRemote,
                    initialMaxStreamDataUni, initialMaxStreamsBidi, initialMaxStreamsUni,
                    ackDelayExponent, maxAckDelay, disableActiveMigration, preferredAddress,
                    activeConnectionIdLimit, initialSourceConnectionId, retrySourceConnectionId,
                    initialMaxPathId, serverPaths, minAckDelay);
        }
    }
}
