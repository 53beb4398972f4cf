package org.qdsr.quic.connection;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.random.RandomGenerator;
import org.qdsr.quic.EncryptionLevel;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;
import org.qdsr.quic.crypto.PacketProtection;
import org.qdsr.quic.recovery.Recovery;
import org.qdsr.quic.tls.QuicTls;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.Frame;
import org.qdsr.quic.wire.ResetStreamFrame;
import org.qdsr.quic.wire.RetireConnectionIdFrame;
import org.qdsr.quic.wire.StopSendingFrame;
import org.qdsr.quic.wire.TransportParameters;

/**
 * One QUIC connection, client or server (RFC 9000), sans-I/O: datagrams go in through
 * {@link #receive}, come out of {@link #poll}, time passes through {@link #onTimeout}; the
 * application uses the stream methods and {@link #pollEvent()}. Composed of packet-number spaces
 * ({@link PacketSpace}), 1-RTT keys ({@link OneRttKeys}), streams ({@link StreamManager}),
 * connection IDs ({@link ConnectionIds}), loss recovery and congestion control ({@code Recovery}),
 * the TLS handshake ({@link HandshakeDriver}), the receive path ({@link PacketReceiver}) and the
 * send path ({@link PacketAssembler}).
 */
public final class QuicConnection {
    /** Connection states (RFC 9000 §10). */
    public enum State { HANDSHAKE, ESTABLISHED, CLOSING, DRAINING, CLOSED }

    static final int INITIAL = 0;
    static final int HANDSHAKE = 1;
    static final int APPLICATION = 2;

    final boolean isClient;
    final ConnectionConfig config;
    final RandomGenerator random;
    final PacketSpace[] spaces = new PacketSpace[3];
    final Recovery<SentFrames> recovery;
    final StreamManager streams;
    final ConnectionIds cids;
    final ArrayDeque<ConnectionEvent> events = new ArrayDeque<>();
    final HandshakeDriver handshake;
    final PacketReceiver receiver;
    final PacketAssembler assembler;
    final Timers timers = new Timers();
    final Multipath multipath;
    /** Server side: how much the client took per round trip on paths other senders use (isolated mode). */
    final ExportedPathDelivery exportedDelivery = new ExportedPathDelivery();
    final RemoteSending remoteSending = new RemoteSending(this);
    /** draft-ietf-quic-ack-frequency-14: what we ask of the peer, and what the peer asked of us. */
    final AckFrequencyPolicy ackFrequencySender;
    final AckFrequencyReceiver ackFrequencyReceiver;

    State state = State.HANDSHAKE;
    OneRttKeys oneRtt;
    PacketProtection earlyDataKeys;
    TransportParameters peerParameters;
    InetSocketAddress peerAddress;
    final PathValidator path;
    ConnectionId originalDestinationId;
    ConnectionId localInitialId;
    byte[] retryToken = new byte[0];
    boolean addressValidated;
    boolean handshakeConfirmed;
    boolean handshakeDonePending;
    long bytesReceived;
    long bytesSent;
    long peerMaxAckDelayNanos = 25_000_000L;
    int peerAckDelayExponent = 3;
    int maxDatagramSize;
    CloseReason closeReason;
    Frame closeFrame;
    boolean closeFramePending;
    long packetsSentInPhase;
    boolean ackElicitingSentSinceReceive;
    long zeroRttPacketsReceived;

    QuicConnection(ConnectionBuilder b) {
        this.isClient = b.isClient;
        this.config = b.config;
        this.random = b.random;
        this.peerAddress = b.peer;
        this.maxDatagramSize = config.maxDatagramSize();
        this.recovery = RecoveryParts.create(config);
        this.streams = new StreamManager(isClient, config, events::add);
        streams.onRemoteAcked(remoteSending::onAckedPrefixAdvanced);
        this.cids = new ConnectionIds(random, b.resetTokens, b.connectionIds, b.cidListener);
        this.path = new PathValidator(random, b.peer);
        this.multipath = new Multipath(isClient, config);
        this.ackFrequencySender = new AckFrequencyPolicy(config.requestAckFrequency());
        this.ackFrequencyReceiver = new AckFrequencyReceiver(config.advertisedMinAckDelayMicros());
        for (EncryptionLevel level : new EncryptionLevel[] {EncryptionLevel.INITIAL, EncryptionLevel.HANDSHAKE,
                EncryptionLevel.APPLICATION}) {
            int i = spaceIndex(level);
            spaces[i] = new PacketSpace(level, i, RecoveryParts.tracker(config, level != EncryptionLevel.APPLICATION));
        }
        this.localInitialId = b.localId;
        this.originalDestinationId = b.originalDestinationId;
        cids.addInitialLocal(b.localId);
        this.handshake = new HandshakeDriver(this, b);
        this.receiver = new PacketReceiver(this);
        this.assembler = new PacketAssembler(this);
    }

