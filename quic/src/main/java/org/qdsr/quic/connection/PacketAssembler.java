package org.qdsr.quic.connection;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.qdsr.quic.crypto.PacketProtection;
import org.qdsr.quic.recovery.Recovery;
import org.qdsr.quic.recovery.SentPacket;
import org.qdsr.quic.stream.StreamChunk;
import org.qdsr.quic.wire.AckFrame;
import org.qdsr.quic.wire.AckFrequencyFrame;
import org.qdsr.quic.wire.AckRange;
import org.qdsr.quic.wire.ByteWriter;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.Frame;
import org.qdsr.quic.wire.FrameCodec;
import org.qdsr.quic.wire.HandshakeDoneFrame;
import org.qdsr.quic.wire.ImmediateAckFrame;
import org.qdsr.quic.wire.MaxDataFrame;
import org.qdsr.quic.wire.MaxStreamDataFrame;
import org.qdsr.quic.wire.PacketHeaders;
import org.qdsr.quic.wire.PacketNumbers;
import org.qdsr.quic.wire.PacketType;
import org.qdsr.quic.wire.PathChallengeFrame;
import org.qdsr.quic.wire.PathResponseFrame;
import org.qdsr.quic.wire.PingFrame;

/**
 * The send path (RFC 9000 §12.2, §13, §14; RFC 9002): fills a datagram with up to one packet
 * per packet-number space (coalesced), ACKs first, then control frames, CRYPTO and STREAM data,
 * within the congestion window, the pacer, the anti-amplification limit and the flow-control
 * credit. Packets are written unprotected, padded if needed, then sealed together.
 */
final class PacketAssembler {
    /** RFC 9000 §14.1: datagrams carrying ack-eliciting Initial packets are at least this large. */
    static final int MIN_INITIAL_DATAGRAM = 1200;
    private static final int TAG = 16;
    private static final int MAX_ACK_RANGES = 64;
    /**
     * Waits shorter than this are not worth a timer: waking up costs more than the wait on a
     * busy host, so the packet goes now and the pacer's debt spaces the ones after it.
     */
    private static final long PACING_GRANULARITY_NANOS = 500_000;
    /**
     * The same for a connection whose streams other machines send (instructed mode): every paced
     * burst there costs a loop turn, a control message and a channel write, so bursts span the
     * timer granularity of RFC 9002 §6.1.2 (1 ms) instead; the receiving holder sends each burst
     * back to back.
     */
    private static final long INSTRUCTED_PACING_GRANULARITY_NANOS = 1_000_000;

    private final QuicConnection c;
    private final Recovery.Listener<SentFrames> listener = new RecoveryEvents();
    private final List<Pending> pending = new ArrayList<>(3);
    /** The datagram being written carries a PATH_CHALLENGE (padded, RFC 9000 §8.2.1); reset with {@link #pending}. */
    private boolean pathChallengeWritten;
    /** The packet being written ends with a remote STREAM frame and leaves as an instruction. */
    static final int INSTRUCTED = -1;

    /**
     * Instructed mode: whether the packet being written may end with a remote STREAM frame (a
     * lone 1-RTT packet of a connection with delegated streams), where its payload starts (the
     * instruction's prefix begins there), and the instructed datagram size once one was written.
     * One reused object: nothing is allocated per packet.
     */
    private static final class RemoteSlot {
        boolean open;
        int payloadStart;
        long pn;
        int pnLength;
        int size = -1;
        /** The sender of the remote stream written ({@link StreamManager.QuicStream#remoteSender}). */
        int sender;
    }

    private final RemoteSlot remote = new RemoteSlot();

    /** A packet written but not yet sealed. */
    private record Pending(PacketSpace space, PacketType type, int start, int lengthOffset, int pnOffset,
                           int pnLength, int payloadEnd, long pn, boolean ackEliciting, SentFrames sent,
                           PacketProtection keys, boolean padded, int instructedSize, int sender) {
        /** True for a packet that leaves as a {@link org.qdsr.quic.path.SendInstruction}. */
        boolean instructed() {
            return instructedSize >= 0;
        }
    }

