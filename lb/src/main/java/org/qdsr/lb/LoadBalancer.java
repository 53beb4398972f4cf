package org.qdsr.lb;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.qdsr.control.channel.ControlChannel;
import org.qdsr.control.channel.ControlClient;
import org.qdsr.control.channel.ControlListener;
import org.qdsr.control.channel.ControlOptions;
import org.qdsr.control.channel.ControlTls;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.io.UdpCounters;
import org.qdsr.io.UdpEventLoop;
import org.qdsr.io.UdpOptions;
import org.qdsr.io.UdpRegistration;
import org.qdsr.lb.routing.Router;
import org.qdsr.quic.tls.ServerTlsContext;

/**
 * The load balancer process: one event-loop thread owns the {@link LoadBalancerCore} and the VIP
 * socket, and also runs the mutually authenticated control channel to each backend once its
 * handshake is done ({@link UdpEventLoop#registerChannel}): the backends' reports are read and handled
 * between datagrams, and the loop's messages are buffered during a turn and written after it,
 * one write per backend (no reader or writer threads on the hot path). Single host: the VIP socket is bound with SO_REUSEADDR so real servers can bind
 * the wildcard address on the same port and send from the VIP (DESIGN.md).
 */
public final class LoadBalancer implements AutoCloseable {
    /** A backend to connect to: its name, control address and weight. */
    public record BackendSpec(String name, InetSocketAddress control, int weight) {
        /** Parses {@code [NAME=]HOST:PORT[*WEIGHT]}; unnamed backends are called rs1, rs2, ... */
        public static BackendSpec parse(String spec, int index) {
            String name = "rs" + (index + 1);
            int eq = spec.indexOf('=');
            if (eq > 0) {
                name = spec.substring(0, eq);
                spec = spec.substring(eq + 1);
            }
            int weight = 1;
            int star = spec.lastIndexOf('*');
            if (star > 0) {
                weight = Integer.parseInt(spec.substring(star + 1));
                spec = spec.substring(0, star);
            }
            int colon = spec.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("backend must be [NAME=]HOST:PORT[*WEIGHT]: " + spec);
            }
            String host = spec.substring(0, colon).replace("[", "").replace("]", "");
            return new BackendSpec(name, new InetSocketAddress(host, Integer.parseInt(spec.substring(colon + 1))), weight);
        }
    }

    private static final System.Logger LOG = System.getLogger(LoadBalancer.class.getName());
    private static final long DRAIN_POLL_MILLIS = 20;
    private static final long LATE_REPORT_WAIT_NANOS = 500_000_000L;

    private final UdpEventLoop loop;
    private final LoadBalancerCore core;
    private final UdpRegistration vipSocket;
    private final ControlTls controlTls;
    private final String name;
    /** One per backend, indexed by backend id (retired ones stay, closed). */
    private final List<ControlClient> clients = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** What the end of a turn flushes: the clients of backends that are not retired and closed. */
    private volatile ControlClient[] flushing = new ControlClient[0];
    /** Loop thread: retired backends whose channel closes once they served their last stream. */
    private final List<Retiring> retiring = new ArrayList<>();

    /** A retired backend and when its channel closes even if it still serves streams. */
    private record Retiring(Backend backend, long deadline) {
    }

    /**
     * What a {@link #reconfigure} changed, by backend name; {@code readdressed}: the same name at a
     * new control address (the old channel is retired, a new one connects).
     */
    public record Reload(List<String> added, List<String> removed, List<String> reweighted, List<String> readdressed) {
        @Override
        public String toString() {
            return "added " + added + ", removed " + removed + ", weights changed " + reweighted
                    + (readdressed.isEmpty() ? "" : ", new address " + readdressed);
        }
    }

    private LoadBalancer(UdpEventLoop loop, LoadBalancerCore core, UdpRegistration vipSocket, ControlTls controlTls,
                         String name) {
        this.loop = loop;
        this.core = core;
        this.vipSocket = vipSocket;
        this.controlTls = controlTls;
        this.name = name;
    }

    public static LoadBalancer start(InetSocketAddress vip, ServerTlsContext tls, List<BackendSpec> backends,
                                     ControlTls controlTls, String name, LoadBalancerCore.Settings settings,
                                     Router router) throws IOException {
        return start(vip, tls, backends, controlTls, name, settings, router, null);
    }

    /**
     * As above, one of several LBs of the VIP when {@code peering} is given: connection IDs name
     * this LB, and datagrams of connections its peers hold go to them; forwarded datagrams arrive
     * on {@link Peering#forwardListen} (docs/operations.md, "Several load balancers for one VIP").
     */
    public static LoadBalancer start(InetSocketAddress vip, ServerTlsContext tls, List<BackendSpec> backends,
                                     ControlTls controlTls, String name, LoadBalancerCore.Settings settings,
                                     Router router, Peering peering) throws IOException {
        for (BackendSpec b : backends) {
            controlTls.checkAddress(b.control());
        }
        UdpEventLoop loop = UdpEventLoop.start("qdsr-lb-" + name);
        loop.coalesce(DEFAULT_COALESCE_MICROS * 1000L);
        try {
            LoadBalancerCore core = new LoadBalancerCore(settings, tls, router, new SecureRandom(), peering,
                    System::currentTimeMillis);
            UdpRegistration socket = loop.register(vip, core, UdpOptions.defaults().withReuseAddress(true));
            refuseSharedVip(socket.localAddress());
            if (peering != null) {
                listenForPeers(loop, core, peering);
            }
            loop.call(() -> {
                core.setServiceAddress(socket.localAddress());
                return null;
            });
            LoadBalancer lb = new LoadBalancer(loop, core, socket, controlTls, name);
            for (BackendSpec spec : backends) {
                lb.connect(spec);
            }
            // What a turn sent to each backend leaves in one write per backend (ControlChannel.flush).
            LbMetrics stats = core.stats();
            loop.afterTurn(() -> {
                stats.turns++;
                if (core.takeInstructedActivity()) {
                    loop.onDataPath(); // the client's ACKs clock the instructed senders: look at them at once
                }
                for (ControlClient c : lb.flushing) {
                    c.flush();
                }
                if (!lb.retiring.isEmpty()) {
                    lb.closeIdleRetired(System.nanoTime());
                }
            });
            return lb;
        } catch (IOException | RuntimeException e) {
            loop.close();
            throw e;
        }
    }

    /** Binds the forward socket (if any) and says at INFO which peers this LB forwards to. */
    private static void listenForPeers(UdpEventLoop loop, LoadBalancerCore core, Peering peering) throws IOException {
        InetSocketAddress bound = null;
        if (peering.forwardListen() != null && core.peerEndpoint() != null) {
            bound = loop.register(peering.forwardListen(), core.peerEndpoint(), UdpOptions.defaults())
                    .localAddress();
        }
        LOG.log(System.Logger.Level.INFO, "lb id {0}: connection IDs name this LB (QUIC-LB plaintext); peers {1};"
                + " forwarded datagrams received on {2}", peering.lbId(), peering.peers().isEmpty() ? "none"
                : peering.peers(), bound == null ? "none" : bound);
    }

    /**
     * SO_REUSEADDR lets a second LB bind the same VIP:port without an error, and then
     * Linux delivers the clients' datagrams to the socket bound last; this finds another socket on
     * the exact VIP:port in the kernel's socket table after our bind.
     * The wildcard is not checked (real servers on this host share it); where the table cannot
     * be read (not Linux) the LB starts as before.
     */
    private static void refuseSharedVip(InetSocketAddress bound) throws java.net.BindException {
        if (bound.getAddress().isAnyLocalAddress()) {
            return;
        }
        int others = ProcNetUdp.othersBoundTo(bound);
        if (others < 0) {
            LOG.log(System.Logger.Level.DEBUG, "cannot read /proc/net/udp: not checking for a second LB on {0}",
                    ProcNetUdp.format(bound));
        } else if (others > 0) {
            throw new java.net.BindException("another process is already bound to " + ProcNetUdp.format(bound)
                    + " (a second LB, or a real server on this host bound to the exact VIP?)");
        }
    }

    /**
     * The event loop's receive-coalescing window a load balancer starts with, in microseconds
     * ({@link UdpEventLoop#coalesce}): it only applies while the LB wakes more often than once per
     * window, and adds at most that much to a datagram's wait, against QUIC's 25 ms default
     * max_ack_delay and client RTTs of tens of milliseconds. It cut the isolated LB's CPU per GB by
     * about 30 % on the testbed (docs/benchmarks.md); proxied and instructed responses keep the loop
     * from pausing.
     */
    public static final int DEFAULT_COALESCE_MICROS = 2000;

    /**
     * Sets the event loop's receive-coalescing window ({@link UdpEventLoop#coalesce}); any thread,
     * takes effect at the loop's next wake-up.
     */
    public void setCoalescing(long windowNanos) {
        loop.coalesce(windowNanos);
    }

    /**
     * Serves new client connections with {@code next} (certificate and key, e.g. renewed);
     * connections already open keep theirs. Returns the context replaced, for the caller to close
     * once the handshakes still using it are over. Any thread but the loop's.
     */
    public ServerTlsContext replaceTls(ServerTlsContext next) throws IOException {
        return loop.call(() -> core.endpoint().replaceTls(next));
    }

    /** The event loop's receive-coalescing window in nanoseconds (0: off). */
    public long coalescing() {
        return loop.coalesceWindow();
    }

    /** Replaces the VIP's other LBs ({@link LoadBalancerCore#setPeers}); any thread but the loop's. */
    public void setPeers(Map<Integer, InetSocketAddress> peers) throws IOException {
        loop.call(() -> {
            core.setPeers(peers);
            return null;
        });
    }

    /** Adds the backend to the core and starts its control channel (any thread but the loop's). */
    private synchronized void connect(BackendSpec spec) throws IOException {
        Backend b = loop.call(() -> core.addBackend(spec.name(), spec.weight()));
        ControlClient client = ControlClient.connect(spec.control(), controlTls, name, ControlOptions.defaults(),
                listenerFor(b), loop);
        clients.add(client); // at index b.id(): backends are only added here, one at a time
        List<ControlClient> open = new ArrayList<>(List.of(flushing));
        open.add(client);
        flushing = open.toArray(new ControlClient[0]);
    }

    /**
     * Applies a reloaded configuration without dropping a connection: a backend no longer listed
     * is retired (no new requests; its control channel closes once it served its last stream, or
     * after {@code retireTimeout}), a new one connects, a changed weight applies at the next pick,
     * and {@code router} routes the requests that arrive from now on. A backend whose control
     * address changed is retired and added anew. Requests that a new rule sends only to a backend
     * that is still connecting get 503 until it is up.
     */
    public synchronized Reload reconfigure(List<BackendSpec> specs, Router router, Duration retireTimeout)
            throws IOException {
        for (BackendSpec b : specs) {
            controlTls.checkAddress(b.control());
        }
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> reweighted = new ArrayList<>();
        List<String> readdressed = new ArrayList<>();
        List<BackendSpec> toConnect = new ArrayList<>();
        loop.call(() -> {
            java.util.Map<String, Backend> live = new java.util.LinkedHashMap<>();
            for (Backend b : core.backends()) {
                if (!b.retired()) {
                    live.put(b.name(), b);
                }
            }
            long deadline = System.nanoTime() + retireTimeout.toNanos();
            for (BackendSpec spec : specs) {
                Backend b = live.remove(spec.name());
                if (b != null && clients.get(b.id()).address().equals(spec.control())) {
                    if (b.weight() != spec.weight()) {
                        core.setBackendWeight(b.id(), spec.weight());
                        reweighted.add(spec.name());
                    }
                    continue;
                }
                if (b != null) {
                    retire(b, deadline, "moved to " + spec.control() + " by a reload");
                    readdressed.add(spec.name());
                } else {
                    added.add(spec.name());
                }
                toConnect.add(spec);
            }
            for (Backend b : live.values()) {
                retire(b, deadline, "removed by a reload");
                removed.add(b.name());
            }
            core.setRouter(router);
            return null;
        });
        for (BackendSpec spec : toConnect) {
            connect(spec);
        }
        return new Reload(added, removed, reweighted, readdressed);
    }

    /** Loop thread. */
    private void retire(Backend b, long deadline, String why) {
        core.retireBackend(b.id());
        retiring.add(new Retiring(b, deadline));
        LOG.log(System.Logger.Level.INFO, "backend {0} {1}: no new requests on its old channel, {2} streams to finish",
                b.name(), why, b.outstanding());
    }

    /** Loop thread: closes the channels of retired backends that finished their streams (or ran out of time). */
    private void closeIdleRetired(long now) {
        for (var it = retiring.iterator(); it.hasNext();) {
            Retiring r = it.next();
            if (r.backend.outstanding() > 0 && now - r.deadline < 0) {
                continue;
            }
            it.remove();
            ControlClient client = clients.get(r.backend.id());
            flushing = java.util.Arrays.stream(flushing).filter(c -> c != client).toArray(ControlClient[]::new);
            client.flush();
            java.util.concurrent.CompletableFuture.runAsync(client::close); // not on the loop: close may wait
            LOG.log(System.Logger.Level.INFO, "backend {0} retired: control channel closed ({1} streams cut)",
                    r.backend.name(), r.backend.outstanding());
        }
    }

    /**
     * Control callbacks arrive on the loop (on the epoll path: on the channel's reader thread);
     * the core is touched only on the loop.
     */
    private ControlListener listenerFor(Backend b) {
        return new ControlListener() {
            @Override
            public void onOpen(ControlChannel ch) {
                loop.runOnLoop(() -> {
                    core.backendUp(b.id(), ch::send);
                    // logged once the loop took it: from here on, requests are routed to it
                    LOG.log(System.Logger.Level.INFO, "backend {0} up ({1})", b.name(), ch.peerIdentity());
                });
            }

            @Override
            public void onMessage(ControlChannel ch, ControlMessage m) {
                loop.runOnLoop(() -> core.onBackendMessage(b.id(), m, System.nanoTime()));
            }

            @Override
            public void onClose(ControlChannel ch, Throwable cause) {
                loop.runOnLoop(() -> core.backendDown(b.id(), System.nanoTime()));
                LOG.log(System.Logger.Level.INFO, "backend {0} down{1}", b.name(),
                        cause == null ? "" : ": " + cause.getMessage());
            }
        };
    }

    /**
     * Logs one entry per request stream of the connections accepted from now on ({@link LbAccessLog});
     * call before clients connect. {@link #close} writes the entries still waiting for a report.
     */
    public void setAccessLog(LbAccessLog log) throws IOException {
        loop.call(() -> {
            core.setAccessLog(log);
            return null;
        });
    }

    public InetSocketAddress address() {
        return vipSocket.localAddress();
    }

    /** Backend names that are healthy now. */
    public List<String> healthyBackends() throws IOException {
        return loop.call(() -> core.backends().stream().filter(b -> b.healthy() && !b.retired()).map(Backend::name)
                .toList());
    }

    public LbMetrics metrics() throws IOException {
        return loop.call(() -> {
            LbMetrics copy = core.stats().copy();
            copy.activeConnections = core.connectionCount();
            copy.retriesSent = core.endpoint().retriesSent();
            copy.connectionsRefused = core.endpoint().connectionsRefused();
            copy.connectionsOverLimit = core.endpoint().connectionsOverLimit();
            copy.connectionsOverClientLimit = core.endpoint().connectionsOverClientLimit();
            copy.statelessResets = core.endpoint().statelessResetsSent();
            copy.handshakesInProgress = core.endpoint().handshakesInProgress();
            copy.backends = core.backends().stream().filter(b -> !b.retired()).map(b -> new LbMetrics.BackendState(b.name(), b.healthy(),
                    b.draining(), b.outstanding(), b.handoffs(), b.bytesReported(), b.vipMismatch(), b.ejected()))
                    .toList();
            return copy;
        });
    }

    /** Sending-side counts of each backend's control channel, in backend order. */
    public List<org.qdsr.control.channel.WriteStats> controlWriteStats() {
        return clients.stream().map(ControlClient::writeStats).toList();
    }

    public UdpCounters counters() {
        return loop.counters();
    }

    public UdpEventLoop loop() {
        return loop;
    }

    /**
     * Graceful stop (RFC 9114 §5.2): no new connections, GOAWAY on every connection, the requests
     * already received are answered (real servers finish their handed-off streams), each
     * connection closes with H3_NO_ERROR when it has nothing in flight; after {@code timeout} the
     * rest are closed at once. The loop and control channels stay up (reports of the last streams
     * still count) until {@link #close}. Returns true if every connection finished in time.
     */
    public boolean drain(Duration timeout) throws IOException, InterruptedException {
        int open = loop.call(() -> {
            core.shutdown(System.nanoTime());
            return core.openConnections();
        });
        LOG.log(System.Logger.Level.INFO, "shutting down: GOAWAY sent on {0} connections, waiting up to {1} ms",
                open, timeout.toMillis());
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean drained = false;
        while (!(drained = loop.call(core::drained)) && System.nanoTime() < deadline) {
            Thread.sleep(DRAIN_POLL_MILLIS);
        }
        if (!drained) {
            int left = loop.call(() -> {
                int n = core.openConnections();
                core.closeAll(System.nanoTime());
                return n;
            });
            LOG.log(System.Logger.Level.WARNING, "shutdown: {0} connections still had requests in flight after {1} ms;"
                    + " closed them", left, timeout.toMillis());
        }
        loop.call(() -> null); // the turn that closed the last connections (and sent their CONNECTION_CLOSE) is over
        return drained;
    }

    /** Gives the real servers' reports on streams of the last closed connections a moment to arrive (access log). */
    private void awaitLateReports() {
        long deadline = System.nanoTime() + LATE_REPORT_WAIT_NANOS;
        try {
            while (loop.call(core::accessLogWaiting) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(DRAIN_POLL_MILLIS / 2);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "waiting for the last reports", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            loop.call(() -> {
                core.closeAll(System.nanoTime()); // CONNECTION_CLOSE leaves in this turn's drain
                return null;
            });
            loop.call(() -> null); // the turn above (with its drain) is over
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing connections before stopping the loop", e);
        }
        awaitLateReports();
        for (ControlClient c : clients) {
            c.close();
        }
        try {
            loop.call(() -> {
                core.flushAccessLog(); // reports that did not come before the channels closed never will
                return null;
            });
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "writing the last access log entries", e);
        }
        loop.close();
    }
}