    static int spaceIndex(EncryptionLevel level) {
        return switch (level) {
            case INITIAL -> INITIAL;
            case HANDSHAKE -> HANDSHAKE;
            case EARLY_DATA, APPLICATION -> APPLICATION;
        };
    }

    /** Starts a client connection: the ClientHello is queued; poll to send it. */
    public static QuicConnection connect(ClientOptions options, long now) throws QuicException {
        QuicConnection c = new QuicConnection(ConnectionBuilder.client(options));
        c.handshake.startClient(now);
        c.timers.idleDeadline = now + c.config.maxIdleTimeout().toNanos();
        return c;
    }

    /** Accepts a server connection for a client's first Initial; feed that datagram with {@link #receive} next. */
    public static QuicConnection accept(ServerOptions options, long now) throws QuicException {
        QuicConnection c = new QuicConnection(ConnectionBuilder.server(options));
        c.handshake.startServer();
        c.timers.idleDeadline = now + c.config.maxIdleTimeout().toNanos();
        return c;
    }

    // ---- datagrams in and out --------------------------------------------------------------

    /** Processes one received datagram (possibly several coalesced packets). Never throws for bad input. */
    public void receive(byte[] data, int off, int len, InetSocketAddress from, long now) {
        if (state == State.CLOSED || state == State.DRAINING) {
            return;
        }
        if (state == State.CLOSING) {
            closeFramePending = true; // RFC 9000 §10.2.1: answer packets with another CONNECTION_CLOSE
            return;
        }
        try {
            receiver.onDatagram(data, off, len, from, now);
        } catch (QuicException e) {
            closeWithError(e, now);
        }
        afterActivity(now);
    }

    /**
     * Writes the next datagram to send into {@code out} (at least {@code maxDatagramSize} bytes)
     * and returns its length, or 0 when there is nothing to send now. {@link #destination()}
     * tells where it goes.
     */
    public int poll(byte[] out, long now) {
        if (state == State.CLOSED || state == State.DRAINING) {
            return 0;
        }
        if (state == State.ESTABLISHED) {
            collectFlowControlUpdates();
            queueAckFrequency(now);
        }
        int n = assembler.probeResponse(out, now); // RFC 9000 §8.2.2, to destination()
        if (n == 0) {
            while ((n = assembler.nextDatagram(out, now)) == PacketAssembler.INSTRUCTED) {
                // the packet left as an instruction (pollInstruction); fill the next one
            }
        }
        if (n > 0) {
            bytesSent += n;
            path.onDatagramSent(destination(), n);
        }
        announceKeyGeneration();
        return n;
    }

    /**
     * Polls every datagram ready now into {@code buf} and hands each to {@code sink}; false if the
     * sink refused one (the caller stops draining).
     */
    public boolean drainTo(byte[] buf, org.qdsr.quic.DatagramSink sink, long now) {
        int n;
        while ((n = poll(buf, now)) > 0) {
            if (!sink.send(buf, 0, n, destination())) {
                return false;
            }
        }
        return true;
    }

    public InetSocketAddress destination() {
        InetSocketAddress probe = path.probeResponseDestination();
        return probe != null ? probe : peerAddress;
    }

    /** The earliest time {@link #onTimeout} must run; {@link Long#MAX_VALUE} if never. */
    public long nextTimeout() {
        if (state == State.CLOSED) {
            return Long.MAX_VALUE;
        }
        long t = Math.min(timers.idleDeadline, timers.closeDeadline);
        if (state == State.CLOSING || state == State.DRAINING) {
            return t;
        }
        t = Math.min(t, recovery.lossDetectionTimer());
        for (PacketSpace s : spaces) {
            if (!s.discarded) {
                t = Math.min(t, s.received.ackDeadline());
            }
        }
        t = Math.min(t, timers.pacingDeadline);
        t = Math.min(t, path.abandonDeadline());
        t = Math.min(t, multipath.earliestAckDeadline());
        if (oneRtt != null) {
            t = Math.min(t, oneRtt.previousDiscardAt());
        }
        return t;
    }

