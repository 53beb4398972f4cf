package org.qdsr.rs;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.DoubleSupplier;
import org.qdsr.control.message.AckForward;
import org.qdsr.control.message.ConnectionClosed;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.CreditGrant;
import org.qdsr.control.message.Draining;
import org.qdsr.control.message.Handoff;
import org.qdsr.control.message.KeyUpdate;
import org.qdsr.control.message.PeerAddressUpdate;
import org.qdsr.control.message.LoadReport;
import org.qdsr.control.message.SendAddress;
import org.qdsr.control.message.SendInstructions;
import org.qdsr.control.message.StreamControl;
import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.path.ConnectionSnapshot;
import org.qdsr.quic.recovery.CongestionAlgorithm;
import org.qdsr.quic.recovery.CongestionController;
import org.qdsr.rs.content.ContentSource;

/**
 * The real server, sans-I/O (no threads, sockets or clock; {@code now} is nanoseconds): control
 * messages from LB links in ({@link #onMessage}), control messages out through a
 * {@link MessageSink}, and response datagrams out as a send-only {@link DatagramEndpoint}
 * (destination = the client's address; the runtime's socket gives them the VIP as source).
 *
 * <p>Scheduling is incremental: connections with work sit in a ready queue (filled by handoffs,
 * forwarded ACKs, credit, content wake-ups and timers), deadlines live in a heap with lazy
 * invalidation, and only connections touched since the last {@link #nextDeadline()} are
 * re-examined, so thousands of idle senders cost nothing per datagram. Bad input (undecodable
 * snapshot, unknown connection, ACKs for unsent packets) is answered or dropped per connection
 * and never escapes as an exception. Not thread-safe: call everything on one thread.
 */
public final class RealServerCore implements DatagramEndpoint {
    private static final System.Logger LOG = System.getLogger(RealServerCore.class.getName());
    /** Datagrams one connection sends per turn before the next ready connection gets a turn. */
    static final int BURST = 16;

    /**
     * @param maxStreams          handoffs beyond this many open streams are REJECTED
     * @param congestion          congestion controller of every path sender
     * @param streamBufferBytes   unacknowledged bytes buffered per stream (isolated mode)
     * @param proxyWindow         initial proxy-mode window in body bytes (see {@link ProxyOutput})
     * @param loadReportInterval  nanoseconds between LoadReports to every link
     * @param hyStart             whether every path sender's controller leaves its initial slow start
     *                            on an RTT rise (HyStart++, RFC 9406)
     */
    public record Config(int maxStreams, CongestionAlgorithm congestion, int streamBufferBytes, long proxyWindow,
                         long loadReportInterval, boolean hyStart) {
        public static Config defaults() {
            return new Config(100_000, CongestionAlgorithm.CUBIC, 1 << 20, 1 << 20, 1_000_000_000L, true);
        }

        public Config withHyStart(boolean on) {
            return new Config(maxStreams, congestion, streamBufferBytes, proxyWindow, loadReportInterval, on);
        }

        public Config withMaxStreams(int max) {
            return new Config(max, congestion, streamBufferBytes, proxyWindow, loadReportInterval, hyStart);
        }

        /** A congestion controller for one path sender (isolated mode), as configured. */
        public CongestionController pathController(int maxDatagramSize) {
            return congestion.create(maxDatagramSize, hyStart);
        }
    }

    private record Key(long linkId, long connectionKey) {
    }

    private record Timer(long at, RsConnection conn) {
    }

    private final ContentSource source;
    private final MessageSink sink;
    private final Config config;
    private InetSocketAddress sendAddress;
    private final DoubleSupplier cpuLoad;
    private final StreamPump pump;
    private final InstructedSender instructed;
    private final Map<Key, RsConnection> connections = new HashMap<>();
    private final Set<Long> links = new HashSet<>();
    private boolean draining;
    private final ArrayDeque<RsConnection> ready = new ArrayDeque<>();
    private final List<RsConnection> dirty = new ArrayList<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    private final byte[] datagram = new byte[ConnectionSnapshot.MAX_DATAGRAM_SIZE];
    private final RsCounters counters = new RsCounters();
    private long lastNow;
    private boolean sinkBlocked;
    private long loadReportAt = Long.MAX_VALUE;
    private long bytesAtLastReport;

