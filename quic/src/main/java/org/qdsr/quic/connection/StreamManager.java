package org.qdsr.quic.connection;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.function.Consumer;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;
import org.qdsr.quic.stream.ConnectionFlowControl;
import org.qdsr.quic.stream.ReceiveStream;
import org.qdsr.quic.stream.SendStream;
import org.qdsr.quic.stream.StreamId;
import org.qdsr.quic.stream.StreamLimits;
import org.qdsr.quic.wire.MaxStreamsFrame;
import org.qdsr.quic.wire.ResetStreamFrame;
import org.qdsr.quic.wire.StopSendingFrame;
import org.qdsr.quic.wire.StreamFrame;
import org.qdsr.quic.wire.TransportParameters;

/**
 * All streams of a connection (RFC 9000 §2-4): opening (ours and the peer's, with MAX_STREAMS
 * limits), stream and connection flow control, the round-robin queue of streams with data to
 * send, and the stream events for the application.
 */
final class StreamManager {
    /** Both halves of one stream; a unidirectional stream has only one. */
    static final class QuicStream {
        final long id;
        final SendStream send;
        final ReceiveStream recv;
        boolean writableWanted;
        boolean finAckReported;
        /** The send side belongs to another sender now (a QDSR real server). */
        boolean handedOff;
        /** Delegated streams: which machine sends their packets ({@link org.qdsr.quic.recovery.SentPacket#sender()}). */
        int remoteSender = 1;

        QuicStream(long id, SendStream send, ReceiveStream recv) {
            this.id = id;
            this.send = send;
            this.recv = recv;
        }
    }

    private final boolean isClient;
    private final ConnectionConfig config;
    private final Map<Long, QuicStream> streams = new HashMap<>();
    private final LinkedHashSet<Long> sendQueue = new LinkedHashSet<>();
    private final LinkedHashSet<Long> maxStreamDataDue = new LinkedHashSet<>();
    private final LinkedHashSet<Long> blockedCandidates = new LinkedHashSet<>();
    private final Consumer<ConnectionEvent> events;
    /** Receives (stream ID, acknowledged offset) of remote streams; primitive, called per acknowledged packet. */
    interface RemoteAckSink {
        void onAckedPrefix(long streamId, long offset);
    }

    private RemoteAckSink remoteAcked = (id, offset) -> { };
    final ConnectionFlowControl flow;
    final StreamLimits limits;
    private TransportParameters peer;
    boolean maxDataDue;

    StreamManager(boolean isClient, ConnectionConfig config, Consumer<ConnectionEvent> events) {
        this.isClient = isClient;
        this.config = config;
        this.events = events;
        this.flow = StreamParts.connectionFlowControl(config.initialMaxData());
        this.limits = StreamParts.streamLimits(isClient, config.initialMaxStreamsBidi(), config.initialMaxStreamsUni());
    }

    /** Applies the peer's transport parameters: its limits on what we send. */
    void onPeerParameters(TransportParameters tp) {
        this.peer = tp;
        flow.onMaxData(tp.initialMaxData());
        limits.onMaxStreams(true, tp.initialMaxStreamsBidi());
        limits.onMaxStreams(false, tp.initialMaxStreamsUni());
        for (QuicStream s : streams.values()) {
            if (s.send != null) {
                s.send.setMaxStreamData(peerSendLimit(s.id));
                enqueue(s);
            }
        }
    }

    private long peerSendLimit(long id) {
        if (peer == null) {
            return 0;
        }
        if (StreamId.isUnidirectional(id)) {
            return peer.initialMaxStreamDataUni();
        }
        return StreamId.isLocal(id, isClient) ? peer.initialMaxStreamDataBidiRemote() : peer.initialMaxStreamDataBidiLocal();
    }

    private long localReceiveWindow(long id) {
        if (StreamId.isUnidirectional(id)) {
            return config.initialMaxStreamDataUni();
        }
        return StreamId.isLocal(id, isClient) ? config.initialMaxStreamDataBidiLocal() : config.initialMaxStreamDataBidiRemote();
    }