    public void onTimeout(long now) {
        if (state == State.CLOSED) {
            return;
        }
        if (now >= timers.closeDeadline) {
            enterClosed(now);
            return;
        }
        if (now >= timers.idleDeadline) {
            closeReason = closeReason != null ? closeReason : CloseReason.idle();
            enterClosed(now);
            return;
        }
        if (state == State.CLOSING || state == State.DRAINING) {
            return;
        }
        if (now >= recovery.lossDetectionTimer()) {
            recovery.onLossDetectionTimeout(now, assembler.recoveryListener());
            assembler.takeProbes();
        }
        if (oneRtt != null) {
            oneRtt.discardPrevious(now);
        }
        if (now >= timers.pacingDeadline) {
            timers.pacingDeadline = Long.MAX_VALUE;
        }
        revertIfValidationFailed(now);
    }

    /**
     * RFC 9000 §8.2.4, §9.3.2: the new peer address never answered its PATH_CHALLENGE, so this
     * connection sends to the last validated address again (a spoofed or vanished address is
     * left; the peer's next packet from a new address starts another validation).
     */
    private void revertIfValidationFailed(long now) {
        InetSocketAddress back = path.abandonIfExpired(now);
        if (back != null) {
            InetSocketAddress left = peerAddress;
            peerAddress = back;
            events.add(new ConnectionEvent.PeerAddressAbandoned(left, back));
        }
    }

    private void afterActivity(long now) {
        if (state == State.HANDSHAKE || state == State.ESTABLISHED) {
            collectFlowControlUpdates();
            announceKeyGeneration();
        }
    }

    private long announcedGeneration;

    /** Emits WriteKeysUpdated once per new write generation (initiated or in response). */
    void announceKeyGeneration() {
        if (oneRtt != null && oneRtt.writeGeneration() != announcedGeneration) {
            announcedGeneration = oneRtt.writeGeneration();
            events.add(new ConnectionEvent.WriteKeysUpdated(announcedGeneration));
        }
    }

    /** Queues an ACK_FREQUENCY frame when {@link AckFrequencyPolicy} asks for one (1-RTT, confirmed handshake). */
    private void queueAckFrequency(long now) {
        if (!handshakeConfirmed || !ackFrequencySender.active() || !recovery.rtt().hasSample()) {
            return;
        }
        long window = AckFrequencyPolicy.windowPackets(recovery.cc().congestionWindow(), maxDatagramSize,
                exportedDelivery.currentPacketsPerRoundTrip(now, recovery.rtt().recentRtt()));
        Frame f = ackFrequencySender.poll(now, recovery.rtt().smoothedRtt(), window);
        if (f != null) {
            spaces[APPLICATION].pendingControl.add(f);
        }
    }

    void collectFlowControlUpdates() {
        streams.collectMaxStreams(spaces[APPLICATION].pendingControl);
        if (oneRtt != null) {
            streams.collectBlocked(spaces[APPLICATION].pendingControl);
        }
    }

    // ---- application API --------------------------------------------------------------------

    public ConnectionEvent pollEvent() {
        return events.poll();
    }

    public State state() {
        return state;
    }

    public boolean isEstablished() {
        return state == State.ESTABLISHED;
    }

    public boolean isClosed() {
        return state == State.CLOSED;
    }

    public boolean isClient() {
        return isClient;
    }

    public CloseReason closeReason() {
        return closeReason;
    }

    public String alpn() {
        return handshake.tls().alpn();
    }

    public InetSocketAddress peerAddress() {
        return peerAddress;
    }

    /** Opens a stream; returns its ID or -1 while the peer's MAX_STREAMS does not allow another. */
    public long openStream(boolean bidirectional) {
        return streams.open(bidirectional);
    }

    /** Queues bytes; returns how many fit in the stream's send buffer (wait for StreamWritable for the rest). */
    public int write(long streamId, byte[] b, int off, int len) {
        return streams.write(streamId, b, off, len);
    }

    /** Ends the sending side after the bytes written so far (FIN). */
    public void finish(long streamId) {
        streams.finish(streamId);
    }

    /** Reads received bytes in order: count, 0 if none yet, -1 at the end of the stream. */
    public int read(long streamId, byte[] b, int off, int len) {
        return streams.read(streamId, b, off, len);
    }

