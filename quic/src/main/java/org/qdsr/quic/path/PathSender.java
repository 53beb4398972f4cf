package org.qdsr.quic.path;
import org.qdsr.quic.recovery.CongestionAlgorithm;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.crypto.PacketAead;
import org.qdsr.quic.crypto.PacketProtection;
import org.qdsr.quic.recovery.CongestionController;
import org.qdsr.quic.recovery.Recovery;
import org.qdsr.quic.recovery.RttEstimator;
import org.qdsr.quic.recovery.SentPacket;
import org.qdsr.quic.stream.ConnectionFlowControl;
import org.qdsr.quic.stream.SendStream;
import org.qdsr.quic.wire.AckRange;
import org.qdsr.quic.wire.ByteWriter;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.FrameCodec;
import org.qdsr.quic.wire.PacketHeaders;
import org.qdsr.quic.wire.PacketNumbers;
import org.qdsr.quic.wire.PingFrame;
import org.qdsr.quic.wire.ResetStreamFrame;

/**
 * A sans-I/O, send-only view of a QUIC connection on one multipath path ID
 * (draft-ietf-quic-multipath-21): what a real server runs for the response streams the LB handed
 * it. It owns the path's packet-number space, loss recovery and congestion control (RFC 9002),
 * writes 1-RTT short-header packets with STREAM, RESET_STREAM and PING frames, sealed with the
 * path ID in the nonce, and learns about delivery only from the PATH_ACK content the LB forwards
 * ({@link #onAck}). It never receives packets itself, so it sends no ACK frames.
 *
 * <p>Drive it like a connection: {@link #poll} until it returns 0, arm a timer at
 * {@link #nextTimeout()} and call {@link #onTimeout}; feed forwarded feedback in; drain
 * {@link #pollEvent()}. Not thread-safe.
 */
public final class PathSender {
    /** Default most unacknowledged bytes buffered per stream. */
    public static final int DEFAULT_STREAM_BUFFER = 1 << 20;
    /** PATH_ACK (draft-ietf-quic-multipath-21 §8.1), the frame type named in errors. */
    static final long PATH_ACK_FRAME_TYPE = 0x3e;
    private static final int TAG = PacketAead.TAG_LENGTH;
    private static final int MIN_BUFFER = 64;

    private PathKeys keys;
    private ConnectionId dcid;
    private final long pathId;
    private InetSocketAddress peer;
    private final int maxDatagramSize;
    private final long peerMaxAckDelay;
    private final int ackDelayExponent;
    private final int streamBufferLimit;
    private final Recovery<SentFrames> recovery;
    private final ConnectionFlowControl credit;
    private final Map<Long, SendStream> streams = new LinkedHashMap<>();
    private final ArrayDeque<Long> order = new ArrayDeque<>();
    private final ArrayDeque<ResetStreamFrame> pendingResets = new ArrayDeque<>();
    private final Set<Long> writeBlocked = new HashSet<>();
    private final ArrayDeque<PathEvent> events = new ArrayDeque<>();
    private final Recovery.Listener<SentFrames> listener = new Feedback();
    private final long firstPacketNumber;
    private long nextPacketNumber;
    private long pacingDeadline = Long.MAX_VALUE;
    private long bytesSent;
    private long packetsSent;
    private long packetsLost;

    private PathSender(ConnectionSnapshot s, CongestionController cc, int streamBufferLimit) {
        this.keys = new PathKeys(s.suite(), s.oneRttWriteSecret(), s.effectiveHeaderProtectionKey(), s.keyPhase(),
                s.keyGeneration());
        this.dcid = s.destinationConnectionId();
        this.pathId = s.pathId();
        this.peer = s.peerAddress();
        this.maxDatagramSize = s.maxDatagramSize();
        this.peerMaxAckDelay = s.peerMaxAckDelayNanos();
        this.ackDelayExponent = s.peerAckDelayExponent();
        this.streamBufferLimit = streamBufferLimit;
        cc.resumeWindow(s.congestionWindow()); // 0 = the initial window
        this.recovery = Recovery.forExtraPath(cc, importRtt(s.rtt()), peerMaxAckDelay);
        this.credit = new ConnectionFlowControl(s.connectionCredit(), 0);
        this.firstPacketNumber = s.nextPacketNumber();
        this.nextPacketNumber = s.nextPacketNumber();
        for (ConnectionSnapshot.StreamSnapshot st : s.streams()) {
            addStream(st);
        }
    }

