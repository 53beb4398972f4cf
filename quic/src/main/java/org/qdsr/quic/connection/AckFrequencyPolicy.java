package org.qdsr.quic.connection;

import org.qdsr.quic.recovery.Recovery;
import org.qdsr.quic.wire.AckFrequencyFrame;

/**
 * The data sender's side of draft-ietf-quic-ack-frequency-14: when to send ACK_FREQUENCY and with
 * what (§4, §8, §9). Sans-I/O and allocation-free except for the frame it returns: the
 * connection calls {@link #poll} with the current estimates and queues what it returns.
 *
 * <p>Only a peer that advertised min_ack_delay (§3) is asked, and the caller waits for handshake
 * confirmation and an RTT sample. The request, with W the window in packets ({@link
 * #windowPackets}):
 * <ul>
 * <li>Ack-Eliciting Threshold = clamp(W / {@value #ACKS_PER_ROUND_TRIP} - 1, 1,
 * {@value #MAX_THRESHOLD}): about {@value #ACKS_PER_ROUND_TRIP} ACKs per round trip at a full
 * window, the same rate the delay below gives a trickle, and far below §8.1's ceiling of one
 * window. Congestion control grows by bytes acknowledged (RFC 9002 §7.3), not by ACK count, and
 * the pacer (RFC 9002 §7.7, draft §8.2) smooths the larger releases; a gap still gets an ACK at
 * once through the Reordering Threshold below, so fewer ACKs do not slow loss detection. Never
 * below 1, the RFC 9000 §13.2.2 default (asking for more ACKs is not this policy's business). At
 * most {@value #MAX_THRESHOLD}: about 1.3 MB of full-size packets, about a millisecond of a
 * 10 Gbit/s flow. Three ACKs per round trip, not two, leave a margin when a loss shrinks the
 * window before the next frame can follow (at most one per RTT): with two, a simulated 50 Mbit/s
 * download with a 1 MB bottleneck buffer took 35 % longer, with three 3 % less time than with four.
 * QDSR measured (namespace testbed, 1 MB responses from two real servers) about 30 % fewer client
 * datagrams per GB at the load balancer than with four ACKs per round trip and a bound of 255,
 * with the same goodput and latency.</li>
 * <li>Requested Max Ack Delay = clamp(smoothed_rtt / {@value #RTT_DIVISOR}, peer min_ack_delay,
 * peer max_ack_delay): below one RTT as §8.1 advises, based on smoothed_rtt not min_rtt (§8.1),
 * and never above the peer's max_ack_delay transport parameter, so the PTO (RFC 9002 §6.2.1,
 * draft §7), which keeps using that parameter, stays valid for every sender of the connection
 * (QDSR's real servers included).</li>
 * <li>Reordering Threshold = {@value #REORDERING_THRESHOLD}, RFC 9002 §6.1.1's kPacketThreshold,
 * as §9 suggests: an ACK comes exactly when a sender can declare a loss. The adaptive threshold of
 * our own {@code Recovery} is not sent (§9's SHOULD): the value applies to every packet-number
 * space of the receiver, also those of other senders (QDSR's exported paths) that start at 3.</li>
 * </ul>
 * A new frame goes only when the ACK interval (threshold + 1) or the delay changed by a factor of
 * {@value #CHANGE_FACTOR} or more since the last frame, and at most once per smoothed RTT (§8.1:
 * "not every change should trigger an update"). The first frame waits until the interval is
 * twice the default one (the default interval is 2 packets): until then the peer's own default is
 * no worse. A lost frame is sent again only while it is the latest ({@link #isCurrent}, §4).
 */
final class AckFrequencyPolicy {
    /** Requested ACKs per round trip at a full window. */
    static final long ACKS_PER_ROUND_TRIP = 3;
    /** Upper bound of the Ack-Eliciting Threshold. */
    static final long MAX_THRESHOLD = 1023;
    /** Requested Max Ack Delay = smoothed_rtt / this (before clamping). */
    static final long RTT_DIVISOR = 3;
    /** The Reordering Threshold sent: RFC 9002's packet threshold. */
    static final long REORDERING_THRESHOLD = Recovery.PACKET_THRESHOLD;
    /** Hysteresis: a new frame needs a change of at least this factor. */
    static final long CHANGE_FACTOR = 2;
    /** The receiver's ACK interval (threshold + 1) before any ACK_FREQUENCY (RFC 9000 §13.2.2). */
    private static final long DEFAULT_INTERVAL = 2;