    /** Abandons our sending side (RESET_STREAM); a no-op for streams already finished or unknown. */
    public void resetStream(long streamId, long applicationErrorCode) {
        ResetStreamFrame f = streams.reset(streamId, applicationErrorCode);
        if (f != null) {
            spaces[APPLICATION].pendingControl.add(f);
        }
    }

    /** Asks the peer to stop sending (STOP_SENDING); a no-op once the receive side is done or unknown. */
    public void stopSending(long streamId, long applicationErrorCode) {
        StopSendingFrame f = streams.stopSending(streamId, applicationErrorCode);
        if (f != null) {
            spaces[APPLICATION].pendingControl.add(f);
        }
    }

    /** Starts a key update now (RFC 9001 §6.1), if one is allowed; returns whether it started. */
    public boolean initiateKeyUpdate() {
        if (oneRtt == null || !handshakeConfirmed || !oneRtt.canInitiate()) {
            return false;
        }
        oneRtt.initiate();
        packetsSentInPhase = 0;
        return true;
    }

    public long keyGeneration() {
        return oneRtt == null ? 0 : oneRtt.writeGeneration();
    }

    /** Switches to a fresh connection ID of the peer's (RFC 9000 §5.1.2); false if none is spare. */
    public boolean rotatePeerConnectionId() {
        RetireConnectionIdFrame f = cids.rotatePeer();
        if (f == null) {
            return false;
        }
        spaces[APPLICATION].pendingControl.add(f);
        return true;
    }

    public ConnectionId peerConnectionId() {
        return cids.activePeer();
    }

    public List<ConnectionId> localConnectionIds() {
        List<ConnectionId> ids = new java.util.ArrayList<>(cids.localIds());
        ids.addAll(multipath.localPathIds());
        return ids;
    }

    /** Both sides announced initial_max_path_id (draft-ietf-quic-multipath-21). */
    public boolean multipathNegotiated() {
        return multipath.negotiated();
    }

    /** The server side may send on client-issued path IDs (QDSR's server_paths parameter). */
    public boolean serverPathsEnabled() {
        return multipath.serverPaths();
    }

    /** Server side: path IDs for which the client issued a connection ID. */
    public List<Long> availablePaths() {
        return multipath.availablePeerPaths();
    }

    /** Server side: the client's connection ID for {@code pathId}, or null. */
    public ConnectionId peerConnectionIdForPath(long pathId) {
        Multipath.PathId p = multipath.peerPath(pathId);
        return p == null ? null : p.connectionId();
    }

    /**
     * Moves a multipath path to a fresh connection ID of the client's (RFC 9000 §9.5: after an
     * active migration no ID may link the old and new address) and retires the old one with
     * PATH_RETIRE_CONNECTION_ID. Returns the new ID, or null (nothing changes) if none is spare.
     */
    public ConnectionId rotatePathConnectionId(long pathId) {
        var retire = multipath.rotatePeerPath(pathId);
        if (retire == null) {
            return null;
        }
        spaces[APPLICATION].pendingControl.add(retire);
        return peerConnectionIdForPath(pathId);
    }

    /**
     * Exports what another sender needs to send the response side of {@code streamIds} on path
     * {@code pathId} (QDSR's isolated mode): current 1-RTT write keys, the client's connection
     * ID for that path, the client's address and the streams' flow-control limits, plus
     * {@code credit} bytes of connection-level send credit. This connection stops sending on
     * those streams. The value contains traffic secrets: send it only over the TLS control channel.
     */
    public org.qdsr.quic.path.ConnectionSnapshot exportPath(long pathId, List<Long> streamIds, long credit) {
        return SnapshotExport.path(this, pathId, streamIds, credit);
    }

    /**
     * Exports what a holder of delegated streams ({@link #delegateStream}) needs to seal the
     * packets it is instructed to send: the current 1-RTT write keys, the client's connection ID
     * and address (path 0; no streams, no credit). Contains traffic secrets: control channel only.
     */
    public org.qdsr.quic.path.ConnectionSnapshot exportInstructed() {
        return SnapshotExport.instructed(this);
    }

    /**
     * Takes up to {@code bytes} of the peer's connection-level send credit (MAX_DATA) for
     * another sender; returns how much was taken. This connection's own sending is limited by
     * what is left (RFC 9000 §4.1 still holds for the connection as a whole).
     */
    public long reserveCredit(long bytes) {
        long granted = Math.max(0, Math.min(bytes, streams.flow.sendCredit()));
        streams.flow.onNewDataSent(granted);
        return granted;
    }

