package org.qdsr.testbed.link;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A user-space UDP link emulator (for kernels without netem). It listens on {@code listen} (the
 * address the client uses as "the server"), sends each client datagram to {@code target} from an
 * upstream socket owned by that client's source address, and relays whatever arrives at that
 * upstream socket (from the LB or, with DSR, from real servers: any source) back to the client
 * from the listen socket. Client to target is the "up" direction, the reverse is "down"; each is a
 * {@link LinkModel}, shared by all clients (one physical link). Idle mappings (no datagram either
 * way for 30 s) are closed. One thread, one {@link Selector}, {@link System#nanoTime()}.
 */
public final class LinkEmulator implements AutoCloseable {
    /** Mappings with no traffic for this long are closed. */
    public static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int MAX_DATAGRAM = 65_535;
    private static final int SOCKET_BUFFER = 4 << 20;
    private static final int READS_PER_WAKEUP = 256;

    /**
     * @param seed seeds the loss decisions (up uses a generator split from down's), so runs with
     *             the same seed and the same arrival order drop the same datagrams
     */
    public record Config(InetSocketAddress listen, InetSocketAddress target, LinkSpec up, LinkSpec down, long seed) {
    }

    /** Counters of both directions; {@code mappings*} count client source addresses. */
    public record Stats(LinkStats up, LinkStats down, long mappingsCreated, int mappingsOpen) {
        /** One JSON object on one line. */
        public String toJson() {
            return String.format(Locale.ROOT, "{\"up\":%s,\"down\":%s,\"mappings_created\":%d,\"mappings_open\":%d}",
                    up.toJson(), down.toJson(), mappingsCreated, mappingsOpen);
        }
    }

    private record UpPacket(Mapping mapping, byte[] data) {
    }

    private record DownPacket(InetSocketAddress client, byte[] data) {
    }

    private static final class Mapping {
        final InetSocketAddress client;
        final DatagramChannel channel;
        long lastActive;

        Mapping(InetSocketAddress client, DatagramChannel channel, long now) {
            this.client = client;
            this.channel = channel;
            this.lastActive = now;
        }
    }

    private final Config config;
    private final Selector selector;
    private final DatagramChannel listen;
    private final LinkModel<UpPacket> up;
    private final LinkModel<DownPacket> down;
    private final Map<InetSocketAddress, Mapping> mappings = new HashMap<>();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long upSendErrors;
    private long downSendErrors;
    private long mappingsCreated;
    private long nextSweep;

    private LinkEmulator(Config config) throws IOException {
        this.config = config;
        this.selector = Selector.open();
        this.listen = openChannel(config.listen());
        listen.register(selector, SelectionKey.OP_READ, null);
        long origin = System.nanoTime();
        SplittableRandom downRandom = new SplittableRandom(config.seed());
        this.up = config.up().model(origin, downRandom.split());
        this.down = config.down().model(origin, downRandom);
        this.nextSweep = origin + TimeUnit.SECONDS.toNanos(1);
        this.thread = new Thread(this::loop, "link-emulator");
        thread.setDaemon(true);
    }

    /** Binds the listen socket and starts relaying. */
    public static LinkEmulator start(Config config) throws IOException {
        LinkEmulator e = new LinkEmulator(config);
        e.thread.start();
        return e;
    }

    private static DatagramChannel openChannel(InetSocketAddress bind) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
            ch.bind(bind);
            ch.configureBlocking(false);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The bound listen address (the port is real when {@code listen} asked for port 0). */
    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) listen.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** False once closed or after the relay thread failed. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** A consistent snapshot of the counters (taken on the relay thread while it runs). */
    public Stats stats() {
        if (!thread.isAlive()) {
            return snapshot();
        }
        CompletableFuture<Stats> f = new CompletableFuture<>();
        tasks.add(() -> f.complete(snapshot()));
        selector.wakeup();
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return snapshot();
        } catch (ExecutionException | TimeoutException e) {
            return snapshot(); // the thread ended meanwhile
        }
    }

    private Stats snapshot() {
        return new Stats(up.stats().withSendErrors(upSendErrors), down.stats().withSendErrors(downSendErrors),
                mappingsCreated, mappings.size());
    }

    /** Stops relaying (datagrams still in flight are discarded) and closes every socket. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try {
            while (running) {
                long now = System.nanoTime();
                deliver(now);
                sweep(now);
                long next = Math.min(Math.min(up.nextDeliveryTime(), down.nextDeliveryTime()), nextSweep);
                long waitMillis = TimeUnit.NANOSECONDS.toMillis(next - now + 999_999);
                if (waitMillis <= 0) {
                    selector.selectNow();
                } else {
                    selector.select(waitMillis);
                }
                readAll(System.nanoTime());
                for (Runnable t = tasks.poll(); t != null; t = tasks.poll()) {
                    t.run();
                }
            }
        } catch (IOException e) {
            System.err.println("link emulator stopped: " + e);
        } finally {
            closeAll();
        }
    }

    private void readAll(long now) throws IOException {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            if (!key.isValid()) {
                continue;
            }
            Mapping m = (Mapping) key.attachment();
            for (int i = 0; i < READS_PER_WAKEUP; i++) {
                boolean got = m == null ? readFromClient(now) : readFromUpstream(m, now);
                if (!got) {
                    break;
                }
            }
        }
    }

    private boolean readFromClient(long now) throws IOException {
        buffer.clear();
        SocketAddress from = listen.receive(buffer);
        if (from == null) {
            return false;
        }
        Mapping m = mapping((InetSocketAddress) from, now);
        if (m != null) {
            m.lastActive = now;
            up.offer(new UpPacket(m, copy()), buffer.position(), now);
        }
        return true;
    }

    private boolean readFromUpstream(Mapping m, long now) throws IOException {
        buffer.clear();
        if (m.channel.receive(buffer) == null) {
            return false;
        }
        m.lastActive = now;
        down.offer(new DownPacket(m.client, copy()), buffer.position(), now);
        return true;
    }

    private byte[] copy() {
        byte[] data = new byte[buffer.position()];
        buffer.flip();
        buffer.get(data);
        return data;
    }

    private Mapping mapping(InetSocketAddress client, long now) {
        Mapping m = mappings.get(client);
        if (m != null) {
            return m;
        }
        try {
            DatagramChannel ch = openChannel(new InetSocketAddress(config.target().getAddress() instanceof
                    java.net.Inet6Address ? "::" : "0.0.0.0", 0));
            m = new Mapping(client, ch, now);
            ch.register(selector, SelectionKey.OP_READ, m);
            mappings.put(client, m);
            mappingsCreated++;
            return m;
        } catch (IOException e) {
            System.err.println("link emulator: no upstream socket for " + client + ": " + e);
            return null;
        }
    }

    private void deliver(long now) {
        for (UpPacket p = up.poll(now); p != null; p = up.poll(now)) {
            if (!send(p.mapping().channel, p.data(), config.target())) {
                upSendErrors++;
            }
        }
        for (DownPacket p = down.poll(now); p != null; p = down.poll(now)) {
            if (!send(listen, p.data(), p.client())) {
                downSendErrors++;
            }
        }
    }

    private static boolean send(DatagramChannel ch, byte[] data, InetSocketAddress to) {
        try {
            return ch.send(ByteBuffer.wrap(data), to) == data.length;
        } catch (IOException e) {
            return false; // closed mapping, ICMP-refused destination, full buffer: the link lost it
        }
    }

    private void sweep(long now) {
        if (now - nextSweep < 0) {
            return;
        }
        nextSweep = now + TimeUnit.SECONDS.toNanos(1);
        Iterator<Mapping> it = mappings.values().iterator();
        while (it.hasNext()) {
            Mapping m = it.next();
            if (now - m.lastActive > IDLE_NANOS) {
                it.remove();
                closeQuietly(m.channel);
            }
        }
    }

    private void closeAll() {
        mappings.values().forEach(m -> closeQuietly(m.channel));
        closeQuietly(listen);
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    private static void closeQuietly(DatagramChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