    private final boolean enabled;
    private long peerMinMicros = -1;
    private long peerMaxMicros;
    private long nextSequence;
    private long sentInterval = DEFAULT_INTERVAL;
    private long sentDelayMicros;
    private long lastSentAt;

    /** {@code enabled}: this endpoint sends ACK_FREQUENCY at all ({@link ConnectionConfig#requestAckFrequency()}). */
    AckFrequencyPolicy(boolean enabled) {
        this.enabled = enabled;
    }

    /** The peer's min_ack_delay (µs, null if absent) and max_ack_delay (ms) transport parameters. */
    void onPeerParameters(Long minAckDelayMicros, long maxAckDelayMillis) {
        peerMinMicros = minAckDelayMicros == null ? -1 : minAckDelayMicros;
        peerMaxMicros = maxAckDelayMillis * 1000;
    }

    /** True if this endpoint will ask the peer for an ACK frequency (the peer advertised min_ack_delay). */
    boolean active() {
        return enabled && peerMinMicros >= 0;
    }

    /** True if the peer accepts ACK_FREQUENCY and IMMEDIATE_ACK frames (§3). */
    boolean peerSupports() {
        return peerMinMicros >= 0;
    }

    /**
     * The window W in packets: the larger of this endpoint's own congestion window and what the
     * peer acknowledges per round trip now on the paths other senders use (QDSR's exported
     * paths, {@link ExportedPathDelivery#currentPacketsPerRoundTrip}): a load balancer that handed
     * its streams to real servers sends almost nothing itself, yet the client's ACK rate follows
     * what the real servers send. It must follow their windows down after losses as the own
     * window does (§8.1), not stay at the most ever delivered.
     */
    static long windowPackets(long congestionWindowBytes, int maxDatagramSize, long exportedPacketsPerRoundTrip) {
        return Math.max(congestionWindowBytes / Math.max(1, maxDatagramSize), exportedPacketsPerRoundTrip);
    }

    /** The Ack-Eliciting Threshold for a window of {@code windowPackets}. */
    static long threshold(long windowPackets) {
        return Math.max(1, Math.min(MAX_THRESHOLD, windowPackets / ACKS_PER_ROUND_TRIP - 1));
    }

    /** The Requested Max Ack Delay in microseconds for a smoothed RTT. */
    long requestedDelayMicros(long smoothedRttNanos) {
        return Math.max(peerMinMicros, Math.min(peerMaxMicros, smoothedRttNanos / RTT_DIVISOR / 1000));
    }

    /**
     * The ACK_FREQUENCY frame to queue now, or null. {@code smoothedRttNanos} must come from a
     * real sample.
     */
    AckFrequencyFrame poll(long now, long smoothedRttNanos, long windowPackets) {
        if (!active() || (nextSequence > 0 && now - lastSentAt < smoothedRttNanos)) {
            return null;
        }
        long threshold = threshold(windowPackets);
        long delay = requestedDelayMicros(smoothedRttNanos);
        boolean changed = apart(threshold + 1, sentInterval) || nextSequence > 0 && apart(delay, sentDelayMicros);
        if (!changed) {
            return null;
        }
        sentInterval = threshold + 1;
        sentDelayMicros = delay;
        lastSentAt = now;
        return new AckFrequencyFrame(nextSequence++, threshold, delay, REORDERING_THRESHOLD);
    }

    private static boolean apart(long a, long b) {
        return Math.max(a, b) >= CHANGE_FACTOR * Math.min(a, b) && a != b;
    }

    /** True if {@code f} is the latest frame sent, so worth sending again if lost (§4). */
    boolean isCurrent(AckFrequencyFrame f) {
        return f.sequenceNumber() == nextSequence - 1;
    }

    /** ACK_FREQUENCY frames created so far. */
    long framesSent() {
        return nextSequence;
    }
}