    /** The peer's current MAX_STREAM_DATA for a stream whose send side was handed off, or -1. */
    public long handedOffStreamLimit(long streamId) {
        return streams.handedOffLimit(streamId);
    }

    /** Returns credit reserved with {@link #reserveCredit} that its sender will never use. */
    public void returnCredit(long bytes) {
        streams.flow.onCreditReturned(bytes);
    }

    /** Connection-level send credit left (peer's MAX_DATA minus data sent and credit reserved). */
    public long sendCredit() {
        return streams.flow.sendCredit();
    }

    /** The current 1-RTT write keys, for senders that share them; contains a traffic secret. */
    public org.qdsr.quic.path.WriteKeys writeKeys() {
        var w = oneRtt.write();
        return new org.qdsr.quic.path.WriteKeys(w.suite(), w.secret(), oneRtt.writePhase(), oneRtt.writeGeneration());
    }

    /**
     * Resets a stream whose sender failed (QDSR: its real server went away); the final size is
     * the stream's MAX_STREAM_DATA, at most {@code finalSizeCap}. Returns the final size used, or
     * -1 if the stream was not handed off or already done.
     */
    public long resetHandedOffStream(long streamId, long applicationErrorCode, long finalSizeCap) {
        if (finalSizeCap < 0) {
            return -1;
        }
        ResetStreamFrame f = streams.resetHandedOff(streamId, applicationErrorCode, finalSizeCap);
        if (f == null) {
            return -1;
        }
        spaces[APPLICATION].pendingControl.add(f);
        return f.finalSize();
    }

    /**
     * The sender of a handed-off stream refused it before sending anything: the stream is this
     * connection's again (e.g. to {@link #delegateStream(long, int)}); the caller returns the
     * export's credit ({@link #returnCredit}). IllegalStateException if not handed off or done.
     */
    public void takeBackHandedOffStream(long streamId) {
        streams.takeBack(streamId);
    }

    /** The sender a stream was handed to finished it (all data acknowledged, or reset). */
    public void onHandedOffStreamDone(long streamId) {
        streams.onHandedOffSendDone(streamId);
    }

    // ---- QDSR instructed mode: streams whose bytes another machine holds ----------------------

    /**
     * The response bytes of {@code streamId} live on another machine (a real server): this
     * connection keeps numbering, pacing and recovering them in its one packet-number space, but
     * each packet carrying them leaves as a {@link org.qdsr.quic.path.SendInstruction} from
     * {@link #pollInstruction} instead of a datagram. Nothing may have been written on the stream.
     */
    public void delegateStream(long streamId) {
        delegateStream(streamId, 1);
    }

    /**
     * The same, naming the machine that will send the stream's packets ({@code sender} 1..{@link
     * org.qdsr.quic.recovery.Recovery#MAX_SENDER}; calling again moves the stream to another
     * sender). Each sender sends its packets in packet-number order, different senders race: loss
     * detection compares a packet only with later packets of its own sender.
     */
    public void delegateStream(long streamId, int sender) {
        if (sender < 1 || sender > org.qdsr.quic.recovery.Recovery.MAX_SENDER) {
            throw new IllegalArgumentException("sender " + sender);
        }
        streams.delegate(streamId, sender);
        remoteSending.onDelegated();
    }

    /** The holder has the stream's bytes up to {@code readyOffset} (its final size if {@code fin}); false if gone. */
    public boolean remoteDataReady(long streamId, long readyOffset, boolean fin) {
        return streams.announceRemote(streamId, readyOffset, fin);
    }

    /** The next packet for a remote holder to fill, seal and send, in packet-number order; null if none. */
    public org.qdsr.quic.path.SendInstruction pollInstruction() {
        return remoteSending.poll();
    }

    /** Pairs (stream ID, offset) of remote streams whose acknowledged prefix advanced since the last call. */
    public long[] takeRemoteReleases() {
        return remoteSending.takeReleases();
    }