    public RealServerCore(ContentSource source, MessageSink sink, Config config, DoubleSupplier cpuLoad) {
        this.source = source;
        this.sink = sink;
        this.config = config;
        this.cpuLoad = cpuLoad;
        this.pump = new StreamPump(source, sink, config, counters, () -> lastNow);
        this.instructed = new InstructedSender(sink, counters);
    }

    public RealServerCore(ContentSource source, MessageSink sink) {
        this(source, sink, Config.defaults(), () -> -1);
    }

    public RsCounters counters() {
        return counters;
    }

    public int connectionCount() {
        return connections.size();
    }

    public int streamCount() {
        return pump.openStreams();
    }

    /**
     * Graceful shutdown: tells every LB ({@code Draining}) to route nothing new here, while the
     * streams in progress go on; handoffs already on their way are still served. The caller
     * waits for {@link #streamCount} to reach 0 (or its drain time) and then closes the links.
     */
    public void startDraining(long drainMillis) {
        draining = true;
        for (long link : links) {
            sink.send(link, new Draining(drainMillis));
        }
    }

    /** True after {@link #startDraining}. */
    public boolean draining() {
        return draining;
    }

    // ---------------------------------------------------------------- control links

    /** A link to an LB is up: it gets LoadReports from now on. */
    public void onLinkOpened(long linkId, long now) {
        links.add(linkId);
        if (sendAddress != null) {
            sink.send(linkId, new SendAddress(sendAddress)); // the LB checks it against its VIP
        }
        if (loadReportAt == Long.MAX_VALUE) {
            loadReportAt = now + config.loadReportInterval();
        }
    }

    /** The link is gone: its connections are dropped (nobody would forward their ACKs). */
    public void onLinkClosed(long linkId) {
        links.remove(linkId);
        for (RsConnection c : new ArrayList<>(connections.values())) {
            if (c.linkId == linkId) {
                remove(c);
            }
        }
    }

    /** The address this server sends responses from (its VIP:port), announced to every LB that connects. */
    public void setSendAddress(InetSocketAddress address) {
        sendAddress = address;
    }

    /** Where every response this server ends is logged (default: nowhere). */
    public void setAccessLog(AccessLog log) {
        pump.accessLog = java.util.Objects.requireNonNull(log, "log");
    }

    /** One message from the LB on {@code linkId}. Never throws. */
    public void onMessage(long linkId, ControlMessage m, long now) {
        lastNow = now;
        counters.messagesIn++;
        try {
            dispatch(linkId, m, now);
        } catch (RuntimeException e) {
            counters.internalErrors++;
            LOG.log(System.Logger.Level.WARNING, "rs: failed to handle " + m.getClass().getSimpleName(), e);
            Long key = connectionKeyOf(m);
            RsConnection c = key == null ? null : connections.get(new Key(linkId, key));
            if (c != null) {
                fail(c);
            }
        }
    }