    long pacedPolls;
    long cwndBlockedPolls;
    long emptyPolls;

    PacketAssembler(QuicConnection c) {
        this.c = c;
    }

    Recovery.Listener<SentFrames> recoveryListener() {
        return listener;
    }

    int nextDatagram(byte[] out, long now) {
        if (c.state == QuicConnection.State.CLOSING) {
            return closeDatagram(out, now);
        }
        maybeInitiateKeyUpdate();
        int limit = Math.max(c.maxDatagramSize, c.isClient && !c.handshakeConfirmed ? MIN_INITIAL_DATAGRAM : 0);
        if (!c.isClient && !c.addressValidated) {
            // RFC 9000 §8.1: datagrams other machines send for us (instructed mode) count too
            long allowance = PacketReceiver.AMPLIFICATION_FACTOR * c.bytesReceived - c.bytesSent
                    - c.remoteSending.instructedBytes();
            limit = (int) Math.min(limit, allowance);
            if (limit < 64) {
                return 0;
            }
        } else if (!c.isClient) {
            // RFC 9000 §9.3: the same limit toward a new peer address until it is validated
            limit = (int) Math.min(limit, c.path.allowance(c.peerAddress));
            if (limit < 64) {
                return 0;
            }
        }
        boolean probing = anyProbe();
        boolean cwndOpen = probing || c.recovery.canSend(limit);
        boolean paced = cwndOpen && !probing && !pacerAllows(now, limit);
        pacedPolls += paced ? 1 : 0;
        cwndBlockedPolls += cwndOpen ? 0 : 1;
        pending.clear();
        pathChallengeWritten = false;
        int pos = 0;
        for (int i = 0; i < c.spaces.length; i++) {
            PacketSpace s = c.spaces[i];
            PacketType type = packetType(i);
            if (type == null || !wantsToSend(s, now, cwndOpen && !paced)) {
                continue;
            }
            if (limit - pos < 64) {
                break;
            }
            pos = writePacket(out, pos, limit, s, type, now, cwndOpen && !paced);
        }
        if (pending.isEmpty()) {
            emptyPolls++;
            return 0;
        }
        if (pending.get(pending.size() - 1).instructed()) {
            return recordInstructed(pending.remove(pending.size() - 1), now);
        }
        pos = padIfNeeded(out, pos, limit);
        return seal(out, pos, now);
    }

    /**
     * RFC 9000 §8.2.2: the answer to a PATH_CHALLENGE that came from another address than the
     * peer's current one goes back there, in a datagram of its own (1-RTT, PATH_RESPONSE and
     * PADDING up to {@code size}, §8.2.1), under a spare connection ID of the peer's, not the
     * one in use at its current address (§9.5). Returns the datagram's length, 0 if no 1-RTT keys.
     */
    int probeResponse(byte[] out, long now) {
        PathResponseFrame f = c.path.takeProbeResponse();
        if (f == null) {
            return 0;
        }
        int size = Math.min(c.path.probeResponseSize(), out.length);
        int n = size < 64 || c.state != QuicConnection.State.ESTABLISHED ? 0 : probeResponse(out, f, size, now);
        if (n == 0) {
            c.path.clearProbeResponseDestination();
        }
        return n;
    }