    private QuicStream create(long id) {
        boolean local = StreamId.isLocal(id, isClient);
        boolean bidi = StreamId.isBidirectional(id);
        SendStream send = (bidi || local) ? StreamParts.sendStream(id, peerSendLimit(id), config.streamSendBuffer()) : null;
        ReceiveStream recv = (bidi || !local) ? StreamParts.receiveStream(id, localReceiveWindow(id)) : null;
        QuicStream s = new QuicStream(id, send, recv);
        streams.put(id, s);
        return s;
    }

    /** Opens a stream of ours; returns its ID, or -1 when the peer's MAX_STREAMS forbids it. */
    long open(boolean bidirectional) {
        if (!limits.canOpen(bidirectional)) {
            return -1;
        }
        long id = limits.nextStreamId(bidirectional);
        create(id);
        return id;
    }

    QuicStream get(long id) {
        return streams.get(id);
    }

    /** The stream a received frame refers to, opening peer streams implicitly (RFC 9000 §3.2). */
    private QuicStream forIncoming(long id, long frameType) throws QuicException {
        QuicStream s = streams.get(id);
        if (s != null) {
            return s;
        }
        long first = limits.onPeerStreamOpened(id);
        if (first < 0) {
            return null; // opened before and already finished
        }
        for (long opened = first; opened <= id; opened += 4) {
            create(opened);
            events.accept(new ConnectionEvent.StreamOpened(opened));
        }
        return streams.get(id);
    }

    void onStreamFrame(StreamFrame f) throws QuicException {
        if (!StreamId.canReceive(f.streamId(), isClient)) {
            throw new QuicException(TransportError.STREAM_STATE_ERROR, f.type(), "STREAM on a send-only stream");
        }
        QuicStream s = forIncoming(f.streamId(), f.type());
        if (s == null) {
            return;
        }
        long fresh = s.recv.onStreamFrame(f.offset(), f.data(), 0, f.data().length, f.fin());
        flow.onDataReceived(fresh);
        if (s.recv.readableBytes() > 0 || s.recv.isAllDataReceived()) {
            events.accept(new ConnectionEvent.StreamReadable(s.id));
        }
    }

    void onResetStream(ResetStreamFrame f) throws QuicException {
        if (!StreamId.canReceive(f.streamId(), isClient)) {
            throw new QuicException(TransportError.STREAM_STATE_ERROR, f.type(), "RESET_STREAM on a send-only stream");
        }
        QuicStream s = forIncoming(f.streamId(), f.type());
        if (s == null || s.recv.isReset()) {
            return;
        }
        flow.onDataReceived(s.recv.onResetStream(f.errorCode(), f.finalSize()));
        releaseCredit(s);
        events.accept(new ConnectionEvent.StreamReset(s.id, f.errorCode()));
        maybeRetire(s);
    }

    /** STOP_SENDING: reset our sending side (RFC 9000 §3.5); returns the RESET_STREAM to send, or null. */
    ResetStreamFrame onStopSending(StopSendingFrame f) throws QuicException {
        if (!StreamId.canSend(f.streamId(), isClient)) {
            throw new QuicException(TransportError.STREAM_STATE_ERROR, f.type(), "STOP_SENDING on a receive-only stream");
        }
        QuicStream s = forIncoming(f.streamId(), f.type());
        if (s != null && s.handedOff) {
            events.accept(new ConnectionEvent.HandedOffStopSending(s.id, f.errorCode()));
            return null;
        }
        if (s == null || s.send.isReset() || s.send.isFullyAcknowledged()) {
            return null;
        }
        s.send.reset(f.errorCode());
        events.accept(new ConnectionEvent.StopSending(s.id, f.errorCode()));
        return new ResetStreamFrame(s.id, f.errorCode(), s.send.finalSize());
    }

    void onMaxStreamData(long id, long limit, long frameType) throws QuicException {
        if (!StreamId.canSend(id, isClient)) {
            throw new QuicException(TransportError.STREAM_STATE_ERROR, frameType, "MAX_STREAM_DATA on a receive-only stream");
        }
        QuicStream s = forIncoming(id, frameType);
        if (s != null && s.handedOff) {
            s.send.setMaxStreamData(limit); // remembered: it bounds the final size if the sender fails
            events.accept(new ConnectionEvent.HandedOffStreamCredit(id, limit));
            return;
        }
        if (s != null && s.send != null) {
            s.send.setMaxStreamData(limit);
            enqueue(s);
        }
    }