    private void dispatch(long linkId, ControlMessage m, long now) {
        if (m instanceof Handoff h) {
            onHandoff(linkId, h, now);
            return;
        }
        if (m instanceof ConnectionClosed cc) {
            RsConnection c = connections.get(new Key(linkId, cc.connectionKey()));
            if (c != null) {
                pump.reportDropped(c);
                remove(c);
            }
            return;
        }
        Long key = connectionKeyOf(m);
        if (key == null) {
            counters.messagesIgnored++; // Hello, Heartbeat...: the channel's business
            return;
        }
        RsConnection c = connections.get(new Key(linkId, key));
        if (c == null) {
            counters.unknownConnection++;
            PeerAddressFollower.logUnknown(m, linkId);
            return;
        }
        if (m instanceof AckForward a) {
            onAck(c, a, now);
        } else if (m instanceof StreamControl sc) {
            pump.onStreamControl(c, sc);
            afterSenderCall(c);
        } else if (m instanceof CreditGrant g && c.sender != null) {
            c.sender.addCredit(g.bytes());
            afterSenderCall(c);
        } else if (m instanceof KeyUpdate k && c.sender != null) {
            c.sender.onKeyUpdate(k.newWriteSecret(), k.keyPhase());
            afterSenderCall(c);
        } else if (m instanceof KeyUpdate k && c.sealer != null) {
            if (c.instructions.isEmpty()) {
                c.sealer.updateKeys(k.generation(), k.keyPhase(), k.newWriteSecret());
            } else { // after the batches that arrived before it
                c.instructions.add(new InstructedSender.Batch(null, now, k));
            }
        } else if (m instanceof SendInstructions si) {
            onInstructions(c, si, now);
        } else if (m instanceof PeerAddressUpdate u) {
            PeerAddressFollower.apply(c, u, counters);
            afterSenderCall(c);
        } else {
            counters.messagesIgnored++;
        }
    }

    private static Long connectionKeyOf(ControlMessage m) {
        if (m instanceof AckForward a) {
            return a.connectionKey();
        } else if (m instanceof StreamControl s) {
            return s.connectionKey();
        } else if (m instanceof CreditGrant g) {
            return g.connectionKey();
        } else if (m instanceof KeyUpdate k) {
            return k.connectionKey();
        } else if (m instanceof Handoff h) {
            return h.connectionKey();
        } else if (m instanceof SendInstructions s) {
            return s.connectionKey();
        } else if (m instanceof PeerAddressUpdate u) {
            return u.connectionKey();
        }
        return null;
    }

    private void onHandoff(long linkId, Handoff h, long now) {
        counters.handoffs++;
        links.add(linkId);
        Key key = new Key(linkId, h.connectionKey());
        RsConnection existing = connections.get(key);
        RsConnection c = existing != null ? existing : new RsConnection(linkId, h.connectionKey());
        if (!pump.accept(c, h, now, () -> wake(c))) {
            return;
        }
        if (existing == null) {
            connections.put(key, c);
        }
        markReady(c);
        markDirty(c);
    }

    private void onAck(RsConnection c, AckForward a, long now) {
        if (c.sender == null || c.sender.pathId() != a.pathId()) {
            counters.acksIgnored++;
            return;
        }
        try {
            c.sender.onAck(a.ackRanges(), a.ackDelayEncoded(), now);
        } catch (QuicException e) {
            counters.badAcks++;
            LOG.log(System.Logger.Level.WARNING, "rs: bad ACK forward on " + c + ": " + e.getMessage());
            fail(c);
            return;
        }
        afterSenderCall(c);
    }

    /** Instructed mode: releases apply now (they may free window for more content); packets go on the next turn. */
    private void onInstructions(RsConnection c, SendInstructions m, long now) {
        for (int i = 0; i < m.releaseCount(); i++) {
            pump.onRelease(c, m.releasedStreamId(i), m.releasedOffset(i));
        }
        if (m.packetCount() > 0) {
            if (c.sealer == null) {
                counters.instructedFailures += m.packetCount();
            }
            c.instructions.add(new InstructedSender.Batch(m, now, null));
        }
        markReady(c);
        markDirty(c);
    }

    private void afterSenderCall(RsConnection c) {
        if (c.sender != null) {
            pump.drainEvents(c);
        }
        markReady(c);
        markDirty(c);
    }

    /** A content made progress (called on the core's thread). */
    private void wake(RsConnection c) {
        if (!c.closed) {
            markReady(c);
            markDirty(c);
        }
    }

    private void fail(RsConnection c) {
        pump.failAll(c);
        remove(c);
    }

    private void remove(RsConnection c) {
        pump.dropAll(c);
        c.closed = true;
        connections.remove(new Key(c.linkId, c.connectionKey));
    }

    // ---------------------------------------------------------------- datagrams