    private int probeResponse(byte[] out, PathResponseFrame f, int size, long now) {
        PacketSpace s = c.spaces[QuicConnection.APPLICATION];
        if (c.oneRtt == null || s.discarded) {
            return 0;
        }
        pending.clear();
        pathChallengeWritten = false;
        long pn = s.nextPacketNumber;
        int pnLength = PacketNumbers.encodedLength(pn, c.recovery.largestAcked(s.recoveryIndex));
        ByteWriter w = new ByteWriter(out, 0, size);
        PacketHeaders.writeShortHeader(w, false, c.oneRtt.writePhase(), c.cids.probePeer(), pnLength, pn);
        int pnOffset = w.position() - pnLength;
        FrameCodec.write(f, w);
        while (w.position() < size - TAG) {
            w.writeUint8(0);
        }
        s.nextPacketNumber++;
        pending.add(new Pending(s, PacketType.ONE_RTT, 0, -1, pnOffset, pnLength, w.position(), pn, true,
                new SentFrames(), c.oneRtt.write(), true, -1, 0));
        return seal(out, w.position(), now); // a lost PATH_RESPONSE is not sent again (§13.3)
    }

    private boolean pacerAllows(long now, int bytes) {
        long at = c.recovery.nextSendTime(now, bytes);
        long granularity = c.remoteSending.inUse() ? INSTRUCTED_PACING_GRANULARITY_NANOS : PACING_GRANULARITY_NANOS;
        if (at - now > granularity) {
            c.timers.pacingDeadline = at;
            return false;
        }
        return true;
    }

    private boolean anyProbe() {
        for (PacketSpace s : c.spaces) {
            if (!s.discarded && c.recovery.ptoProbesWanted(s.recoveryIndex) > 0 && s.canSend()) {
                return true;
            }
        }
        return false;
    }

    private PacketType packetType(int space) {
        PacketSpace s = c.spaces[space];
        if (s.discarded) {
            return null;
        }
        return switch (space) {
            case QuicConnection.INITIAL -> s.sealer == null ? null : PacketType.INITIAL;
            case QuicConnection.HANDSHAKE -> s.sealer == null ? null : PacketType.HANDSHAKE;
            default -> c.oneRtt != null && (c.tls().handshakeComplete() || !c.isClient) ? PacketType.ONE_RTT
                    : c.isClient && c.earlyDataKeys != null ? PacketType.ZERO_RTT : null;
        };
    }

    private boolean wantsToSend(PacketSpace s, long now, boolean mayUseCwnd) {
        if (c.recovery.ptoProbesWanted(s.recoveryIndex) > 0) {
            return true;
        }
        if (s.received.ackPending() && s.received.wantsAckNow(now)) {
            return true;
        }
        if (s.recoveryIndex == QuicConnection.APPLICATION && c.multipath.wantsAckNow(now)) {
            return true;
        }
        return mayUseCwnd && hasData(s);
    }

    private boolean hasData(PacketSpace s) {
        if (s.cryptoOut.hasSendable(Long.MAX_VALUE) || !s.pendingControl.isEmpty()) {
            return true;
        }
        if (s.recoveryIndex != QuicConnection.APPLICATION) {
            return false;
        }
        return c.handshakeDonePending || c.streams.maxDataDue || !c.streams.maxStreamDataDue().isEmpty()
                || c.streams.hasSendable();
    }