    void onMaxData(long limit) {
        flow.onMaxData(limit);
        for (QuicStream s : streams.values()) {
            if (s.send != null && s.send.hasSendable(flow.sendCredit())) {
                sendQueue.add(s.id);
            }
        }
    }

    void onMaxStreams(MaxStreamsFrame f) {
        boolean before = limits.canOpen(f.bidirectional());
        limits.onMaxStreams(f.bidirectional(), f.maximumStreams());
        if (!before && limits.canOpen(f.bidirectional())) {
            events.accept(new ConnectionEvent.StreamsAvailable(f.bidirectional()));
        }
    }

    // ---- application side ------------------------------------------------------------------

    int write(long id, byte[] b, int off, int len) {
        QuicStream s = requireSend(id);
        int n = s.send.write(b, off, len);
        if (n < len) {
            s.writableWanted = true;
        }
        if (s.send.isBlocked()) {
            blockedCandidates.add(id);
        }
        enqueue(s);
        return n;
    }

    void finish(long id) {
        QuicStream s = requireSend(id);
        s.send.finish();
        enqueue(s);
    }

    /** Resets our sending side; returns the RESET_STREAM frame to send. */
    ResetStreamFrame reset(long id, long errorCode) {
        QuicStream s = streams.get(id);
        if (s == null || s.send == null || s.send.isReset() || s.send.isFullyAcknowledged() || s.handedOff) {
            return null;
        }
        s.send.reset(errorCode);
        sendQueue.remove(id);
        return new ResetStreamFrame(id, errorCode, s.send.finalSize());
    }

    StopSendingFrame stopSending(long id, long errorCode) {
        QuicStream s = streams.get(id);
        if (s == null || s.recv == null || s.recv.isFinished() || s.recv.isReset() || s.recv.isStopSending()) {
            return null;
        }
        s.recv.stopSending(errorCode);
        releaseCredit(s);
        return new StopSendingFrame(id, errorCode);
    }

    boolean isReceiveReset(long id) {
        QuicStream s = streams.get(id);
        return s != null && s.recv != null && s.recv.isReset();
    }

    int read(long id, byte[] b, int off, int len) {
        QuicStream s = streams.get(id);
        if (s == null || s.recv == null) {
            return -1;
        }
        int n = s.recv.read(b, off, len);
        releaseCredit(s);
        if (n > 0 && s.recv.maxStreamDataToAdvertise() >= 0) {
            maxStreamDataDue.add(id);
        }
        if (n < 0 || s.recv.isFinished()) {
            maybeRetire(s);
        }
        return n;
    }

    /** Bytes read or discarded (reset, STOP_SENDING) free connection-level credit (RFC 9000 §4.1). */
    private void releaseCredit(QuicStream s) {
        long consumed = s.recv.takeConsumedBytes();
        if (consumed > 0) {
            flow.onDataConsumed(consumed);
            if (flow.maxDataToAdvertise() >= 0) {
                maxDataDue = true;
            }
        }
    }

    private QuicStream requireSend(long id) {
        QuicStream s = streams.get(id);
        if (s == null || s.send == null) {
            throw new IllegalArgumentException("no sending stream " + id);
        }
        return s;
    }

    /** Where acknowledged prefixes of remote streams are reported (QDSR instructed mode). */
    void onRemoteAcked(RemoteAckSink sink) {
        this.remoteAcked = sink;
    }

    /** The stream's bytes are held elsewhere; only its offsets are scheduled here. */
    void delegate(long id, int sender) {
        QuicStream s = requireSend(id);
        if (s.handedOff) {
            throw new IllegalStateException("stream " + id + " was handed off");
        }
        if (!s.send.isRemote()) {
            s.send.markRemote();
        }
        s.remoteSender = sender;
    }

