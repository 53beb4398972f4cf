package org.qdsr.rs;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.qdsr.control.channel.ControlChannel;
import org.qdsr.control.channel.ControlListener;
import org.qdsr.control.channel.ControlOptions;
import org.qdsr.control.channel.ControlServer;
import org.qdsr.control.channel.ControlTls;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.io.UdpEventLoop;
import org.qdsr.io.UdpOptions;
import org.qdsr.io.UdpRegistration;
import org.qdsr.rs.content.ContentSource;

/**
 * The running real server: one {@link UdpEventLoop} thread drives a {@link RealServerCore}
 * through a SEND_ONLY socket on the VIP's port, and a {@link ControlServer} accepts LB links.
 * Once open, each LB link's channel is read on the loop too ({@link UdpEventLoop#registerChannel}):
 * its messages reach the core between datagrams, with no reader thread; the core's outgoing
 * messages are buffered per link and written after each turn.
 *
 * <p>Binding (DESIGN.md "Single-host and multi-host DSR"): {@link Bind#WILDCARD} binds
 * {@code 0.0.0.0:VIPPORT} ({@code [::]:VIPPORT} for an IPv6 VIP) with SO_REUSEADDR (the LB holds the exact VIP on the same host);
 * {@link Bind#EXACT} binds {@code VIP:PORT} (the VIP is configured on this host's loopback with ARP
 * suppressed); {@link Bind#AUTO} picks EXACT when the VIP is a local, non-loopback address.
 */
