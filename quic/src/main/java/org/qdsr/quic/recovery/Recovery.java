package org.qdsr.quic.recovery;

import java.util.List;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;
import org.qdsr.quic.wire.AckRange;

/**
 * Loss detection and congestion bookkeeping for one path (RFC 9002 §6, Appendix A), over the
 * packet-number spaces that path owns (identified by caller-chosen indices 0..n-1). One RTT
 * estimator, one congestion controller and one pacer per instance. Sans-I/O: the caller passes
 * {@code now} (nanoseconds), arms a timer at {@link #lossDetectionTimer()} and calls
 * {@link #onLossDetectionTimeout} when it fires; PTO probes are requested via
 * {@link #ptoProbesWanted(int)} and may be sent regardless of the congestion window (§7.5).
 *
 * <p>Listeners are invoked synchronously during the call; they must not call back into this object.
 */
public final class Recovery<T> {
    /** kPacketThreshold, RFC 9002 §6.1.1. */
    public static final int PACKET_THRESHOLD = 3;
    /** Upper bound of the adaptive packet threshold (see {@link #packetThreshold()}). */
    public static final int MAX_PACKET_THRESHOLD = 64;
    /** kPersistentCongestionThreshold, RFC 9002 §7.6.1. */
    public static final int PERSISTENT_CONGESTION_THRESHOLD = 3;
    /**
     * How much longer than the time threshold a packet of another sender may at least trail a
     * packet sent after it that was already acknowledged: that sender's own send queue (QDSR
     * counts a queue of 20 ms as congestion). The allowance is the PTO (§6.2.1) if larger: RTT
     * samples include the senders' queues, so their jitter widens it. Beyond it the packet counts
     * as lost even though no later packet of its own sender was acknowledged, so a sender's lost
     * last packet does not wait forever: the acknowledgement of a PTO probe sent after it is enough.
     */
    static final long CROSS_SENDER_SLACK_NANOS = 20_000_000;
    /** Largest {@link SentPacket#sender()}. */
    public static final int MAX_SENDER = 4095;
    /** Space indices used by {@link #forPath0}. */
    public static final int INITIAL = 0;
    public static final int HANDSHAKE = 1;
    public static final int APPLICATION = 2;
    private static final long ACK_FRAME_TYPE = 0x02;
    private static final int MAX_BACKOFF_SHIFT = 20;

    /** Receives acknowledged and lost packets (RFC 9002 §A.7, §A.10). */
    public interface Listener<T> {
        void onAcked(int space, SentPacket<T> p);

        void onLost(int space, SentPacket<T> p);
    }

    private final PacketSpace<T>[] spaces;
    private CongestionController cc;
    private RttEstimator rtt;
    private final Pacer pacer;
    private long maxAckDelay;
    private long bytesInFlight;
    private int packetThreshold = PACKET_THRESHOLD;
    /** Time threshold above 1 RTT in eighths: 1 (9/8, RFC 9002 §6.1.2), doubled per spurious loss up to 8 (2x). */
    private int timeThresholdEighths = 1;
    private long spuriousLosses;
    private long packetsLost;
    private long packetsLostByTime;
    private int ptoCount;
    private long timer = Long.MAX_VALUE;
    private long lastNow;
    private boolean handshakeConfirmed;
    private boolean peerAddressValidated;
    private boolean amplificationLimited;
    private boolean appLimited;
    private int ptoSpace = -1;

    /**
     * All spaces start as Application Data spaces (PTO waits for handshake confirmation and includes
     * max_ack_delay), enabled; use {@link #configureSpace} or {@link #forPath0} for handshake spaces.
     */
    @SuppressWarnings("unchecked")
    public Recovery(int spaceCount, CongestionController cc, RttEstimator rtt, long maxAckDelayNanos) {
        if (spaceCount < 1) {
            throw new IllegalArgumentException("need at least one packet number space");
        }
        this.spaces = new PacketSpace[spaceCount];
        for (int i = 0; i < spaceCount; i++) {
            spaces[i] = new PacketSpace<>();
        }
        this.cc = cc;
        this.rtt = rtt;
        this.pacer = new Pacer(cc.maxDatagramSize());
        setMaxAckDelay(maxAckDelayNanos);
    }