    /** The holder of a remote stream has bytes up to {@code readyOffset}; false if the stream is gone. */
    boolean announceRemote(long id, long readyOffset, boolean fin) {
        QuicStream s = streams.get(id);
        if (s == null || s.send == null || !s.send.isRemote()) {
            return false;
        }
        s.send.announceRemote(readyOffset, fin);
        if (s.send.isBlocked()) {
            blockedCandidates.add(id);
        }
        enqueue(s);
        return true;
    }

    /**
     * Gives a stream's send side away (QDSR handoff): this connection no longer sends on it.
     * Returns the peer's current MAX_STREAM_DATA for it, which the new sender starts from.
     */
    long handOff(long id) {
        QuicStream s = requireSend(id);
        s.handedOff = true;
        sendQueue.remove(id);
        return s.send.maxStreamData();
    }

    /**
     * A handoff its sender refused before sending a byte: the stream is this connection's again,
     * to send or to delegate elsewhere. The caller returns the credit it reserved for it.
     */
    void takeBack(long id) {
        QuicStream s = requireSend(id);
        if (!s.handedOff || s.finAckReported) {
            throw new IllegalStateException("stream " + id + " is not handed off");
        }
        s.handedOff = false;
    }

    /**
     * Resets a handed-off stream on behalf of a sender that failed. Its real final size is
     * unknown here, so the smaller of the peer's MAX_STREAM_DATA and {@code cap} (the
     * connection credit that sender held) is used: neither can have been exceeded by the sender
     * (RFC 9000 §4.5), and the caller accounts the final sizes against connection credit.
     */
    ResetStreamFrame resetHandedOff(long id, long errorCode, long cap) {
        QuicStream s = streams.get(id);
        if (s == null || !s.handedOff || s.finAckReported) {
            return null;
        }
        long finalSize = Math.min(s.send.maxStreamData(), cap);
        s.finAckReported = true;
        s.send.reset(errorCode);
        maybeRetire(s);
        return new ResetStreamFrame(id, errorCode, finalSize);
    }

    long handedOffLimit(long id) {
        QuicStream s = streams.get(id);
        return s == null || !s.handedOff ? -1 : s.send.maxStreamData();
    }

    /** The new sender reports the send side done: the stream can be retired when its receive side is too. */
    void onHandedOffSendDone(long id) {
        QuicStream s = streams.get(id);
        if (s != null && s.handedOff) {
            s.finAckReported = true;
            s.send.reset(0);
            maybeRetire(s);
        }
    }

    private void enqueue(QuicStream s) {
        if (s.send != null && !s.send.isReset() && !s.handedOff) {
            sendQueue.add(s.id);
        }
    }

    // ---- sending ---------------------------------------------------------------------------

    /** The next stream with something to send, rotating round robin; null if none. */
    QuicStream nextSendable() {
        while (!sendQueue.isEmpty()) {
            Long id = sendQueue.iterator().next();
            sendQueue.remove(id);
            QuicStream s = streams.get(id);
            if (s != null && s.send != null && !s.send.isReset() && s.send.hasSendable(flow.sendCredit())) {
                return s;
            }
        }
        return null;
    }

    /** Puts a stream back at the end of the queue after it sent a chunk and still has data. */
    void requeueIfSendable(QuicStream s) {
        if (s.send.hasSendable(flow.sendCredit())) {
            sendQueue.add(s.id);
        }
    }

    boolean hasSendable() {
        for (Long id : sendQueue) {
            QuicStream s = streams.get(id);
            if (s != null && s.send != null && s.send.hasSendable(flow.sendCredit())) {
                return true;
            }
        }
        return false;
    }

    void onRangeAcked(SentFrames.Range r) {
        QuicStream s = streams.get(r.streamId());
        if (s == null || s.send == null) {
            return;
        }
        long before = s.send.ackedOffset();
        s.send.onAcked(r.offset(), r.length(), r.fin());
        if (s.send.isRemote() && (s.send.ackedOffset() > before || s.send.isFullyAcknowledged())) {
            remoteAcked.onAckedPrefix(s.id, s.send.ackedOffset());
        }
        if (s.writableWanted && s.send.bufferedBytes() < config.streamSendBuffer() / 2) {
            s.writableWanted = false;
            events.accept(new ConnectionEvent.StreamWritable(s.id));
        }
        if (s.send.isFullyAcknowledged() && !s.finAckReported) {
            s.finAckReported = true;
            events.accept(new ConnectionEvent.StreamAcknowledged(s.id));
            maybeRetire(s);
        }
    }