    private int writePacket(byte[] out, int start, int limit, PacketSpace s, PacketType type, long now,
                            boolean mayUseCwnd) {
        long pn = s.nextPacketNumber;
        int pnLength = PacketNumbers.encodedLength(pn, c.recovery.largestAcked(s.recoveryIndex));
        ByteWriter w = new ByteWriter(out, start, limit - start);
        int lengthOffset = -1;
        PacketProtection keys;
        ConnectionId dcid = c.cids.activePeer();
        if (type == PacketType.ONE_RTT) {
            keys = c.oneRtt.write();
            PacketHeaders.writeShortHeader(w, false, c.oneRtt.writePhase(), dcid, pnLength, pn);
        } else {
            keys = type == PacketType.ZERO_RTT ? c.earlyDataKeys : s.sealer;
            byte[] token = type == PacketType.INITIAL && c.isClient ? c.retryToken : null;
            lengthOffset = PacketHeaders.writeLongHeader(w, type, PacketHeaders.VERSION_1, dcid, c.localInitialId,
                    token, pnLength, pn, 0) - PacketHeaders.LENGTH_FIELD_SIZE;
        }
        int pnOffset = w.position() - pnLength;
        int payloadLimit = limit - TAG;
        SentFrames sent = new SentFrames();
        // instructed packets leave from other machines to the validated address: none while validating a new one,
        // or this packet's own frames (the PATH_CHALLENGE among them) would go to where the peer may no longer be
        remote.open = type == PacketType.ONE_RTT && pending.isEmpty() && c.remoteSending.inUse()
                && !c.path.validating(c.peerAddress);
        remote.payloadStart = w.position();
        remote.pn = pn;
        remote.pnLength = pnLength;
        remote.size = -1;
        boolean ackEliciting = writeFrames(w, payloadLimit, s, type, sent, now, mayUseCwnd);
        int instructedSize = remote.size;
        remote.open = false;
        if (instructedSize >= 0) {
            s.nextPacketNumber++;
            pending.add(new Pending(s, type, start, -1, pnOffset, pnLength, 0, pn, true, sent, null, false,
                    instructedSize, remote.sender));
            return limit; // nothing else goes into this datagram
        }
        if (c.recovery.ptoProbesWanted(s.recoveryIndex) > 0) {
            if (type == PacketType.ONE_RTT && c.ackFrequencySender.peerSupports() && w.position() < payloadLimit) {
                // draft-ietf-quic-ack-frequency-14 §7: a probe asks for an ACK without the peer's delay
                FrameCodec.write(ImmediateAckFrame.INSTANCE, w);
                ackEliciting = true;
            } else if (!ackEliciting && w.position() < payloadLimit) {
                FrameCodec.write(PingFrame.INSTANCE, w);
                ackEliciting = true;
            }
        }
        boolean padded = false;
        while (w.position() - pnOffset < 4) {
            w.writeUint8(0); // PADDING so that header protection has a full sample (RFC 9001 §5.4.2)
            padded = true;
        }
        s.nextPacketNumber++;
        pending.add(new Pending(s, type, start, lengthOffset, pnOffset, pnLength, w.position(), pn, ackEliciting,
                sent, keys, padded, -1, 0));
        return w.position() + TAG;
    }

    private boolean writeFrames(ByteWriter w, int limit, PacketSpace s, PacketType type, SentFrames sent, long now,
                                boolean mayUseCwnd) {
        boolean eliciting = false;
        if (s.received.ackPending() && type != PacketType.ZERO_RTT) {
            writeAck(w, limit, s, sent, now);
        }
        if (type == PacketType.ONE_RTT) {
            writePathAcks(w, limit, sent, now);
        }
        if (!mayUseCwnd) {
            return false;
        }
        if (type == PacketType.ONE_RTT) {
            eliciting |= writeControl(w, limit, s, sent);
        }
        if (type != PacketType.ZERO_RTT) {
            eliciting |= writeCrypto(w, limit, s, sent);
        }
        if (type == PacketType.ONE_RTT || type == PacketType.ZERO_RTT) {
            eliciting |= writeStreams(w, limit, sent);
        }
        return eliciting;
    }

    private void writeAck(ByteWriter w, int limit, PacketSpace s, SentFrames sent, long now) {
        List<AckRange> ranges = s.received.ackRanges(MAX_ACK_RANGES);
        if (ranges.isEmpty()) {
            return;
        }
        long delayMicros = s.received.ackDelayNanos(now) / 1000;
        AckFrame ack = FrameCodec.ack(-1, ranges, delayMicros >> c.config.ackDelayExponent());
        if (FrameCodec.encodedLength(ack) > limit - w.position()) {
            return;
        }
        FrameCodec.write(ack, w);
        sent.ackLargest = ranges.get(0).largest();
        s.received.onAckSent(now);
    }