    /**
     * Path 0 of a connection: {@link #INITIAL} (enabled), {@link #HANDSHAKE} (disabled until
     * handshake keys exist: {@code setSpaceEnabled(HANDSHAKE, true)}), {@link #APPLICATION}.
     */
    public static <T> Recovery<T> forPath0(CongestionController cc, RttEstimator rtt, long maxAckDelayNanos) {
        Recovery<T> r = new Recovery<>(3, cc, rtt, maxAckDelayNanos);
        r.configureSpace(INITIAL, false, true);
        r.configureSpace(HANDSHAKE, false, false);
        return r;
    }

    /** A further multipath path: one Application space (index 0), handshake confirmed, address validated. */
    public static <T> Recovery<T> forExtraPath(CongestionController cc, RttEstimator rtt, long maxAckDelayNanos) {
        Recovery<T> r = new Recovery<>(1, cc, rtt, maxAckDelayNanos);
        r.handshakeConfirmed = true;
        r.peerAddressValidated = true;
        return r;
    }

    /** Sets a space's kind (Application Data or Initial/Handshake) and whether its keys are available. */
    public void configureSpace(int space, boolean applicationData, boolean enabled) {
        spaces[space].applicationData = applicationData;
        spaces[space].enabled = enabled;
        setLossDetectionTimer(lastNow);
    }

    /** Whether keys exist for the space; a disabled space never gets a PTO or anti-deadlock probe. */
    public void setSpaceEnabled(int space, boolean enabled) {
        spaces[space].enabled = enabled;
        setLossDetectionTimer(lastNow);
    }

    // ---------------------------------------------------------------- sending

    /**
     * Records a sent packet (RFC 9002 §A.5). Packet numbers must strictly increase per space.
     * Sending an ack-eliciting packet in a space consumes one wanted PTO probe there.
     */
    public void onPacketSent(int space, long pn, long now, int size, boolean ackEliciting, boolean inFlight,
                             T payload) {
        onPacketSent(space, pn, now, size, ackEliciting, inFlight, payload, 0);
    }

    /**
     * The same for a packet another machine puts on the wire ({@code sender} 1..{@link #MAX_SENDER},
     * QDSR's instructed mode; 0 = this endpoint). Loss detection compares a packet only with later
     * acknowledged packets of its own sender (see {@link #detectAndRemoveLostPackets}).
     */
    public void onPacketSent(int space, long pn, long now, int size, boolean ackEliciting, boolean inFlight,
                             T payload, int sender) {
        PacketSpace<T> s = spaces[space];
        if (s.discarded) {
            throw new IllegalStateException("packet number space " + space + " was discarded");
        }
        lastNow = now;
        s.sent.add(new SentPacket<>(pn, now, size, ackEliciting, inFlight, payload, sender));
        if (inFlight) {
            bytesInFlight += size;
            cc.onPacketSent(now, size);
            pacer.onPacketSent(now, size);
            if (ackEliciting) {
                s.timeOfLastAckEliciting = now;
                s.ackElicitingInFlight++;
                s.probesWanted = Math.max(0, s.probesWanted - 1);
            }
        }
        setLossDetectionTimer(now);
    }

    /**
     * A congestion signal other than loss for packet {@code pn} (QDSR instructed mode: the real
     * server that sends it for us reports a send queue building up). Handled like an ECN-CE mark
     * (RFC 9002 §7.1, §B.7): one congestion event per recovery period, nothing is retransmitted.
     */
    public void onCongestionSignal(int space, long pn, long now) {
        SentPacketQueue<T> q = spaces[space].sent;
        int i = q.lowerBound(pn);
        long sent = i < q.size() && q.pnAt(i) == pn && q.stateAt(i) == SentPacketQueue.OUTSTANDING
                ? q.packetAt(i).timeSentNanos() : now;
        cc.onCongestionEvent(now, sent);
    }

    /**
     * Packet {@code pn} never left (the machine told to send it could not): it leaves the bytes
     * in flight without a congestion signal, and its frames go to {@code l.onLost} to be sent again.
     */
    public void onNeverSent(int space, long pn, long now, Listener<T> l) {
        PacketSpace<T> s = spaces[space];
        int i = s.sent.lowerBound(pn);
        if (i >= s.sent.size() || s.sent.pnAt(i) != pn || s.sent.stateAt(i) != SentPacketQueue.OUTSTANDING) {
            return;
        }
        SentPacket<T> p = s.sent.packetAt(i);
        s.sent.remove(i, SentPacketQueue.LOST);
        removeFromFlight(s, p);
        s.sent.compact();
        l.onLost(space, p);
        setLossDetectionTimer(now);
    }

