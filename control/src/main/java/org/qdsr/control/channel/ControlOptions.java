package org.qdsr.control.channel;

import java.time.Duration;

/**
 * Channel tuning.
 *
 * @param heartbeatInterval  how often each side sends Heartbeat and checks liveness
 * @param missedHeartbeats   silence of this many intervals closes the channel as dead
 * @param minBackoff         first reconnect delay of a {@link ControlClient}
 * @param maxBackoff         reconnect delay cap; delays double and get jitter (50-100%)
 * @param handshakeTimeout   limit for connect + TLS handshake + Hello exchange
 * @param queueCapacity      messages a channel queues before {@code send} blocks
 * @param maxMessageSize     largest message body accepted
 */
public record ControlOptions(Duration heartbeatInterval, int missedHeartbeats, Duration minBackoff,
                             Duration maxBackoff, Duration handshakeTimeout, int queueCapacity, int maxMessageSize) {
    public ControlOptions {
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero() || missedHeartbeats < 1
                || minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0 || queueCapacity < 1
                || maxMessageSize < 1024 || handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("bad control options " + this);
        }
    }

    /** 1 s heartbeats, dead after 3 missed, reconnect 100 ms .. 5 s, 10 s handshake, 64 Ki queue, 16 MiB. */
    public static ControlOptions defaults() {
        return new ControlOptions(Duration.ofSeconds(1), 3, Duration.ofMillis(100), Duration.ofSeconds(5),
                Duration.ofSeconds(10), 1 << 16, 16 * 1024 * 1024);
    }

    public ControlOptions withHeartbeat(Duration interval, int missed) {
        return new ControlOptions(interval, missed, minBackoff, maxBackoff, handshakeTimeout, queueCapacity,
                maxMessageSize);
    }

    public ControlOptions withBackoff(Duration min, Duration max) {
        return new ControlOptions(heartbeatInterval, missedHeartbeats, min, max, handshakeTimeout, queueCapacity,
                maxMessageSize);
    }

    /** Silence after which the peer counts as dead, in nanoseconds. */
    long deadAfterNanos() {
        return heartbeatInterval.toNanos() * missedHeartbeats;
    }
}