    /** A sender with a fresh controller of {@code algorithm} and {@link #DEFAULT_STREAM_BUFFER}. */
    public static PathSender fromSnapshot(ConnectionSnapshot s, CongestionAlgorithm algorithm) {
        return fromSnapshot(s, algorithm.create(s.maxDatagramSize()), DEFAULT_STREAM_BUFFER);
    }

    /**
     * A sender using {@code cc}, whose window starts at {@link ConnectionSnapshot#congestionWindow()}
     * if that is larger (still in slow start). The snapshot's recent RTT is the path's initial RTT
     * until its first sample ({@link #importRtt}).
     */
    public static PathSender fromSnapshot(ConnectionSnapshot s, CongestionController cc, int streamBufferLimit) {
        if (streamBufferLimit <= 0) {
            throw new IllegalArgumentException("streamBufferLimit must be positive");
        }
        return new PathSender(s, cc, streamBufferLimit);
    }

    /**
     * The path's own estimator (RTT is estimated per path, draft-ietf-quic-multipath-21 §5.1),
     * started from the exporter's recent RTT ({@link RttEstimator#recentRtt()}) as its initial RTT,
     * as RFC 9002 §6.2.2 allows with an RTT measured before: it paces the first flight and sets the
     * first PTO. The path's first sample then replaces it (§5.3), so an exporter's stale estimate
     * (an LB's smoothed_rtt still carrying a slow handshake) does not pace this sender for many
     * round trips, and the path's min_rtt and persistent-congestion start (§7.6.2) are its own.
     */
    private static RttEstimator importRtt(RttEstimator.State r) {
        if (r == null) {
            return new RttEstimator();
        }
        return new RttEstimator(Math.max(1, RttEstimator.fromState(r).recentRtt()));
    }

    // ---------------------------------------------------------------- application side

    /** Takes over one more stream's send side on this path. */
    public void addStream(ConnectionSnapshot.StreamSnapshot st) {
        if (streams.containsKey(st.streamId())) {
            throw new IllegalArgumentException("stream " + st.streamId() + " already on this path");
        }
        streams.put(st.streamId(), SendStream.importState(StreamHandoff.requeueInFlight(st.send()),
                streamBufferLimit));
        order.addLast(st.streamId());
    }

    /** Buffers response bytes; returns how many were accepted (a short count: wait for StreamWritable). */
    public int write(long streamId, byte[] b, int off, int len) {
        SendStream st = stream(streamId);
        int n = st.write(b, off, len);
        if (n < len) {
            writeBlocked.add(streamId);
        }
        if (st.sentOffset() >= st.maxStreamData()) {
            checkStreamsBlocked(); // nothing may go out on it: no packet will announce the block later
        }
        return n;
    }

    /** The FIN follows the bytes written so far. */
    public void finish(long streamId) {
        stream(streamId).finish();
    }

    /** Abandons the stream and sends RESET_STREAM with {@code errorCode} (RFC 9000 §3.1, §19.4). */
    public void resetStream(long streamId, long errorCode) {
        SendStream st = stream(streamId);
        if (st.isReset()) {
            return;
        }
        st.reset(errorCode);
        writeBlocked.remove(streamId);
        pendingResets.add(new ResetStreamFrame(streamId, errorCode, st.finalSize()));
    }

    /** Bytes {@link #write} would accept now. */
    public long writableBytes(long streamId) {
        SendStream st = streams.get(streamId);
        return st == null ? 0 : st.writableBytes();
    }

    public boolean hasStream(long streamId) {
        return streams.containsKey(streamId);
    }

    private SendStream stream(long streamId) {
        SendStream st = streams.get(streamId);
        if (st == null) {
            throw new IllegalArgumentException("stream " + streamId + " is not on this path");
        }
        return st;
    }

    // ---------------------------------------------------------------- sending