    /** True if {@code bytes} more fit in the congestion window (probes may ignore this, §7.5). */
    public boolean canSend(int bytes) {
        return bytesInFlight + bytes <= cc.congestionWindow();
    }

    /** Earliest time the pacer allows a packet of {@code bytes}; {@code now} if it may go now. */
    public long nextSendTime(long now, int bytes) {
        return pacer.nextSendTime(now, bytes, cc.congestionWindow(), rtt.smoothedRtt(), cc.inSlowStart());
    }

    // ---------------------------------------------------------------- acknowledgements

    /**
     * Processes an ACK frame for {@code space} (RFC 9002 §A.7). {@code ranges} are descending;
     * {@code ackDelayNanos} is already scaled by ack_delay_exponent (pass 0 for Initial packets,
     * §5.3). Throws PROTOCOL_VIOLATION (frame type ACK) if a packet number that was never sent is
     * acknowledged. ACKs for a discarded space are ignored.
     */
    public void onAckReceived(int space, List<AckRange> ranges, long ackDelayNanos, long now, Listener<T> l)
            throws QuicException {
        PacketSpace<T> s = spaces[space];
        lastNow = now;
        if (s.discarded || ranges.isEmpty()) {
            return;
        }
        validate(s, ranges);
        long largest = ranges.get(0).largest();
        s.largestAcked = Math.max(s.largestAcked, largest);
        AckSummary sum = new AckSummary();
        for (AckRange r : ranges) {
            ackRange(space, s, r, sum, l);
            if (s.lostSinceCheck) {
                long spurious = s.takeLostIn(r.smallest(), r.largest());
                if (spurious >= 0) {
                    onSpuriousLoss(s, spurious);
                }
            }
        }
        s.sent.compact();
        if (sum.count == 0) {
            return;
        }
        if (sum.largestPn == largest && sum.ackEliciting) {
            rtt.update(now - sum.largestTimeSent, ackDelayNanos, handshakeConfirmed, now);
        }
        detectAndRemoveLostPackets(space, now, l);
        if (sum.inFlightBytes > 0) {
            cc.onPacketsAcked(now, sum.inFlightBytes, sum.largestInFlightTimeSent, rtt, appLimited);
        }
        if (peerAddressValidated) {
            ptoCount = 0;
        }
        setLossDetectionTimer(now);
    }

    private void validate(PacketSpace<T> s, List<AckRange> ranges) throws QuicException {
        SentPacketQueue<T> q = s.sent;
        for (AckRange r : ranges) {
            if (r.largest() > q.largestSent()) {
                throw new QuicException(TransportError.PROTOCOL_VIOLATION, ACK_FRAME_TYPE,
                        "ACK of unsent packet " + r.largest());
            }
            if (q.isEmpty()) {
                continue;
            }
            long lo = Math.max(r.smallest(), q.pnAt(0));
            if (lo <= r.largest()) {
                long tracked = q.lowerBound(r.largest() + 1) - q.lowerBound(lo);
                if (tracked != r.largest() - lo + 1) {
                    throw new QuicException(TransportError.PROTOCOL_VIOLATION, ACK_FRAME_TYPE,
                            "ACK of skipped packet number in [" + lo + ", " + r.largest() + "]");
                }
            }
        }
    }

    /**
     * A packet declared lost was acknowledged after all: the path reorders more than the packet
     * threshold allows. RFC 9002 §6.1.1 and §6.1.2 permit adaptive thresholds; the packet threshold
     * grows to cover the reordering seen and the time threshold widens (both bounded), as TCP RACK does, so packets that take different routes (QDSR's
     * real servers sending in one packet-number space) are not retransmitted needlessly.
     */
    private void onSpuriousLoss(PacketSpace<T> s, long pn) {
        spuriousLosses++;
        long distance = s.largestAcked - pn + 1;
        packetThreshold = (int) Math.min(MAX_PACKET_THRESHOLD, Math.max(packetThreshold, distance));
        timeThresholdEighths = Math.min(8, timeThresholdEighths * 2); // the late packet may also have beaten the timer
    }

    /** Packets after a later-acknowledged one before it counts as lost (3, growing on spurious losses). */
    public int packetThreshold() {
        return packetThreshold;
    }

    /** Packets declared lost by packet or time threshold (RFC 9002 §6.1), spurious ones included. */
    public long packetsLost() {
        return packetsLost;
    }

