package org.qdsr.quic.connection;

import java.time.Duration;

/**
 * The local settings of a connection: what we advertise in our transport parameters (RFC 9000
 * §18.2) and how we send. Immutable; start from {@link #defaults()} and use the withers.
 */
public record ConnectionConfig(
        Duration maxIdleTimeout,
        long initialMaxData,
        long initialMaxStreamDataBidiLocal,
        long initialMaxStreamDataBidiRemote,
        long initialMaxStreamDataUni,
        long initialMaxStreamsBidi,
        long initialMaxStreamsUni,
        int activeConnectionIdLimit,
        int maxDatagramSize,
        int connectionIdLength,
        CongestionAlgorithm congestionControl,
        Duration maxAckDelay,
        int ackDelayExponent,
        long keyUpdateIntervalPackets,
        int streamSendBuffer,
        Duration initialRtt,
        long initialMaxPathId,
        boolean serverPaths) {

    /** Which congestion controller a connection runs (RFC 9002 §7, RFC 9438). */
    public enum CongestionAlgorithm { NEW_RENO, CUBIC }

    public static ConnectionConfig defaults() {
        return new ConnectionConfig(Duration.ofSeconds(30), 16L << 20, 4L << 20, 4L << 20, 4L << 20,
                128, 16, 4, 1350, 8, CongestionAlgorithm.CUBIC, Duration.ofMillis(25), 3, 0,
                2 << 20, Duration.ofMillis(333), -1, false);
    }

    public ConnectionConfig withMaxIdleTimeout(Duration d) {
        return new ConnectionConfig(d, initialMaxData, initialMaxStreamDataBidiLocal, initialMaxStreamDataBidiRemote,
                initialMaxStreamDataUni, initialMaxStreamsBidi, initialMaxStreamsUni, activeConnectionIdLimit,
                maxDatagramSize, connectionIdLength, congestionControl, maxAckDelay, ackDelayExponent,
                keyUpdateIntervalPackets, streamSendBuffer, initialRtt, initialMaxPathId, serverPaths);
    }

    public ConnectionConfig withFlowControl(long maxData, long maxStreamData) {
        return new ConnectionConfig(maxIdleTimeout, maxData, maxStreamData, maxStreamData, maxStreamData,
                initialMaxStreamsBidi, initialMaxStreamsUni, activeConnectionIdLimit, maxDatagramSize,
                connectionIdLength, congestionControl, maxAckDelay, ackDelayExponent, keyUpdateIntervalPackets,
                streamSendBuffer, initialRtt, initialMaxPathId, serverPaths);
    }

    public ConnectionConfig withMaxStreams(long bidi, long uni) {
        return new ConnectionConfig(maxIdleTimeout, initialMaxData, initialMaxStreamDataBidiLocal,
                initialMaxStreamDataBidiRemote, initialMaxStreamDataUni, bidi, uni, activeConnectionIdLimit,
                maxDatagramSize, connectionIdLength, congestionControl, maxAckDelay, ackDelayExponent,
                keyUpdateIntervalPackets, streamSendBuffer, initialRtt, initialMaxPathId, serverPaths);
    }

    public ConnectionConfig withMaxDatagramSize(int size) {
        return new ConnectionConfig(maxIdleTimeout, initialMaxData, initialMaxStreamDataBidiLocal,
                initialMaxStreamDataBidiRemote, initialMaxStreamDataUni, initialMaxStreamsBidi, initialMaxStreamsUni,
                activeConnectionIdLimit, size, connectionIdLength, congestionControl, maxAckDelay, ackDelayExponent,
                keyUpdateIntervalPackets, streamSendBuffer, initialRtt, initialMaxPathId, serverPaths);
    }

    public ConnectionConfig withCongestionControl(CongestionAlgorithm cc) {
        return new ConnectionConfig(maxIdleTimeout, initialMaxData, initialMaxStreamDataBidiLocal,
                initialMaxStreamDataBidiRemote, initialMaxStreamDataUni, initialMaxStreamsBidi, initialMaxStreamsUni,
                activeConnectionIdLimit, maxDatagramSize, connectionIdLength, cc, maxAckDelay, ackDelayExponent,
                keyUpdateIntervalPackets, streamSendBuffer, initialRtt, initialMaxPathId, serverPaths);
    }

    /** Initiate a key update every {@code packets} packets sent (0: never initiate; always respond). */
    public ConnectionConfig withKeyUpdateInterval(long packets) {
        return new ConnectionConfig(maxIdleTimeout, initialMaxData, initialMaxStreamDataBidiLocal,
                initialMaxStreamDataBidiRemote, initialMaxStreamDataUni, initialMaxStreamsBidi, initialMaxStreamsUni,
                activeConnectionIdLimit, maxDatagramSize, connectionIdLength, congestionControl, maxAckDelay,
                ackDelayExponent, packets, streamSendBuffer, initialRtt, initialMaxPathId, serverPaths);
    }

    /** Multipath (draft-ietf-quic-multipath-21) and QDSR's server-paths announcement. */
    public ConnectionConfig withPaths(long maxPathId, boolean allowServerPaths) {
        return new ConnectionConfig(maxIdleTimeout, initialMaxData, initialMaxStreamDataBidiLocal,
                initialMaxStreamDataBidiRemote, initialMaxStreamDataUni, initialMaxStreamsBidi, initialMaxStreamsUni,
                activeConnectionIdLimit, maxDatagramSize, connectionIdLength, congestionControl, maxAckDelay,
                ackDelayExponent, keyUpdateIntervalPackets, streamSendBuffer, initialRtt, maxPathId, allowServerPaths);
    }
}