    /**
     * Writes the next datagram (one 1-RTT packet) into {@code out} and returns its length, or 0
     * when nothing may be sent now: nothing to send, congestion window full, pacer delay (see
     * {@link #nextTimeout()}) or no connection credit. PTO probes ignore window and pacer
     * (RFC 9002 §7.5) and carry a PING when there is no data.
     */
    public int poll(byte[] out, long now) {
        int limit = Math.min(out.length, maxDatagramSize);
        if (limit < MIN_BUFFER) {
            throw new IllegalArgumentException("datagram buffer of " + out.length + " bytes");
        }
        if (keys.packetsProtected() >= PacketProtection.confidentialityLimit(keys.suite())) {
            return 0; // RFC 9001 §6.6: no more packets with these keys
        }
        boolean probe = recovery.ptoProbesWanted(0) > 0;
        if (!probe) {
            if (!hasWork()) {
                recovery.setAppLimited(underutilized());
                checkCreditBlocked(); // also when the very first credit share was empty
                checkStreamsBlocked();
                return 0;
            }
            if (!recovery.canSend(limit)) {
                recovery.setAppLimited(false);
                return 0;
            }
            long at = recovery.nextSendTime(now, limit);
            if (at > now) {
                pacingDeadline = at;
                return 0;
            }
        }
        pacingDeadline = Long.MAX_VALUE;
        return writePacket(out, limit, now, probe);
    }

    private int writePacket(byte[] out, int limit, long now, boolean probe) {
        long pn = nextPacketNumber;
        int pnLength = PacketNumbers.encodedLength(pn, recovery.largestAcked(0));
        ByteWriter w = new ByteWriter(out, 0, limit);
        int pnOffset = PacketHeaders.writeShortHeader(w, false, keys.keyPhase(), dcid, pnLength, pn);
        int payloadLimit = limit - TAG;
        SentFrames sent = new SentFrames();
        PacketWriter.writeResets(w, payloadLimit, pendingResets, sent);
        PacketWriter.writeRetransmissions(w, payloadLimit, streams, credit, sent);
        PacketWriter.writeNewData(w, payloadLimit, streams, order, credit, sent);
        if (sent.isEmpty()) {
            if (!probe) {
                return 0;
            }
            FrameCodec.write(PingFrame.INSTANCE, w);
        }
        while (w.position() - pnOffset < 4) {
            w.writeUint8(0); // PADDING: header protection needs a full sample (RFC 9001 §5.4.2)
        }
        int end = keys.seal(out, 0, pnOffset, pnLength, w.position(), pn, pathId);
        nextPacketNumber++;
        recovery.onPacketSent(0, pn, now, end, true, true, sent);
        bytesSent += end;
        packetsSent++;
        recovery.setAppLimited(!hasWork() && underutilized());
        checkCreditBlocked();
        checkStreamsBlocked();
        if (keyUpdateDue(keys.packetsProtected(), PacketProtection.confidentialityLimit(keys.suite()))) {
            events.add(new PathEvent.KeyUpdateNeeded(keys.packetsProtected()));
        }
        return end;
    }

    /**
     * Whether the congestion window counts as unused, so acknowledgements must not grow it (RFC
     * 9002 §7.8): with nothing left to send, only once less than half of it is in flight (the
     * validation threshold of RFC 7661 §4.3). A response's last flight therefore still grows the
     * window it filled, so the next response on this path starts where this one ended.
     */
    private boolean underutilized() {
        return 2 * recovery.bytesInFlight() < recovery.cc().congestionWindow();
    }

    private boolean hasWork() {
        if (!pendingResets.isEmpty()) {
            return true;
        }
        long c = credit.sendCredit();
        for (SendStream st : streams.values()) {
            if (st.hasSendable(c)) {
                return true;
            }
        }
        return false;
    }

    /** Announces once per limit each stream that has unsent data beyond its MAX_STREAM_DATA. */
    private void checkStreamsBlocked() {
        for (SendStream st : streams.values()) {
            long limit = st.streamDataBlockedToSend();
            if (!st.isReset() && limit >= 0) {
                events.add(new PathEvent.StreamBlocked(st.streamId(), limit));
                st.onStreamDataBlockedSent(limit);
            }
        }
    }

    private void checkCreditBlocked() {
        if (credit.sendCredit() > 0 || credit.dataBlockedToSend() < 0) {
            return;
        }
        for (SendStream st : streams.values()) {
            if (!st.isReset() && st.sentOffset() < Math.min(st.writtenOffset(), st.maxStreamData())) {
                events.add(new PathEvent.CreditBlocked(credit.dataSent()));
                credit.onDataBlockedSent(credit.peerMaxData());
                return;
            }
        }
    }

    /** The client's connection ID this path's packets carry. */
    public ConnectionId destinationConnectionId() {
        return dcid;
    }