    /** Packets declared lost by the time threshold alone (RFC 9002 §6.1.2). */
    public long packetsLostByTime() {
        return packetsLostByTime;
    }

    /** Packets declared lost and acknowledged later (as far as the last 128 losses are remembered). */
    public long spuriouslyLostPackets() {
        long n = 0;
        for (PacketSpace<T> s : spaces) {
            n += s.spuriousPackets;
        }
        return n;
    }

    /** Packets declared lost that the peer acknowledged later. */
    public long spuriousLosses() {
        return spuriousLosses;
    }

    /** Totals over the packets newly acknowledged by one ACK frame. */
    private static final class AckSummary {
        int count;
        boolean ackEliciting;
        long largestPn = -1;
        long largestTimeSent;
        long inFlightBytes;
        long largestInFlightTimeSent;
    }

    private void ackRange(int space, PacketSpace<T> s, AckRange r, AckSummary sum, Listener<T> l) {
        SentPacketQueue<T> q = s.sent;
        for (int i = q.lowerBound(r.smallest()); i < q.size() && q.pnAt(i) <= r.largest(); i++) {
            if (q.stateAt(i) != SentPacketQueue.OUTSTANDING) {
                continue;
            }
            SentPacket<T> p = q.packetAt(i);
            q.remove(i, SentPacketQueue.ACKED);
            removeFromFlight(s, p);
            s.onAcked(p);
            sum.count++;
            sum.ackEliciting |= p.ackEliciting();
            if (p.pn() > sum.largestPn) {
                sum.largestPn = p.pn();
                sum.largestTimeSent = p.timeSentNanos();
            }
            if (p.inFlight()) {
                if (sum.inFlightBytes == 0 || p.timeSentNanos() > sum.largestInFlightTimeSent) {
                    sum.largestInFlightTimeSent = p.timeSentNanos();
                }
                sum.inFlightBytes += p.size();
            }
            l.onAcked(space, p);
        }
    }

    private void removeFromFlight(PacketSpace<T> s, SentPacket<T> p) {
        if (p.inFlight()) {
            bytesInFlight -= p.size();
            if (p.ackEliciting()) {
                s.ackElicitingInFlight--;
            }
        }
    }

    // ---------------------------------------------------------------- loss detection

    /**
     * RFC 9002 §6.1 / §A.10: packet and time threshold loss, congestion and persistent congestion.
     * Both thresholds presume that a packet acknowledged after {@code p} was sent after it. That
     * holds for packets of one sender; packets that different machines send (QDSR's instructed
     * mode: each real server sends its own, after a queue of its own) race, so a packet of sender
     * k is only judged against later acknowledged packets of sender k ({@link SentPacket#sender()}),
     * and a packet no later one of its sender overtook waits for the PTO (§6.2) like a tail packet.
     */
    private void detectAndRemoveLostPackets(int space, long now, Listener<T> l) {
        PacketSpace<T> s = spaces[space];
        SentPacketQueue<T> q = s.sent;
        long lossDelay = Math.max(rtt.latestRtt(), rtt.smoothedRtt());
        // 9/8 (RFC 9002 §6.1.2), widened up to 2x after spurious losses
        lossDelay = Math.max(lossDelay + (lossDelay * timeThresholdEighths >> 3), RttEstimator.GRANULARITY_NANOS);
        long lostSendTime = now - lossDelay;
        long pcDuration = PERSISTENT_CONGESTION_THRESHOLD * rtt.pto(maxAckDelay, true);
        long overtakenAfter = Math.max(rtt.pto(maxAckDelay, true), lossDelay + CROSS_SENDER_SLACK_NANOS);
        s.lossTime = Long.MAX_VALUE;
        LossSummary loss = new LossSummary();
        for (int i = 0; i < q.size() && q.pnAt(i) <= s.largestAcked; i++) {
            byte state = q.stateAt(i);
            if (state == SentPacketQueue.ACKED) {
                loss.runStarted = false; // an acknowledgement interrupts a persistent-congestion run
                continue;
            }
            if (state == SentPacketQueue.LOST) {
                continue;
            }
            SentPacket<T> p = q.packetAt(i);
            long largest = s.largestAckedFor(p);
            boolean overtaken = p.sender() != 0
                    && s.latestAckedSendTime - p.timeSentNanos() > overtakenAfter;
            if (largest < p.pn() && !overtaken) {
                continue; // no later packet of its sender was acknowledged yet
            }
            boolean byPackets = largest >= p.pn() + packetThreshold;
            if (byPackets || overtaken || p.timeSentNanos() <= lostSendTime) {
                q.remove(i, SentPacketQueue.LOST);
                removeFromFlight(s, p);
                s.rememberLost(p.pn());
                packetsLost++;
                packetsLostByTime += byPackets ? 0 : 1;
                s.lostSinceCheck = true;
                loss.add(p, rtt, pcDuration);
                l.onLost(space, p);
            } else {
                s.lossTime = Math.min(s.lossTime, p.timeSentNanos() + lossDelay);
            }
        }
        q.compact();
        if (loss.anyInFlight) {
            cc.onCongestionEvent(now, loss.lastInFlightTimeSent);
        }
        if (loss.persistent) {
            cc.onPersistentCongestion();
        }
    }