    /** A real server never reads client packets: the datagram is dropped and counted. */
    @Override
    public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
        counters.datagramsDropped++;
    }

    @Override
    public void drainTransmit(long now, DatagramSink out) {
        lastNow = now;
        sinkBlocked = false;
        for (int turns = ready.size(); turns > 0 && !ready.isEmpty(); turns--) {
            RsConnection c = ready.poll();
            c.queued = false;
            if (c.closed) {
                continue;
            }
            pump.pumpAll(c, now);
            markDirty(c);
            if (c.sealer != null) {
                instructed.send(c, now, out);
                instructed.announce(c);
            }
            if (c.sender == null) {
                continue;
            }
            int sent = send(c, now, out);
            pump.drainEvents(c);
            if (sinkBlocked) {
                c.queued = true;
                ready.addFirst(c);
                return;
            }
            if (sent == BURST) {
                markReady(c);
            }
        }
    }

    private int send(RsConnection c, long now, DatagramSink out) {
        InetSocketAddress to = c.sender.destination();
        int sent = 0;
        int len;
        while (sent < BURST && (len = c.sender.poll(datagram, now)) > 0) {
            sent++;
            counters.datagramsSent++;
            counters.bytesSent += len;
            if (!out.send(datagram, 0, len, to)) {
                sinkBlocked = true;
                break;
            }
        }
        return sent;
    }

    @Override
    public long nextDeadline() {
        for (RsConnection c : dirty) {
            c.dirty = false;
            long t = c.closed ? Long.MAX_VALUE : c.computeDeadline();
            if (t != c.timerAt) {
                c.timerAt = t;
                if (t != Long.MAX_VALUE) {
                    timers.add(new Timer(t, c));
                }
            }
        }
        dirty.clear();
        Timer top;
        while ((top = timers.peek()) != null && (top.conn.closed || top.conn.timerAt != top.at)) {
            timers.poll();
        }
        if (timers.size() > 2 * connections.size() + 64) {
            compactTimers();
        }
        long d = Math.min(top == null ? Long.MAX_VALUE : top.at, loadReportAt);
        return !ready.isEmpty() && !sinkBlocked ? Math.min(d, lastNow) : d;
    }

    private void compactTimers() {
        timers.clear();
        for (RsConnection c : connections.values()) {
            if (c.timerAt != Long.MAX_VALUE) {
                timers.add(new Timer(c.timerAt, c));
            }
        }
    }

    @Override
    public void onDeadline(long now) {
        lastNow = now;
        Timer t;
        while ((t = timers.peek()) != null && t.at - now <= 0) {
            timers.poll();
            RsConnection c = t.conn;
            if (c.closed || c.timerAt != t.at) {
                continue;
            }
            c.timerAt = Long.MAX_VALUE;
            if (c.sender != null && c.sender.nextTimeout() <= now) {
                c.sender.onTimeout(now);
                pump.drainEvents(c);
            }
            markReady(c);
            markDirty(c);
        }
        if (now >= loadReportAt) {
            sendLoadReports(now);
        }
    }

    private void sendLoadReports(long now) {
        long seconds = Math.max(1, config.loadReportInterval());
        long bps = (counters.bytesSent - bytesAtLastReport) * 1_000_000_000L / seconds;
        bytesAtLastReport = counters.bytesSent;
        double cpu = cpuLoad.getAsDouble();
        for (long link : links) {
            sink.send(link, new LoadReport(pump.openStreams(), connections.size(), Math.max(0, bps), cpu));
        }
        loadReportAt = now + config.loadReportInterval();
    }

    private void markReady(RsConnection c) {
        if (!c.queued && !c.closed) {
            c.queued = true;
            ready.add(c);
        }
    }

    private void markDirty(RsConnection c) {
        if (!c.dirty) {
            c.dirty = true;
            dirty.add(c);
        }
    }

    /** Closes the content source. */
    public void close() {
        for (RsConnection c : new ArrayList<>(connections.values())) {
            remove(c);
        }
        source.close();
    }
}