    /** Where every datagram goes: the client's address (sent from the VIP, DESIGN.md). */
    public InetSocketAddress destination() {
        return peer;
    }

    /**
     * The client's address changed and the LB validated the new one (RFC 9000 §9.3): every later
     * datagram, retransmissions included, goes to {@code address}. When the IP changed, not only
     * the port, the congestion controller and RTT estimate restart from their initial values
     * (RFC 9000 §9.4); a port-only change (NAT rebinding) keeps them. {@code connectionId}, when
     * not null, is the client's ID to send under from now on (RFC 9000 §9.5: after an active
     * migration the path's old ID must not appear at the new address). Returns true if the IP changed.
     */
    public boolean onPeerAddressChanged(InetSocketAddress address, ConnectionId connectionId) {
        boolean ipChanged = !address.getAddress().equals(peer.getAddress());
        peer = address;
        if (connectionId != null) {
            dcid = connectionId;
        }
        if (ipChanged) {
            recovery.resetCongestionAndRtt();
            pacingDeadline = Long.MAX_VALUE;
        }
        return ipChanged;
    }

    // ---------------------------------------------------------------- timers

    /** The earliest time {@link #onTimeout} or {@link #poll} has work; {@link Long#MAX_VALUE} if none. */
    public long nextTimeout() {
        long t = recovery.lossDetectionTimer();
        if (pacingDeadline != Long.MAX_VALUE && hasWork()) {
            t = Math.min(t, pacingDeadline);
        }
        return t;
    }

    /** Loss detection timer (time-threshold loss or PTO, RFC 9002 §6.2) and pacing deadline. */
    public void onTimeout(long now) {
        if (now >= pacingDeadline) {
            pacingDeadline = Long.MAX_VALUE;
        }
        if (now >= recovery.lossDetectionTimer()) {
            recovery.onLossDetectionTimeout(now, listener);
            afterFeedback();
        }
    }

    // ---------------------------------------------------------------- feedback forwarded by the LB

    /**
     * The ACK ranges of a PATH_ACK for this path ID (draft-ietf-quic-multipath-21 §8.1), largest
     * first, and its encoded ACK Delay (scaled by the peer's ack_delay_exponent, RFC 9000 §19.3).
     * Ranges below this sender's first packet number (sent by an earlier owner of the space) are
     * ignored.
     *
     * @throws QuicException PROTOCOL_VIOLATION if a packet number that was never sent is acknowledged;
     *                       FRAME_ENCODING_ERROR if the ranges are not descending and disjoint
     */
    public void onAck(List<AckRange> descendingRanges, long ackDelayEncoded, long now) throws QuicException {
        if (descendingRanges.isEmpty()) {
            return;
        }
        List<AckRange> mine = AckRanges.clip(descendingRanges, firstPacketNumber, nextPacketNumber, pathId);
        if (mine.isEmpty()) {
            return;
        }
        recovery.onAckReceived(0, mine, AckRanges.ackDelayNanos(ackDelayEncoded, ackDelayExponent), now, listener);
        afterFeedback();
    }

    /** The client's MAX_STREAM_DATA for a stream on this path (RFC 9000 §19.10); others are ignored. */
    public void onMaxStreamData(long streamId, long limit) {
        SendStream st = streams.get(streamId);
        if (st != null) {
            st.setMaxStreamData(limit);
        }
    }