    /** Totals over the packets declared lost in one pass (RFC 9002 §A.10 OnPacketsLost). */
    private static final class LossSummary {
        boolean anyInFlight;
        long lastInFlightTimeSent;
        boolean runStarted;
        long runStart;
        boolean persistent;

        void add(SentPacket<?> p, RttEstimator rtt, long pcDuration) {
            if (p.inFlight()) {
                anyInFlight = true;
                lastInFlightTimeSent = p.timeSentNanos();
            }
            // §7.6.2: ack-eliciting packets sent after the first RTT sample
            if (!p.ackEliciting() || !rtt.hasSample() || p.timeSentNanos() <= rtt.firstSampleTime()) {
                return;
            }
            if (!runStarted) {
                runStarted = true;
                runStart = p.timeSentNanos();
            } else if (p.timeSentNanos() - runStart > pcDuration) {
                persistent = true;
            }
        }
    }

    // ---------------------------------------------------------------- timer

    /** When {@link #onLossDetectionTimeout} must be called; {@link Long#MAX_VALUE} if not armed. */
    public long lossDetectionTimer() {
        return timer;
    }

    /**
     * Loss detection timer expiry (RFC 9002 §A.9): declares time-threshold losses, or requests PTO
     * probes ({@link #ptoProbesWanted(int)}: 2 in the PTO space, or 1 anti-deadlock probe in the
     * highest enabled handshake space) and doubles the backoff. Early calls are ignored.
     */
    public void onLossDetectionTimeout(long now, Listener<T> l) {
        lastNow = now;
        if (now < timer) {
            return;
        }
        int lossSpace = earliestLossSpace();
        if (lossSpace >= 0) {
            detectAndRemoveLostPackets(lossSpace, now, l);
            setLossDetectionTimer(now);
            return;
        }
        if (!anyAckElicitingInFlight()) {
            int s = antiDeadlockSpace();
            if (s >= 0) {
                spaces[s].probesWanted = Math.max(spaces[s].probesWanted, 1);
            }
        } else {
            ptoTime(now);
            if (ptoSpace >= 0) {
                spaces[ptoSpace].probesWanted = 2;
            }
        }
        ptoCount++;
        setLossDetectionTimer(now);
    }

    private int earliestLossSpace() {
        int best = -1;
        long t = Long.MAX_VALUE;
        for (int i = 0; i < spaces.length; i++) {
            if (!spaces[i].discarded && spaces[i].lossTime < t) {
                t = spaces[i].lossTime;
                best = i;
            }
        }
        return best;
    }

    private void setLossDetectionTimer(long now) {
        int lossSpace = earliestLossSpace();
        if (lossSpace >= 0) {
            timer = spaces[lossSpace].lossTime;
        } else if (amplificationLimited || (!anyAckElicitingInFlight() && peerAddressValidated)) {
            timer = Long.MAX_VALUE;
        } else {
            timer = ptoTime(now);
        }
    }

    /** GetPtoTimeAndSpace (RFC 9002 §A.8); sets {@link #ptoSpace}. */
    private long ptoTime(long now) {
        int shift = Math.min(ptoCount, MAX_BACKOFF_SHIFT);
        long duration = rtt.pto(0, false) << shift;
        ptoSpace = -1;
        if (!anyAckElicitingInFlight()) {
            ptoSpace = antiDeadlockSpace();
            return ptoSpace < 0 ? Long.MAX_VALUE : now + duration;
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < spaces.length; i++) {
            PacketSpace<T> s = spaces[i];
            if (!s.armable() || s.ackElicitingInFlight == 0 || (s.applicationData && !handshakeConfirmed)) {
                continue;
            }
            long d = s.applicationData ? duration + (maxAckDelay << shift) : duration;
            long t = s.timeOfLastAckEliciting + d;
            if (ptoSpace < 0 || t - best < 0) {
                best = t;
                ptoSpace = i;
            }
        }
        return best;
    }

