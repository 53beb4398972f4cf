package org.qdsr.quic.connection;

import java.time.Duration;
import org.qdsr.quic.recovery.CongestionAlgorithm;

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
        boolean serverPaths,
        AckDecimation ackDecimation,
        long minAckDelayMicros,
        boolean requestAckFrequency,
        boolean hyStart) {

    /** {@link #minAckDelayMicros()}: min_ack_delay not advertised, so the peer sends no ACK_FREQUENCY. */
    public static final long MIN_ACK_DELAY_OFF = -1;
    /** {@link #minAckDelayMicros()}: resolved per role, clients {@value #CLIENT_MIN_ACK_DELAY_MICROS} µs, servers off. */
    public static final long MIN_ACK_DELAY_ROLE_DEFAULT = -2;
    /**
     * The min_ack_delay clients advertise by default (draft-ietf-quic-ack-frequency-14 §3): 1 ms,
     * RFC 9002 §6.1.2's recommended timer granularity, the finest delay an event loop reliably
     * keeps; a sender asking for less would get it no better.
     */
    public static final long CLIENT_MIN_ACK_DELAY_MICROS = 1000;

    /**
     * Whether this endpoint decimates its ACKs of application data (see
     * {@link org.qdsr.quic.recovery.ReceivedPacketTracker}): after 100 ack-eliciting packets in a
     * packet-number space (and in each multipath space), acknowledge every 10th one, or after
     * min(max_ack_delay, smoothed_rtt / 4), but at once on reordering or a gap (RFC 9000 §13.2.1).
     * RFC 9000 §13.2.2 only says SHOULD for every second packet; draft-ietf-quic-ack-frequency is
     * how a sender may ask for it explicitly. Fewer ACKs save the sender (and, in DSR, the load
     * balancer forwarding PATH_ACKs) CPU per byte.
     */
    public enum AckDecimation {
        /** On for clients, off for servers (so a server still acknowledges client data promptly). */
        DEFAULT,
        ON,
        OFF;

        boolean enabledFor(boolean isClient) {
            return this == ON || this == DEFAULT && isClient;
        }
    }


    public static ConnectionConfig defaults() {
        return new ConnectionConfig(Duration.ofSeconds(30), 16L << 20, 4L << 20, 4L << 20, 4L << 20,
                128, 16, 4, 1350, 8, CongestionAlgorithm.CUBIC, Duration.ofMillis(25), 3, 0,
                2 << 20, Duration.ofMillis(333), -1, false,
                AckDecimation.DEFAULT, MIN_ACK_DELAY_ROLE_DEFAULT, true, true);
    }

    public ConnectionConfig withMaxIdleTimeout(Duration d) {
        return new ConnectionConfig(d, initialMaxData, initialMaxStreamDataBidiLocal, initialMaxStreamDataBidiRemote,
                initialMaxStreamDataUni, initialMaxStreamsBidi, initialMaxStreamsUni, activeConnectionIdLimit,
                maxDatagramSize, connectionIdLength, congestionControl, maxAckDelay, ackDelayExponent,
                keyUpdateIntervalPackets, streamSendBuffer, initialRtt, initialMaxPathId, serverPaths,
                ackDecimation, minAckDelayMicros, requestAckFrequency, hyStart);
    }

    public ConnectionConfig withFlowControl(long maxData, long maxStreamData) {
        return new ConnectionConfig(maxIdleTimeout, maxData, maxStreamData, maxStreamData, maxStreamData,
                initialMaxStreamsBidi, initialMaxStreamsUni, activeConnectionIdLimit, maxDatagramSize,
                connectionIdLength, congestionControl, maxAckDelay, ackDelayExponent, keyUpdateIntervalPackets,
                streamSendBuffer, initialRtt, initialMaxPathId, serverPaths,
                ackDecimation, minAckDelayMicros, requestAckFrequency, hyStart);
    }

    public ConnectionConfig withMaxStreams(long bidi, long uni) {
        return new ConnectionConfig(maxIdleTimeout, initialMaxData, initialMaxStreamDataBidiLocal,
                initialMaxStreamDataBidiRemote, initialMaxStreamDataUni, bidi, uni, activeConnectionIdLimit,
                maxDatagramSize, connectionIdLength, congestionControl, maxAckDelay, ackDelayExponent,
                keyUpdateIntervalPackets, streamSendBuffer, initialRtt, initialMaxPathId, serverPaths,
                ackDecimation, minAckDelayMicros, requestAckFrequency, hyStart);
    }

    public ConnectionConfig withMaxDatagramSize(int size) {
        return new ConnectionConfig(maxIdleTimeout, initialMaxData, initialMaxStreamDataBidiLocal,
                initialMaxStreamDataBidiRemote, initialMaxStreamDataUni, initialMaxStreamsBidi, initialMaxStreamsUni,
                activeConnectionIdLimit, size, connectionIdLength, congestionControl, maxAckDelay, ackDelayExponent,
                keyUpdateIntervalPackets, streamSendBuffer, initialRtt, initialMaxPathId, serverPaths,
                ackDecimation, minAckDelayMicros, requestAckFrequency, hyStart);
    }

    public ConnectionConfig withCongestionControl(CongestionAlgorithm cc) {
        return new ConnectionConfig(maxIdleTimeout, initialMaxData, initialMaxStreamDataBidiLocal,
                initialMaxStreamDataBidiRemote, initialMaxStreamDataUni, initialMaxStreamsBidi, initialMaxStreamsUni,
                activeConnectionIdLimit, maxDatagramSize, connectionIdLength, cc, maxAckDelay, ackDelayExponent,
                keyUpdateIntervalPackets, streamSendBuffer, initialRtt, initialMaxPathId, serverPaths,
                ackDecimation, minAckDelayMicros, requestAckFrequency, hyStart);
    }

    /** Initiate a key update every {@code packets} packets sent (0: never initiate; always respond). */
    public ConnectionConfig withKeyUpdateInterval(long packets) {
        return new ConnectionConfig(maxIdleTimeout, initialMaxData, initialMaxStreamDataBidiLocal,
                initialMaxStreamDataBidiRemote, initialMaxStreamDataUni, initialMaxStreamsBidi, initialMaxStreamsUni,
                activeConnectionIdLimit, maxDatagramSize, connectionIdLength, congestionControl, maxAckDelay,
                ackDelayExponent, packets, streamSendBuffer, initialRtt, initialMaxPathId, serverPaths,
                ackDecimation, minAckDelayMicros, requestAckFrequency, hyStart);
    }

    /** Multipath (draft-ietf-quic-multipath-21) and QDSR's server-paths announcement. */
    public ConnectionConfig withPaths(long maxPathId, boolean allowServerPaths) {
        return new ConnectionConfig(maxIdleTimeout, initialMaxData, initialMaxStreamDataBidiLocal,
                initialMaxStreamDataBidiRemote, initialMaxStreamDataUni, initialMaxStreamsBidi, initialMaxStreamsUni,
                activeConnectionIdLimit, maxDatagramSize, connectionIdLength, congestionControl, maxAckDelay,
                ackDelayExponent, keyUpdateIntervalPackets, streamSendBuffer, initialRtt, maxPathId, allowServerPaths,
                ackDecimation, minAckDelayMicros, requestAckFrequency, hyStart);
    }

    /** ACK decimation for application data; {@link AckDecimation#DEFAULT}: clients only. */
    public ConnectionConfig withAckDecimation(AckDecimation mode) {
        return new ConnectionConfig(maxIdleTimeout, initialMaxData, initialMaxStreamDataBidiLocal,
                initialMaxStreamDataBidiRemote, initialMaxStreamDataUni, initialMaxStreamsBidi, initialMaxStreamsUni,
                activeConnectionIdLimit, maxDatagramSize, connectionIdLength, congestionControl, maxAckDelay,
                ackDelayExponent, keyUpdateIntervalPackets, streamSendBuffer, initialRtt, initialMaxPathId,
                serverPaths, mode, minAckDelayMicros, requestAckFrequency, hyStart);
    }

    /**
     * ACK frequency (draft-ietf-quic-ack-frequency-14): the min_ack_delay this endpoint advertises
     * ({@code null}: none, the peer may not send ACK_FREQUENCY; the advertised value is capped at
     * {@link #maxAckDelay()}, §3), and whether it sends ACK_FREQUENCY to a peer that advertised one
     * (see {@code AckFrequencyPolicy}).
     */
    public ConnectionConfig withAckFrequency(Duration minAckDelay, boolean request) {
        return new ConnectionConfig(maxIdleTimeout, initialMaxData, initialMaxStreamDataBidiLocal,
                initialMaxStreamDataBidiRemote, initialMaxStreamDataUni, initialMaxStreamsBidi, initialMaxStreamsUni,
                activeConnectionIdLimit, maxDatagramSize, connectionIdLength, congestionControl, maxAckDelay,
                ackDelayExponent, keyUpdateIntervalPackets, streamSendBuffer, initialRtt, initialMaxPathId,
                serverPaths, ackDecimation, minAckDelay == null ? MIN_ACK_DELAY_OFF : minAckDelay.toNanos() / 1000,
                request, hyStart);
    }

    /**
     * HyStart++ (RFC 9406) in the initial slow start of every path this config builds a congestion
     * controller for: on by default; off keeps plain slow start (RFC 9002 §7.3.1), which leaves
     * only on loss, e.g. to compare, or for a path whose RTT rises for reasons other than queueing.
     */
    public ConnectionConfig withHyStart(boolean on) {
        return new ConnectionConfig(maxIdleTimeout, initialMaxData, initialMaxStreamDataBidiLocal,
                initialMaxStreamDataBidiRemote, initialMaxStreamDataUni, initialMaxStreamsBidi, initialMaxStreamsUni,
                activeConnectionIdLimit, maxDatagramSize, connectionIdLength, congestionControl, maxAckDelay,
                ackDelayExponent, keyUpdateIntervalPackets, streamSendBuffer, initialRtt, initialMaxPathId,
                serverPaths, ackDecimation, minAckDelayMicros, requestAckFrequency, on);
    }

    /** This config with {@link AckDecimation#DEFAULT} and {@link #MIN_ACK_DELAY_ROLE_DEFAULT} resolved for the given role. */
    ConnectionConfig resolvedFor(boolean isClient) {
        ConnectionConfig c = this;
        if (ackDecimation == AckDecimation.DEFAULT) {
            c = c.withAckDecimation(ackDecimation.enabledFor(isClient) ? AckDecimation.ON : AckDecimation.OFF);
        }
        if (minAckDelayMicros == MIN_ACK_DELAY_ROLE_DEFAULT) {
            c = c.withAckFrequency(isClient ? Duration.ofNanos(CLIENT_MIN_ACK_DELAY_MICROS * 1000) : null,
                    requestAckFrequency);
        }
        return c;
    }

    /** The min_ack_delay to advertise in microseconds, at most max_ack_delay (§3), or -1 for none. */
    long advertisedMinAckDelayMicros() {
        return minAckDelayMicros < 0 ? MIN_ACK_DELAY_OFF : Math.min(minAckDelayMicros, maxAckDelay.toMillis() * 1000);
    }
}