    /**
     * The holder sent instructed packet {@code pn} only {@code delayNanos} after it was
     * instructed. Packets keep the instruction time as their send time, so the holder's queue
     * counts as part of the path (RTT and loss timers include it, no spurious losses); a queue of
     * {@link #INSTRUCTED_QUEUE_SIGNAL_NANOS} or more is a congestion signal, so the window stops
     * growing past what the holder can send.
     */
    public void onInstructedQueueing(long pn, long delayNanos, long now) {
        if (delayNanos >= INSTRUCTED_QUEUE_SIGNAL_NANOS) {
            recovery.onCongestionSignal(APPLICATION, pn, now);
        }
    }

    /**
     * Holder queueing that counts as congestion (see {@link #onInstructedQueueing}): a standing
     * queue, well above scheduling jitter on a busy host (4 ms cut instructed goodput 3-4x there).
     */
    public static final long INSTRUCTED_QUEUE_SIGNAL_NANOS = 20_000_000;

    /** The holder could not send instructed packet {@code pn}: its frames are scheduled again. */
    public void onInstructedNotSent(long pn, long now) {
        recovery.onNeverSent(APPLICATION, pn, now, assembler.recoveryListener());
    }

    /** Datagram bytes and packets handed out as instructions so far. */
    public long instructedBytes() {
        return remoteSending.instructedBytes();
    }

    public long instructedPackets() {
        return remoteSending.instructedPackets();
    }

    /** ACK_FREQUENCY frames this endpoint sent (new sequence numbers; draft-ietf-quic-ack-frequency-14). */
    public long ackFrequencyFramesSent() {
        return ackFrequencySender.framesSent();
    }

    /** ACK_FREQUENCY frames from the peer that this endpoint applied (newer than all before). */
    public long ackFrequencyFramesApplied() {
        return ackFrequencyReceiver.applied();
    }

    /**
     * Client side: 0-RTT keys are in place (a resumed session whose ticket allows early data), so
     * streams may carry data before the handshake completes (RFC 9001 §4.6.1); false once the
     * handshake is done (rejected early data is sent again in 1-RTT).
     */
    public boolean sendsEarlyData() {
        return isClient && earlyDataKeys != null;
    }

    /** Client side: packets received on extra paths (sent by other machines in QDSR). */
    public long packetsReceivedOnPaths() {
        return multipath.packetsReceivedOnPaths();
    }

    /** Closes with an application error (CONNECTION_CLOSE 0x1d, RFC 9000 §10.2). */
    public void close(long applicationErrorCode, String reason, long now) {
        if (state == State.CLOSING || state == State.DRAINING || state == State.CLOSED) {
            return;
        }
        enterClosing(new CloseReason(CloseReason.Kind.LOCAL_CLOSE, true, applicationErrorCode, reason),
                FrameFactory.applicationClose(applicationErrorCode, reason), now);
    }

    /**
     * Server side, for a server that accepts no more connections: closes at once with the
     * transport error CONNECTION_REFUSED (RFC 9000 §20.1), sent in the packets the client can
     * read so early (RFC 9000 §10.2.3).
     */
    public void refuse(long now) {
        refuse("server is not accepting connections", now);
    }

    /** As {@link #refuse(long)}, saying {@code why} in the close's reason phrase. */
    public void refuse(String why, long now) {
        closeWithError(new QuicException(TransportError.CONNECTION_REFUSED, why), now);
    }

    void closeWithError(QuicException e, long now) {
        if (state == State.CLOSING || state == State.DRAINING || state == State.CLOSED) {
            return;
        }
        enterClosing(new CloseReason(CloseReason.Kind.LOCAL_CLOSE, false, e.errorCode(), e.getMessage()),
                FrameFactory.transportClose(e.errorCode(), e.frameType(), e.getMessage()), now);
    }

    private void enterClosing(CloseReason reason, Frame frame, long now) {
        closeReason = reason;
        closeFrame = frame;
        closeFramePending = true;
        state = State.CLOSING;
        events.add(new ConnectionEvent.Closed(reason));
        timers.closeDeadline = now + 3 * recovery.rtt().pto(peerMaxAckDelayNanos, true);
    }

    /** The peer closed (RFC 9000 §10.2.2): drain for three PTOs, send nothing. */
    void enterDraining(CloseReason reason, long now) {
        if (state == State.DRAINING || state == State.CLOSED) {
            return;
        }
        closeReason = reason;
        state = State.DRAINING;
        events.add(new ConnectionEvent.Closed(reason));
        timers.closeDeadline = now + 3 * recovery.rtt().pto(peerMaxAckDelayNanos, true);
    }