    /** The highest-index enabled handshake-kind space (Handshake if keys exist, else Initial). */
    private int antiDeadlockSpace() {
        for (int i = spaces.length - 1; i >= 0; i--) {
            if (!spaces[i].applicationData && spaces[i].armable()) {
                return i;
            }
        }
        return -1;
    }

    private boolean anyAckElicitingInFlight() {
        for (PacketSpace<T> s : spaces) {
            if (!s.discarded && s.ackElicitingInFlight > 0) {
                return true;
            }
        }
        return false;
    }

    /** How many PTO probe packets (ack-eliciting) the caller should send in {@code space} now. */
    public int ptoProbesWanted(int space) {
        return spaces[space].probesWanted;
    }

    /** Forgets one wanted probe (e.g. when nothing can be sent); sending one consumes it already. */
    public void consumeProbe(int space) {
        spaces[space].probesWanted = Math.max(0, spaces[space].probesWanted - 1);
    }

    public int ptoCount() {
        return ptoCount;
    }

    // ---------------------------------------------------------------- state changes

    /**
     * Discards a packet-number space (RFC 9002 §6.4, §A.11): its packets leave bytes in flight
     * without being declared lost, its timers are cleared and the PTO backoff is reset.
     */
    public void discardSpace(int space) {
        PacketSpace<T> s = spaces[space];
        s.sent.clear(p -> removeFromFlight(s, p));
        s.discarded = true;
        s.lossTime = Long.MAX_VALUE;
        s.timeOfLastAckEliciting = 0;
        s.ackElicitingInFlight = 0;
        s.probesWanted = 0;
        ptoCount = 0;
        setLossDetectionTimer(lastNow);
    }

    /**
     * The peer moved to a new IP address (RFC 9000 §9.4): the congestion controller and the RTT
     * estimator start again from their initial values (RFC 9002 Appendices A.3, B.3); packets in
     * flight stay tracked and are still detected lost or acknowledged.
     */
    public void resetCongestionAndRtt() {
        long maxAckDelay = rtt.maxAckDelay();
        cc = cc.fresh();
        rtt = new RttEstimator(rtt.initialRtt());
        rtt.setMaxAckDelay(maxAckDelay);
        ptoCount = 0;
    }

    public void setHandshakeConfirmed(boolean confirmed) {
        handshakeConfirmed = confirmed;
        setLossDetectionTimer(lastNow);
    }

    /** Servers: true from the start (RFC 9002 §A.6). Clients: once the handshake is confirmed or a Handshake ACK arrived. */
    public void setPeerAddressValidated(boolean validated) {
        peerAddressValidated = validated;
        setLossDetectionTimer(lastNow);
    }

    /** A server blocked by the anti-amplification limit arms no PTO (RFC 9002 §6.2.2.1). */
    public void setAmplificationLimited(boolean limited) {
        amplificationLimited = limited;
        setLossDetectionTimer(lastNow);
    }

    /** Whether the sender is application-limited; acks then do not grow the window (RFC 9002 §7.8). */
    public void setAppLimited(boolean limited) {
        appLimited = limited;
    }

    /** The peer's max_ack_delay, once its transport parameters are known. */
    public void setMaxAckDelay(long maxAckDelayNanos) {
        this.maxAckDelay = maxAckDelayNanos;
        rtt.setMaxAckDelay(maxAckDelayNanos);
    }

    // ---------------------------------------------------------------- queries

    public long bytesInFlight() {
        return bytesInFlight;
    }

    /** Largest packet number acknowledged in {@code space}, or -1. */
    public long largestAcked(int space) {
        return spaces[space].largestAcked;
    }

    /** Largest packet number sent in {@code space}, or -1. */
    public long largestSent(int space) {
        return spaces[space].sent.largestSent();
    }

    public boolean handshakeConfirmed() {
        return handshakeConfirmed;
    }

    public CongestionController cc() {
        return cc;
    }

    public RttEstimator rtt() {
        return rtt;
    }

    public Pacer pacer() {
        return pacer;
    }
}