    /** PATH_ACK frames for packets other senders sent on extra paths (draft-ietf-quic-multipath-21 §4.1). */
    private void writePathAcks(ByteWriter w, int limit, SentFrames sent, long now) {
        if (c.multipath.trackers().isEmpty()) {
            return;
        }
        List<long[]> written = null;
        for (var e : c.multipath.trackers()) {
            var tracker = e.getValue();
            if (!tracker.ackPending()) {
                continue;
            }
            List<AckRange> ranges = tracker.ackRanges(MAX_ACK_RANGES);
            if (ranges.isEmpty()) {
                continue;
            }
            long delay = (tracker.ackDelayNanos(now) / 1000) >> c.config.ackDelayExponent();
            AckFrame ack = FrameCodec.ack(e.getKey(), ranges, delay);
            if (FrameCodec.encodedLength(ack) > limit - w.position()) {
                break;
            }
            FrameCodec.write(ack, w);
            tracker.onAckSent(now);
            written = written == null ? new ArrayList<>() : written;
            written.add(new long[] {e.getKey(), ranges.get(0).largest()});
        }
        if (written != null) {
            sent.pathAcks = new long[written.size() * 2];
            for (int i = 0; i < written.size(); i++) {
                sent.pathAcks[2 * i] = written.get(i)[0];
                sent.pathAcks[2 * i + 1] = written.get(i)[1];
            }
        }
    }

    private boolean writeControl(ByteWriter w, int limit, PacketSpace s, SentFrames sent) {
        boolean wrote = false;
        if (c.handshakeDonePending && fits(w, limit, 1)) {
            FrameCodec.write(HandshakeDoneFrame.INSTANCE, w);
            c.handshakeDonePending = false;
            sent.handshakeDone = true;
            wrote = true;
        }
        if (c.streams.maxDataDue) {
            long max = c.streams.flow.maxDataToAdvertise();
            Frame f = new MaxDataFrame(max >= 0 ? max : c.streams.flow.maxData());
            if (fits(w, limit, FrameCodec.encodedLength(f))) {
                FrameCodec.write(f, w);
                c.streams.flow.onMaxDataSent(((MaxDataFrame) f).maximumData());
                c.streams.maxDataDue = false;
                sent.maxData = true;
                wrote = true;
            }
        }
        for (Iterator<Long> it = c.streams.maxStreamDataDue().isEmpty() ? java.util.Collections.emptyIterator()
                : c.streams.maxStreamDataDue().iterator(); it.hasNext();) {
            long id = it.next();
            long max = c.streams.maxStreamDataFor(id);
            if (max < 0) {
                it.remove();
                continue;
            }
            Frame f = new MaxStreamDataFrame(id, max);
            if (!fits(w, limit, FrameCodec.encodedLength(f))) {
                break;
            }
            FrameCodec.write(f, w);
            c.streams.get(id).recv.onMaxStreamDataSent(max);
            it.remove();
            sent.addMaxStreamData(id);
            wrote = true;
        }
        while (!s.pendingControl.isEmpty()) {
            Frame f = s.pendingControl.peek();
            if (!fits(w, limit, FrameCodec.encodedLength(f))) {
                break;
            }
            s.pendingControl.poll();
            FrameCodec.write(f, w);
            pathChallengeWritten |= f instanceof PathChallengeFrame;
            if (!(f instanceof PathResponseFrame)) {
                sent.addControl(f);
            }
            wrote = true;
        }
        return wrote;
    }

    private boolean writeCrypto(ByteWriter w, int limit, PacketSpace s, SentFrames sent) {
        boolean wrote = false;
        while (s.cryptoOut.hasSendable(Long.MAX_VALUE)) {
            int room = limit - w.position() - FrameCodec.cryptoFrameHeaderLength(s.cryptoOut.sentOffset(), 1200);
            if (room <= 0) {
                break;
            }
            StreamChunk chunk = s.cryptoOut.nextChunk(room, Long.MAX_VALUE);
            if (chunk == null || chunk.length() == 0) {
                break;
            }
            FrameCodec.writeCryptoFrameHeader(w, chunk.offset(), chunk.length());
            s.cryptoOut.copyData(chunk.offset(), chunk.length(), w.array(), w.position());
            w.position(w.position() + chunk.length());
            sent.addRange(SentFrames.CRYPTO, chunk.offset(), chunk.length(), false);
            wrote = true;
        }
        return wrote;
    }