    void enterClosed(long now) {
        if (state == State.CLOSED) {
            return;
        }
        boolean announced = state == State.CLOSING || state == State.DRAINING;
        state = State.CLOSED;
        if (!announced) {
            events.add(new ConnectionEvent.Closed(closeReason != null ? closeReason : CloseReason.idle()));
        }
    }

    /** Closes at once, e.g. after a stateless reset (RFC 9000 §10.3). */
    void terminate(CloseReason reason, long now) {
        closeReason = reason;
        enterClosed(now);
    }

    long idleTimeoutNanos() {
        long local = config.maxIdleTimeout().toNanos();
        long remote = peerParameters == null ? 0 : peerParameters.maxIdleTimeout() * 1_000_000L;
        long t = local == 0 ? remote : remote == 0 ? local : Math.min(local, remote);
        t = t == 0 ? Long.MAX_VALUE / 4 : t;
        return Math.max(t, 3 * recovery.rtt().pto(peerMaxAckDelayNanos, true));
    }

    void restartIdleTimer(long now) {
        timers.idleDeadline = now + idleTimeoutNanos();
        ackElicitingSentSinceReceive = false;
    }

    /** RFC 9000 §10.1: the first ack-eliciting packet sent after a receipt also restarts the timer. */
    void restartIdleTimerOnSend(long now) {
        if (!ackElicitingSentSinceReceive) {
            ackElicitingSentSinceReceive = true;
            timers.idleDeadline = now + idleTimeoutNanos();
        }
    }

    /**
     * The last peer address validated (RFC 9000 §8.2): where other senders of this connection
     * may send. Differs from {@link #peerAddress()} while a new address is being validated.
     */
    public InetSocketAddress validatedPeerAddress() {
        return path.validatedAddress();
    }

    /** Validated peer addresses after migration, for tests and metrics. */
    public long pathValidations() {
        return path.validatedCount();
    }

    /** Path validations abandoned unanswered (RFC 9000 §8.2.4), for tests and metrics. */
    public long pathValidationsAbandoned() {
        return path.abandonedCount();
    }

    QuicTls tls() {
        return handshake.tls();
    }

    /** True once any packet from the peer authenticated (decrypted); a server keeps no state otherwise. */
    public boolean hasAuthenticatedPacket() {
        return receiver.anyPacketProcessed;
    }

    /** True if the peer reset its sending side of {@code streamId} (then {@code read} returns -1 too). */
    public boolean isStreamReset(long streamId) {
        return streams.isReceiveReset(streamId);
    }

    /** Counters for tests and metrics. */
    public long bytesSent() {
        return bytesSent;
    }

    public long bytesReceived() {
        return bytesReceived;
    }

    /** 0-RTT packets this server accepted (RFC 9001 §4.6). */
    public long zeroRttPacketsReceived() {
        return zeroRttPacketsReceived;
    }

    /** Packets declared lost (RFC 9002 §6.1) and those of them acknowledged later (spurious). */
    public long packetsLost() {
        return recovery.packetsLost();
    }

    public long spuriousLosses() {
        return recovery.spuriouslyLostPackets();
    }

    public long packetsLostByTime() {
        return recovery.packetsLostByTime();
    }

    public int openStreams() {
        return streams.size();
    }

    /** A one-line summary of the connection's state for logs and debugging; never includes key material. */
    public String debugState() {
        return (isClient ? "client" : "server") + " state=" + state + " sent=" + bytesSent + " recv=" + bytesReceived
                + " inflight=" + recovery.bytesInFlight() + " cwnd=" + recovery.cc().congestionWindow()
                + " srtt=" + recovery.rtt().smoothedRtt() / 1000 + "us pto=" + recovery.ptoCount()
                + " lossTimer=" + recovery.lossDetectionTimer() + " credit=" + streams.flow.sendCredit()
                + " streams=" + streams.size() + " sendable=" + streams.hasSendable()
                + " largestAcked=" + recovery.largestAcked(APPLICATION) + " nextPn=" + spaces[APPLICATION].nextPacketNumber
                + " paced=" + assembler.pacedPolls + " cwndBlocked=" + assembler.cwndBlockedPolls
                + " empty=" + assembler.emptyPolls;
    }

    /** Deadlines that are not owned by a part. */
    static final class Timers {
        long idleDeadline = Long.MAX_VALUE;
        long closeDeadline = Long.MAX_VALUE;
        long pacingDeadline = Long.MAX_VALUE;
    }
}
