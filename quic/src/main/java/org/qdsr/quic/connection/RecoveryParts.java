package org.qdsr.quic.connection;

import org.qdsr.quic.recovery.CongestionController;
import org.qdsr.quic.recovery.ReceivedPacketTracker;
import org.qdsr.quic.recovery.Recovery;
import org.qdsr.quic.recovery.RttEstimator;

/** Builds the recovery parts of a connection from its settings. */
final class RecoveryParts {
    private RecoveryParts() {
    }

    static Recovery<SentFrames> create(ConnectionConfig config) {
        CongestionController cc = config.congestionControl().create(config.maxDatagramSize(), config.hyStart());
        RttEstimator rtt = new RttEstimator(config.initialRtt().toNanos());
        return Recovery.forPath0(cc, rtt, RttEstimator.DEFAULT_MAX_ACK_DELAY_NANOS);
    }

    /**
     * ACK tracking for one space. Initial and Handshake packets are acknowledged at once
     * (RFC 9000 §13.2.1); application packets follow max_ack_delay and every second packet, or
     * are decimated if the (role-resolved) config says so.
     */
    static ReceivedPacketTracker tracker(ConnectionConfig config, boolean immediate) {
        if (immediate) {
            return new ReceivedPacketTracker(0, 1, ReceivedPacketTracker.DEFAULT_MAX_RANGES);
        }
        long maxAckDelay = config.maxAckDelay().toNanos();
        return config.ackDecimation() == ConnectionConfig.AckDecimation.ON
                ? ReceivedPacketTracker.decimating(maxAckDelay) : new ReceivedPacketTracker(maxAckDelay);
    }
}