    private boolean writeStreams(ByteWriter w, int limit, SentFrames sent) {
        boolean wrote = false;
        StreamManager.QuicStream st;
        List<StreamManager.QuicStream> skipped = null;
        StreamManager.QuicStream run = remote.open ? c.remoteSending.continuingRun(c.streams) : null;
        if (run != null && limit - w.position() > 24) {
            return writeRemoteChunk(w, limit, run, sent);
        }
        while (limit - w.position() > 24 && (st = c.streams.nextSendable()) != null) {
            if (st.send.isRemote()) {
                if (!remote.open) {
                    skipped = skipped == null ? new ArrayList<>(2) : skipped;
                    skipped.add(st);
                    continue;
                }
                wrote |= writeRemoteChunk(w, limit, st, sent);
                break;
            }
            int header = FrameCodec.streamFrameHeaderLength(st.id, st.send.sentOffset(), limit - w.position());
            int room = limit - w.position() - header;
            StreamChunk chunk = room < 0 ? null : st.send.nextChunk(room, c.streams.flow.sendCredit());
            if (chunk == null) {
                c.streams.requeueIfSendable(st);
                break;
            }
            FrameCodec.writeStreamFrameHeader(w, st.id, chunk.offset(), chunk.length(), chunk.fin());
            st.send.copyData(chunk.offset(), chunk.length(), w.array(), w.position());
            w.position(w.position() + chunk.length());
            if (chunk.isNew()) {
                c.streams.flow.onNewDataSent(chunk.length());
            }
            sent.addRange(st.id, chunk.offset(), chunk.length(), chunk.fin());
            c.streams.requeueIfSendable(st);
            wrote = true;
        }
        if (skipped != null) {
            skipped.forEach(c.streams::requeueIfSendable);
        }
        return wrote;
    }

    /** The last frame of the packet: a STREAM frame whose bytes the instruction's receiver fills. */
    private boolean writeRemoteChunk(ByteWriter w, int limit, StreamManager.QuicStream st, SentFrames sent) {
        int room = limit - w.position() - RemoteSending.maxStreamHeader(st.id);
        StreamChunk chunk = room < 0 ? null : st.send.nextChunk(room, c.streams.flow.sendCredit());
        if (chunk == null) {
            c.streams.requeueIfSendable(st);
            return false;
        }
        if (chunk.isNew()) {
            c.streams.flow.onNewDataSent(chunk.length());
        }
        sent.addRange(st.id, chunk.offset(), chunk.length(), chunk.fin());
        c.remoteSending.onRemoteChunk(st.id);
        remote.sender = st.remoteSender;
        remote.size = c.remoteSending.instruct(w, remote.payloadStart, remote.pn, remote.pnLength, st.id, chunk);
        c.streams.requeueIfSendable(st);
        return true;
    }

    /** Books a packet that left as an instruction: in flight, paced and recovered like any other. */
    private int recordInstructed(Pending p, long now) {
        c.recovery.onPacketSent(p.space.recoveryIndex, p.pn, now, p.instructedSize, true, true, p.sent, p.sender);
        c.oneRtt.onPacketSent(p.pn);
        c.packetsSentInPhase++;
        c.restartIdleTimerOnSend(now);
        return INSTRUCTED;
    }

    private static boolean fits(ByteWriter w, int limit, int length) {
        return limit - w.position() >= length;
    }