    void onRangeLost(SentFrames.Range r) {
        QuicStream s = streams.get(r.streamId());
        if (s == null || s.send == null || s.send.isReset()) {
            return;
        }
        s.send.onLost(r.offset(), r.length(), r.fin());
        sendQueue.add(s.id);
    }

    /** Queues everything sent so far on every stream again (0-RTT was rejected). */
    void retransmitAll() {
        for (QuicStream s : streams.values()) {
            if (s.send != null && !s.send.isReset() && s.send.sentOffset() > 0) {
                s.send.onLost(0, (int) Math.min(Integer.MAX_VALUE, s.send.sentOffset()), s.send.isFinished());
                sendQueue.add(s.id);
            }
        }
    }

    /** Stream IDs whose receive window should be re-advertised now; the caller sends MAX_STREAM_DATA. */
    LinkedHashSet<Long> maxStreamDataDue() {
        return maxStreamDataDue;
    }

    long maxStreamDataFor(long id) {
        QuicStream s = streams.get(id);
        if (s == null || s.recv == null || s.recv.isFinished() || s.recv.isReset()) {
            return -1;
        }
        long fresh = s.recv.maxStreamDataToAdvertise();
        return fresh >= 0 ? fresh : s.recv.maxStreamData();
    }

    private void maybeRetire(QuicStream s) {
        boolean sendDone = s.send == null || s.send.isFullyAcknowledged() || s.send.isReset();
        boolean recvDone = s.recv == null || s.recv.isFinished() || s.recv.isReset();
        if (sendDone && recvDone) {
            streams.remove(s.id);
            sendQueue.remove(s.id);
            maxStreamDataDue.remove(s.id);
            if (!StreamId.isLocal(s.id, isClient)) {
                limits.onPeerStreamClosed(s.id);
            }
        }
    }

    /**
     * DATA_BLOCKED, STREAM_DATA_BLOCKED and STREAMS_BLOCKED (RFC 9000 §4.1, §19.12-14): tell the
     * peer once per limit that its credit stops us.
     */
    void collectBlocked(ArrayDeque<org.qdsr.quic.wire.Frame> out) {
        long data = flow.dataBlockedToSend();
        if (data >= 0) {
            out.add(new org.qdsr.quic.wire.DataBlockedFrame(data));
            flow.onDataBlockedSent(data);
        }
        for (var it = blockedCandidates.iterator(); it.hasNext();) {
            QuicStream s = streams.get(it.next());
            it.remove();
            long limit = s == null || s.send == null ? -1 : s.send.streamDataBlockedToSend();
            if (limit >= 0) {
                out.add(new org.qdsr.quic.wire.StreamDataBlockedFrame(s.id, limit));
                s.send.onStreamDataBlockedSent(limit);
            }
        }
        collectStreamsBlocked(true, out);
        collectStreamsBlocked(false, out);
    }

    /** MAX_STREAMS frames to send now, if the peer has used enough of its credit. */
    void collectMaxStreams(ArrayDeque<org.qdsr.quic.wire.Frame> out) {
        collectMaxStreams(true, out);
        collectMaxStreams(false, out);
    }

    private void collectStreamsBlocked(boolean bidi, ArrayDeque<org.qdsr.quic.wire.Frame> out) {
        long limit = limits.streamsBlockedToSend(bidi);
        if (limit >= 0) {
            out.add(new org.qdsr.quic.wire.StreamsBlockedFrame(bidi, limit));
            limits.onStreamsBlockedSent(bidi, limit);
        }
    }

    private void collectMaxStreams(boolean bidi, ArrayDeque<org.qdsr.quic.wire.Frame> out) {
        long max = limits.maxStreamsToAdvertise(bidi);
        if (max >= 0) {
            out.add(new MaxStreamsFrame(bidi, max));
            limits.onMaxStreamsSent(bidi, max);
        }
    }

    int size() {
        return streams.size();
    }
}