public final class RealServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RealServer.class.getName());
    /** A drain ends once no stream was in progress for this long. */
    static final long QUIET_MILLIS = 250;
    private static final long DRAIN_POLL_MILLIS = 20;

    /** How the send socket is bound. */
    public enum Bind { AUTO, WILDCARD, EXACT }

    private final UdpEventLoop loop;
    private final RealServerCore core;
    private final UdpRegistration socket;
    private final ControlServer control;

    private RealServer(UdpEventLoop loop, RealServerCore core, UdpRegistration socket, ControlServer control) {
        this.loop = loop;
        this.core = core;
        this.socket = socket;
        this.control = control;
    }

    /**
     * Starts the loop, binds the send socket, then listens for LBs on {@code controlAddress}.
     * {@code sources} builds the content source given the loop's executor (for async sources).
     */
    public static RealServer start(InetSocketAddress controlAddress, InetSocketAddress vip, Bind bind,
            ControlTls tls, String name, Function<Executor, ContentSource> sources, RealServerCore.Config config)
            throws IOException {
        UdpEventLoop loop = UdpEventLoop.start("qdsr-rs-" + name);
        try {
            Links links = new Links(loop);
            loop.afterTurn(links::flush);
            ContentSource source = sources.apply(loop);
            RealServerCore core = new RealServerCore(source, links::send, config, cpuLoad());
            core.setSendAddress(vip);
            links.core = core;
            UdpRegistration socket = loop.register(bindAddress(vip, bind), core, UdpOptions.sendOnly());
            ControlServer control;
            try {
                control = ControlServer.start(controlAddress, tls, name, ControlOptions.defaults(), links::accept, loop);
            } catch (java.net.BindException e) {
                // name the socket: the VIP's UDP port was bound just before
                throw new java.net.BindException("control " + controlAddress.getHostString() + ":"
                        + controlAddress.getPort() + ": " + e.getMessage());
            }
            return new RealServer(loop, core, socket, control);
        } catch (IOException | RuntimeException e) {
            loop.close();
            throw e;
        }
    }

    /**
     * LB links: the core's message sink and the control server's acceptor (events hop onto the
     * loop). The loop's sends are buffered per channel and written after each turn ({@link #flush}).
     */
    private static final class Links {
        final Map<Long, ControlChannel> channels = new ConcurrentHashMap<>();
        final AtomicLong nextLink = new AtomicLong(1);
        final UdpEventLoop loop;
        volatile ControlChannel[] flushing = new ControlChannel[0];
        volatile RealServerCore core;

        Links(UdpEventLoop loop) {
            this.loop = loop;
        }

        /** After each loop turn: one write per LB link for what the turn sent. */
        void flush() {
            for (ControlChannel ch : flushing) {
                ch.flush();
            }
        }

        private synchronized void track() {
            flushing = channels.values().toArray(new ControlChannel[0]);
        }

        void send(long linkId, ControlMessage m) {
            ControlChannel ch = channels.get(linkId);
            if (ch != null) {
                ch.send(m);
            }
        }

        ControlListener accept(ControlChannel channel) {
            long link = nextLink.getAndIncrement();
            return new ControlListener() {
                @Override
                public void onOpen(ControlChannel ch) {
                    channels.put(link, ch);
                    track();
                    onLoop(() -> core.onLinkOpened(link, System.nanoTime()));
                }

                @Override
                public void onMessage(ControlChannel ch, ControlMessage m) {
                    onLoop(() -> core.onMessage(link, m, System.nanoTime()));
                }

                @Override
                public void onClose(ControlChannel ch, Throwable cause) {
                    channels.remove(link);
                    track();
                    onLoop(() -> core.onLinkClosed(link));
                }
            };
        }

        /** Runs on the loop: now when called there (an open channel's reads), else queued (handshake thread). */
        private void onLoop(Runnable r) {
            if (!loop.runOnLoop(r)) {
                LOG.log(System.Logger.Level.DEBUG, "rs: loop closed, control event dropped");
            }
        }
    }

    /** The address the send socket binds for {@code vip}. */
    public static InetSocketAddress bindAddress(InetSocketAddress vip, Bind bind) {
        boolean exact = switch (bind) {
            case EXACT -> true;
            case WILDCARD -> false;
            case AUTO -> isLocalNonLoopback(vip.getAddress());
        };
        if (exact) {
            return vip;
        }
        // the wildcard of the VIP's family: an IPv4 socket (0.0.0.0) cannot send to an IPv6 client
        return new InetSocketAddress(vip.getAddress() instanceof java.net.Inet6Address ? IPV6_ANY : IPV4_ANY,
                vip.getPort());
    }

    private static final InetAddress IPV4_ANY = wildcard(new byte[4]);
    private static final InetAddress IPV6_ANY = wildcard(new byte[16]);

    private static InetAddress wildcard(byte[] zeros) {
        try {
            return InetAddress.getByAddress(zeros);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e); // only for a wrong length
        }
    }

    private static boolean isLocalNonLoopback(InetAddress a) {
        if (a == null || a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            return false;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private static DoubleSupplier cpuLoad() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os::getProcessCpuLoad;
        }
        return () -> -1;
    }

    public InetSocketAddress controlAddress() {
        return control.localAddress();
    }

    /** The bound send socket (its port is the VIP's). */
    public InetSocketAddress sendAddress() {
        return socket.localAddress();
    }

    public RsCounters counters() {
        return core.counters();
    }

    public UdpEventLoop loop() {
        return loop;
    }

    /** Logs every response this server ends from now on (see {@link AccessLog}). */
    public void setAccessLog(AccessLog log) throws IOException {
        loop.call(() -> {
            core.setAccessLog(log);
            return null;
        });
    }

    /** Client connections with state here now (runs on the loop; direct when called from it). */
    public int connectionCount() throws IOException {
        return loop.call(core::connectionCount);
    }

    /** Response streams in progress now (runs on the loop; direct when called from it). */
    public int streamCount() throws IOException {
        return loop.call(core::streamCount);
    }

    /**
     * Graceful stop: tells every LB it is draining (no new requests come), then waits up to
     * {@code timeout} until no stream has been in progress for {@value #QUIET_MILLIS} ms (a handoff
     * the LB sent before it read {@code Draining} still arrives and is served). The LB links stay
     * up meanwhile: the LB forwards the clients' ACKs for these streams. Call {@link #close} after.
     * Returns true if every stream finished in time.
     */
    public boolean drain(Duration timeout) throws IOException, InterruptedException {
        int open = loop.call(() -> {
            core.startDraining(timeout.toMillis());
            return core.streamCount();
        });
        LOG.log(System.Logger.Level.INFO, "rs: draining, {0} streams in progress, waiting up to {1} ms", open,
                timeout.toMillis());
        long deadline = System.nanoTime() + timeout.toNanos();
        long quietSince = -1;
        while (System.nanoTime() < deadline) {
            long now = System.nanoTime();
            if (loop.call(core::streamCount) > 0) {
                quietSince = -1;
            } else if (quietSince < 0) {
                quietSince = now;
            } else if (now - quietSince >= QUIET_MILLIS * 1_000_000L) {
                return true;
            }
            Thread.sleep(DRAIN_POLL_MILLIS);
        }
        int left = loop.call(core::streamCount);
        if (left > 0) {
            LOG.log(System.Logger.Level.WARNING, "rs: {0} streams still in progress after {1} ms; stopping anyway",
                    left, timeout.toMillis());
        }
        return left == 0;
    }

    /** Stops accepting LBs, closes links, drops all state and stops the loop. */
    @Override
    public void close() {
        control.close();
        try {
            loop.call(() -> {
                core.close();
                return null;
            });
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "rs: closing core", e);
        }
        loop.close();
    }
}