    /**
     * Client Initials and server datagrams with ack-eliciting Initials are padded (RFC 9000 §14.1),
     * and so are datagrams with a PATH_CHALLENGE (§8.2.1), within the anti-amplification limit
     * toward an unvalidated address that {@code limit} already holds.
     */
    private int padIfNeeded(byte[] out, int end, int limit) {
        boolean needs = false;
        for (Pending p : pending) {
            needs |= p.type == PacketType.INITIAL && (c.isClient || p.ackEliciting);
        }
        needs |= pathChallengeWritten;
        if (!needs || end >= MIN_INITIAL_DATAGRAM) {
            return end;
        }
        int target = Math.min(MIN_INITIAL_DATAGRAM, limit);
        Pending last = pending.remove(pending.size() - 1);
        int extra = target - end;
        java.util.Arrays.fill(out, last.payloadEnd, last.payloadEnd + extra, (byte) 0);
        pending.add(new Pending(last.space, last.type, last.start, last.lengthOffset, last.pnOffset, last.pnLength,
                last.payloadEnd + extra, last.pn, last.ackEliciting, last.sent, last.keys, true, -1, 0));
        return end + extra;
    }

    private int seal(byte[] out, int end, long now) {
        int total = 0;
        for (Pending p : pending) {
            if (p.lengthOffset >= 0) {
                PacketHeaders.patchLength(out, p.lengthOffset, p.payloadEnd - p.pnOffset + TAG);
            }
            int packetEnd = p.keys.seal(out, p.start, p.pnOffset, p.pnLength, p.payloadEnd, p.pn, 0);
            int size = packetEnd - p.start;
            total = packetEnd;
            boolean inFlight = p.ackEliciting || p.padded; // RFC 9002 §2: ACK-only packets are not in flight
            c.recovery.onPacketSent(p.space.recoveryIndex, p.pn, now, size, p.ackEliciting, inFlight, p.sent);
            if (p.type == PacketType.ONE_RTT) {
                c.oneRtt.onPacketSent(p.pn);
                c.packetsSentInPhase++;
            }
            if (p.ackEliciting) {
                c.restartIdleTimerOnSend(now);
            }
            if (c.isClient && p.type == PacketType.HANDSHAKE) {
                discardSpace(QuicConnection.INITIAL); // RFC 9001 §4.9.1
            }
        }
        return total;
    }

    private void maybeInitiateKeyUpdate() {
        long interval = c.config.keyUpdateIntervalPackets();
        if (interval > 0 && c.packetsSentInPhase >= interval) {
            c.initiateKeyUpdate();
        }
    }

    private int closeDatagram(byte[] out, long now) {
        if (!c.closeFramePending) {
            return 0;
        }
        c.closeFramePending = false;
        pending.clear();
        pathChallengeWritten = false;
        int pos = 0;
        for (int i = 0; i < c.spaces.length; i++) {
            PacketType type = packetType(i);
            if (type == null || type == PacketType.ZERO_RTT) {
                continue;
            }
            Frame f = type == PacketType.ONE_RTT ? c.closeFrame : FrameFactory.handshakeSafeClose(c.closeFrame);
            PacketSpace s = c.spaces[i];
            s.pendingControl.clear();
            s.pendingControl.add(f);
            pos = writeClosePacket(out, pos, s, type);
        }
        return pending.isEmpty() ? 0 : seal(out, pos, now);
    }

    private int writeClosePacket(byte[] out, int start, PacketSpace s, PacketType type) {
        long pn = s.nextPacketNumber++;
        ByteWriter w = new ByteWriter(out, start, Math.max(0, c.maxDatagramSize - start));
        int lengthOffset = -1;
        PacketProtection keys;
        if (type == PacketType.ONE_RTT) {
            keys = c.oneRtt.write();
            PacketHeaders.writeShortHeader(w, false, c.oneRtt.writePhase(), c.cids.activePeer(), 4, pn);
        } else {
            keys = s.sealer;
            byte[] token = c.isClient && type == PacketType.INITIAL ? c.retryToken : null;
            lengthOffset = PacketHeaders.writeLongHeader(w, type, PacketHeaders.VERSION_1, c.cids.activePeer(),
                    c.localInitialId, token, 4, pn, 0) - PacketHeaders.LENGTH_FIELD_SIZE;
        }
        int pnOffset = w.position() - 4;
        FrameCodec.write(s.pendingControl.poll(), w);
        pending.add(new Pending(s, type, start, lengthOffset, pnOffset, 4, w.position(), pn, false, new SentFrames(),
                keys, false, -1, 0));
        return w.position() + TAG;
    }