    /** More connection-level credit granted by the LB (a share of the client's MAX_DATA). */
    public void addCredit(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative credit");
        }
        credit.onMaxData(credit.peerMaxData() + bytes);
    }

    /** STOP_SENDING from the client (RFC 9000 §3.5): reset the stream with its error code. */
    public void onStopSending(long streamId, long errorCode) {
        if (streams.containsKey(streamId)) {
            resetStream(streamId, errorCode);
        }
    }

    /**
     * A key update driven by the LB (RFC 9001 §6): every packet from now on uses keys from
     * {@code newWriteSecret} and carries {@code keyPhase}; header protection is unchanged.
     */
    public void onKeyUpdate(byte[] newWriteSecret, boolean keyPhase) {
        keys = keys.updated(newWriteSecret, keyPhase);
    }

    private void afterFeedback() {
        if (writeBlocked.isEmpty()) {
            return;
        }
        for (var it = writeBlocked.iterator(); it.hasNext();) {
            long id = it.next();
            SendStream st = streams.get(id);
            if (st == null || st.isReset()) {
                it.remove();
            } else if (st.writableBytes() > 0) {
                it.remove();
                events.add(new PathEvent.StreamWritable(id));
            }
        }
    }

    // ---------------------------------------------------------------- events, state, counters

    /** The next event, or null. */
    public PathEvent pollEvent() {
        return events.poll();
    }

    /**
     * The current state, to move this path's streams to another sender: next packet number, RTT,
     * remaining credit, congestion window and every stream that is not reset; data sent but not
     * yet acknowledged is exported as lost, so the importer retransmits it. The caller stops using
     * this sender afterwards (its outstanding packets are forgotten, not tracked twice).
     */
    public ConnectionSnapshot exportSnapshot() {
        List<ConnectionSnapshot.StreamSnapshot> out = new ArrayList<>(streams.size());
        for (Map.Entry<Long, SendStream> e : streams.entrySet()) {
            if (!e.getValue().isReset()) {
                out.add(new ConnectionSnapshot.StreamSnapshot(e.getKey(),
                        StreamHandoff.requeueInFlight(e.getValue().exportState())));
            }
        }
        return new ConnectionSnapshot(ConnectionSnapshot.VERSION, keys.suite(), keys.secret(), keys.hpKey(),
                keys.keyPhase(), keys.generation(), dcid, pathId, peer, maxDatagramSize, peerMaxAckDelay,
                ackDelayExponent, nextPacketNumber, recovery.rtt().exportState(), credit.sendCredit(),
                recovery.cc().congestionWindow(), out);
    }

    public long pathId() {
        return pathId;
    }

    public long nextPacketNumber() {
        return nextPacketNumber;
    }

    public boolean keyPhase() {
        return keys.keyPhase();
    }

    public long bytesInFlight() {
        return recovery.bytesInFlight();
    }

    public long congestionWindow() {
        return recovery.cc().congestionWindow();
    }

    /** Connection-level credit left for new stream data. */
    public long credit() {
        return credit.sendCredit();
    }

    /** Streams still carried (not yet fully acknowledged or reset-acknowledged). */
    public int streamCount() {
        return streams.size();
    }

    public RttEstimator rtt() {
        return recovery.rtt();
    }

    public long bytesSent() {
        return bytesSent;
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long packetsLost() {
        return packetsLost;
    }

    /** Applies acknowledgements and losses to the streams (RFC 9002 §A.7, §A.10). */
    private final class Feedback implements Recovery.Listener<SentFrames> {
        @Override
        public void onAcked(int space, SentPacket<SentFrames> p) {
            for (SentFrames.Range r : p.payload().ranges()) {
                SendStream st = streams.get(r.streamId());
                if (st != null && !st.isReset()) {
                    st.onAcked(r.offset(), r.length(), r.fin());
                    if (st.isFullyAcknowledged()) {
                        remove(r.streamId());
                        events.add(new PathEvent.StreamAcknowledged(r.streamId()));
                    }
                }
            }
            for (ResetStreamFrame f : p.payload().resets()) {
                SendStream st = streams.get(f.streamId());
                if (st != null && st.isReset()) {
                    st.onResetAcked();
                    remove(f.streamId());
                    events.add(new PathEvent.StreamResetAcknowledged(f.streamId(), f.errorCode()));
                }
            }
        }

        @Override
        public void onLost(int space, SentPacket<SentFrames> p) {
            packetsLost++;
            for (SentFrames.Range r : p.payload().ranges()) {
                SendStream st = streams.get(r.streamId());
                if (st != null) {
                    st.onLost(r.offset(), r.length(), r.fin());
                }
            }
            for (ResetStreamFrame f : p.payload().resets()) {
                SendStream st = streams.get(f.streamId());
                if (st != null && st.isReset() && !st.isResetAcknowledged()) {
                    pendingResets.add(f);
                }
            }
        }

        private void remove(long streamId) {
            streams.remove(streamId);
            order.remove(streamId);
            writeBlocked.remove(streamId);
        }
    }

    /** At 3/4 of the confidentiality limit, then every 1/64 of it again until the LB updates keys. */
    static boolean keyUpdateDue(long protectedPackets, long limit) {
        long threshold = limit / 4 * 3;
        long step = Math.max(1, limit / 64);
        return protectedPackets >= threshold && (protectedPackets - threshold) % step == 0;
    }
}