    /** Drops a space's keys and its packets in flight (RFC 9002 §6.4). */
    void discardSpace(int index) {
        PacketSpace s = c.spaces[index];
        if (s.discarded) {
            return;
        }
        s.discard();
        c.recovery.discardSpace(index);
    }

    /** After a Retry: resend the ClientHello from the start with the new keys and token. */
    void restartInitial() {
        PacketSpace s = c.spaces[QuicConnection.INITIAL];
        s.cryptoOut.onLost(0, (int) s.cryptoOut.writtenOffset(), false);
    }

    /** Turns PTO expiry into probe packets in the spaces the recovery names (RFC 9002 §6.2.4). */
    void takeProbes() {
        for (PacketSpace s : c.spaces) {
            if (s.discarded) {
                continue;
            }
            if (c.recovery.ptoProbesWanted(s.recoveryIndex) > 0 && s.recoveryIndex != QuicConnection.APPLICATION) {
                s.cryptoOut.onLost(0, (int) s.cryptoOut.writtenOffset(), false);
            }
        }
    }

    private final class RecoveryEvents implements Recovery.Listener<SentFrames> {
        @Override
        public void onAcked(int space, SentPacket<SentFrames> p) {
            SentFrames sf = p.payload();
            PacketSpace s = c.spaces[space];
            if (sf.ackLargest >= 0 && !s.discarded) {
                s.received.onAckOfAckReceived(sf.ackLargest);
            }
            if (sf.pathAcks != null) {
                for (int i = 0; i < sf.pathAcks.length; i += 2) {
                    var tracker = c.multipath.tracker(sf.pathAcks[i]);
                    if (tracker != null) {
                        tracker.onAckOfAckReceived(sf.pathAcks[i + 1]);
                    }
                }
            }
            for (int i = 0, n = sf.rangeCount(); i < n; i++) {
                SentFrames.Range r = sf.range(i);
                if (r.streamId() == SentFrames.CRYPTO) {
                    s.cryptoOut.onAcked(r.offset(), r.length(), false);
                } else {
                    c.streams.onRangeAcked(r);
                }
            }
            if (space == QuicConnection.APPLICATION && c.oneRtt != null) {
                c.oneRtt.onPacketAcked(p.pn());
            }
        }

        @Override
        public void onLost(int space, SentPacket<SentFrames> p) {
            SentFrames sf = p.payload();
            PacketSpace s = c.spaces[space];
            if (s.discarded) {
                return;
            }
            for (int i = 0, n = sf.rangeCount(); i < n; i++) {
                SentFrames.Range r = sf.range(i);
                if (r.streamId() == SentFrames.CRYPTO) {
                    s.cryptoOut.onLost(r.offset(), r.length(), false);
                } else {
                    c.streams.onRangeLost(r);
                }
            }
            if (sf.control != null) {
                for (Frame f : sf.control) {
                    // draft-ietf-quic-ack-frequency-14 §4: only the latest ACK_FREQUENCY is worth resending;
                    // RFC 9000 §13.3: a PATH_RESPONSE is sent once, a PATH_CHALLENGE only while unanswered
                    if (f instanceof AckFrequencyFrame a ? c.ackFrequencySender.isCurrent(a)
                            : f instanceof PathChallengeFrame ch ? c.path.isOutstanding(ch.data())
                            : !(f instanceof PathResponseFrame)) {
                        s.pendingControl.add(f);
                    }
                }
            }
            c.handshakeDonePending |= sf.handshakeDone;
            c.streams.maxDataDue |= sf.maxData;
            if (sf.maxStreamData != null) {
                c.streams.maxStreamDataDue().addAll(sf.maxStreamData);
            }
        }
    }
}
