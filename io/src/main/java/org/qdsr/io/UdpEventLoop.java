package org.qdsr.io;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.qdsr.quic.DatagramEndpoint;

/**
 * The real UDP event loop: one thread, one {@link Selector}, any number of non-blocking
 * {@link DatagramChannel}s, each attached to a {@link DatagramEndpoint}. Each turn it waits until
 * a socket is readable or writable, a task is queued, or the earliest endpoint deadline; reads
 * datagrams in batches (one reused 64 KiB direct buffer, copied to a heap array); runs queued tasks; fires due deadlines;
 * then drains every sending endpoint into its socket (with {@link #coalesce}, a busy loop first
 * pauses so that one turn serves a window's datagrams). Other non-blocking channels (the control
 * connections' TCP sockets) may join the same selector ({@link #registerChannel}).
 *
 * <p>Endpoints are only ever called on the loop thread. Other threads talk to them through
 * {@link #execute}, {@link #submit} or {@link #call}. An exception thrown by an endpoint is logged
 * and counted; the loop goes on.
 */
public final class UdpEventLoop implements Executor, AutoCloseable {
    private static final Logger LOG = System.getLogger(UdpEventLoop.class.getName());
    /** Longest wait for I/O when no deadline is pending. */
    private static final long IDLE_WAIT = 1_000_000_000L;
    private static final long MILLI = 1_000_000L;
    private static final int LOUD_LOG_LIMIT = 20;
    private static final int OVERDUE_WARN_TURNS = 1_000_000;

    private final String name;
    private final Selector selector;
    private final EpollDriver epoll;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** A wake-up for queued tasks is on its way (NIO path): later tasks of the burst need none. */
    private final java.util.concurrent.atomic.AtomicBoolean wakePending = new java.util.concurrent.atomic.AtomicBoolean();
    private final UdpCounters counters = new UdpCounters();
    private final byte[] rxArray = new byte[65536];
    /**
     * Direct: the JDK receives a heap buffer through a per-thread temporary direct buffer (taken
     * and returned on every call); receiving here and copying the datagram out is cheaper.
     */
    private final ByteBuffer rxBuffer = ByteBuffer.allocateDirect(rxArray.length);
    private final List<UdpRegistration> registrations = new ArrayList<>();
    /** Distinct endpoints with their registration count, in registration order. */
    private final Map<DatagramEndpoint, int[]> endpointRefs = new IdentityHashMap<>();
    private final List<DatagramEndpoint> endpoints = new ArrayList<>();
    private final Map<DatagramEndpoint, UdpRegistration> senders = new IdentityHashMap<>();
    /** Keys of other channels (see {@link #registerChannel}); only used to tell them when the loop ends. */
    private final List<SelectionKey> channelKeys = new ArrayList<>();
    /** Created once: a bound method reference passed per select would be a new object every turn. */
    private final java.util.function.Consumer<SelectionKey> onReady = this::onReady;
    private volatile Runnable[] afterTurn = new Runnable[0];
    private volatile boolean closing;
    private volatile boolean terminated;
    private long failuresLogged;
    private long overdueTurns;
    private final TurnCoalescing coalescing = new TurnCoalescing();
    /** Set by {@link #wakeup()}: a coalescing pause ends early (cleared by each pause and blocking wait). */
    private volatile boolean wakeRequested;

    private UdpEventLoop(String name) throws IOException {
        this.name = name;
        this.selector = Selector.open();
        this.epoll = null;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    private UdpEventLoop(String name, boolean epollPath) {
        this.name = name;
        this.selector = null;
        this.epoll = new EpollDriver(this, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        this.thread = epoll.start();
    }

    /**
     * Starts the loop thread (a daemon) named {@code name}: a {@link Selector} over
     * {@link DatagramChannel}s, or with {@code -Dqdsr.io.transport=epoll} on Linux (when Netty's
     * native epoll transport loads) an epoll loop with GSO/GRO ({@link EpollDriver}).
     */
    public static UdpEventLoop start(String name) throws IOException {
        if (EpollDriver.usable()) {
            return new UdpEventLoop(name, true);
        }
        UdpEventLoop loop = new UdpEventLoop(name);
        loop.thread.start();
        return loop;
    }

    /**
     * Sets the receive-coalescing window in nanoseconds ({@link TurnCoalescing}, like a NIC's
     * {@code rx-usecs}): while the loop wakes more often than once per window, it pauses until a
     * window after its last wake-up and then serves every ready socket in one turn, trading at most
     * one window of added wait for fewer wake-ups and fewer writes per datagram. 0 (the default)
     * turns it off. Any thread, any time; the epoll transport does not coalesce (a warning says so).
     */
    public void coalesce(long windowNanos) {
        coalescing.window(windowNanos);
        if (epoll != null && windowNanos > 0) {
            LOG.log(Level.WARNING, "{0}: receive coalescing is not available on the epoll transport; ignored", name);
        }
    }

    /**
     * Loop thread: the endpoint just did data-path work that is not datagrams of this loop (a load
     * balancer instructing a real server's sending): for a window the loop does not coalesce, as
     * if it had sent a burst ({@link TurnCoalescing#SENDING}).
     */
    public void onDataPath() {
        coalescing.onDataPath();
    }

    /** The receive-coalescing window in nanoseconds (0: off). */
    public long coalesceWindow() {
        return coalescing.window();
    }

    /** True when this loop runs on the native epoll path (GSO/GRO capable). */
    public boolean isEpoll() {
        return epoll != null;
    }

    public String name() {
        return name;
    }

    public UdpCounters counters() {
        return counters;
    }

    /** True when called on the loop thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** The loop thread (e.g. for a channel that batches what this thread sends until the turn ends). */
    public Thread thread() {
        return thread;
    }

    /** True when {@link #registerChannel} works here: the portable Selector loop, not the epoll path. */
    public boolean drivesChannels() {
        return epoll == null;
    }

    /**
     * Registers a non-blocking channel (for example a TCP socket) with this loop's selector, on
     * the loop thread: {@code handler} runs on the loop whenever the channel is ready for the
     * interest ops, which the caller changes and cancels through the returned key (on the loop
     * thread). Only the Selector loop supports this ({@link #drivesChannels()}).
     */
    public SelectionKey registerChannel(SelectableChannel channel, int ops, ChannelHandler handler)
            throws IOException {
        Objects.requireNonNull(handler);
        if (!inLoop()) {
            throw new IllegalStateException("registerChannel must be called on " + name);
        }
        if (epoll != null) {
            throw new UnsupportedOperationException(name + " runs on epoll: it cannot drive other channels");
        }
        if (closing) {
            throw new RejectedExecutionException(name + " is closed");
        }
        SelectionKey key = channel.register(selector, ops, handler);
        channelKeys.removeIf(k -> !k.isValid());
        channelKeys.add(key);
        return key;
    }

    byte[] receiveArray() {
        return rxArray;
    }

    // ---- cross-thread API --------------------------------------------------------------------------

    /** Queues {@code task} to run on the loop thread and wakes the loop. */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task);
        if (closing) {
            throw new RejectedExecutionException(name + " is closed");
        }
        tasks.add(task);
        if (terminated && tasks.remove(task)) {
            throw new RejectedExecutionException(name + " is closed");
        }
        if (epoll != null) {
            epoll.wake(); // also from the loop thread: the task needs a turn to run in
        } else if (!inLoop() && wakePending.compareAndSet(false, true)) {
            wakeup(); // one wake-up per burst: the loop clears the flag before it takes the tasks
        }
    }

    /**
     * Runs {@code task} now when called on the loop thread (a channel the loop drives), else
     * queues it like {@link #execute}; false (task dropped) once the loop is closed.
     */
    public boolean runOnLoop(Runnable task) {
        if (inLoop()) {
            task.run();
            return true;
        }
        try {
            execute(task);
            return true;
        } catch (RejectedExecutionException closed) {
            return false;
        }
    }

    /** Runs {@code task} on the loop thread; the future completes with its result or exception. */
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        execute(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** Runs {@code task} on the loop and waits for it (directly, when already on the loop thread). */
    public <T> T call(Callable<T> task) throws IOException {
        try {
            if (inLoop()) {
                return task.call();
            }
            return submit(task).get();
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + name, e);
        } catch (Exception e) {
            throw rethrow(e);
        }
    }

    /**
     * Adds {@code hook} to run on the loop thread at the end of every turn, after the endpoints
     * drained (e.g. flushing what the turn buffered for other sockets). Hooks must not block.
     */
    public synchronized void afterTurn(Runnable hook) {
        Runnable[] hooks = java.util.Arrays.copyOf(afterTurn, afterTurn.length + 1);
        hooks[hooks.length - 1] = Objects.requireNonNull(hook);
        afterTurn = hooks;
    }

    /** Makes the loop re-check deadlines and drain endpoints soon (e.g. after state changed elsewhere). */
    public void wakeup() {
        if (epoll != null) {
            epoll.wake();
            return;
        }
        wakeRequested = true; // ends a coalescing pause
        selector.wakeup();
        LockSupport.unpark(thread);
    }

    /**
     * Opens a UDP socket bound to {@code bind} (port 0 picks a free one) and attaches it to
     * {@code endpoint}. The socket is opened and bound on the calling thread, so bind errors are
     * thrown here. An endpoint may have several registrations but at most one that sends.
     */
    public UdpRegistration register(InetSocketAddress bind, DatagramEndpoint endpoint, UdpOptions options)
            throws IOException {
        Objects.requireNonNull(endpoint);
        if (epoll != null) {
            if (closing) {
                throw new RejectedExecutionException(name + " is closed");
            }
            UdpRegistration reg = new UdpRegistration(this, epoll, bind, endpoint, options);
            try {
                return call(() -> attach(reg));
            } catch (IOException | RuntimeException e) {
                reg.closeChannel();
                throw e;
            }
        }
        DatagramChannel ch = openAndBind(bind, options);
        try {
            UdpRegistration reg = new UdpRegistration(this, ch, endpoint, options);
            return call(() -> attach(reg));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** True once {@link #close} was called: nothing new can run on this loop. */
    public boolean isClosed() {
        return closing;
    }

    /** Stops the loop, closes every socket and the selector, and joins the thread (unless called on it). */
    @Override
    public void close() {
        closing = true;
        wakeup();
        if (!inLoop()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.log(Level.WARNING, "{0}: loop thread did not stop within 10 s", name);
            }
        }
    }

    // ---- registration (loop thread) -------------------------------------------------------------------

    private DatagramChannel openAndBind(InetSocketAddress bind, UdpOptions o) throws IOException {
        ProtocolFamily family = bind.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        DatagramChannel ch = DatagramChannel.open(family);
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, o.reuseAddress());
            requestBuffer(ch, StandardSocketOptions.SO_RCVBUF, o.receiveBufferBytes(), bind);
            requestBuffer(ch, StandardSocketOptions.SO_SNDBUF, o.sendBufferBytes(), bind);
            ch.bind(bind);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private void requestBuffer(DatagramChannel ch, java.net.SocketOption<Integer> option, int bytes,
                               InetSocketAddress bind) throws IOException {
        if (bytes > 0) {
            ch.setOption(option, bytes);
            int granted = ch.getOption(option);
            if (granted < bytes) {
                LOG.log(Level.INFO, "{0}: {1} for {2}: requested {3} bytes, granted {4} (raise net.core.*mem_max)",
                        name, option.name(), bind, bytes, granted);
            }
        }
    }

    private UdpRegistration attach(UdpRegistration reg) throws IOException {
        if (closing) {
            throw new IllegalStateException(name + " is closed");
        }
        DatagramEndpoint ep = reg.endpoint();
        if (reg.options().mode().sends() && senders.containsKey(ep)) {
            throw new IllegalArgumentException("endpoint already sends through " + senders.get(ep)
                    + "; register further sockets with Mode.RECEIVE_ONLY");
        }
        if (epoll == null) {
            int ops = reg.options().mode().receives() ? SelectionKey.OP_READ : 0;
            reg.key(reg.channel().register(selector, ops, reg));
        }
        registrations.add(reg);
        if (reg.options().mode().sends()) {
            senders.put(ep, reg);
        }
        if (endpointRefs.computeIfAbsent(ep, k -> new int[1])[0]++ == 0) {
            endpoints.add(ep);
        }
        reg.startReading();
        return reg;
    }

    void unregister(UdpRegistration reg) {
        try {
            call(() -> {
                detach(reg);
                return null;
            });
        } catch (IOException | IllegalStateException | RejectedExecutionException e) {
            closeQuietly(reg);
        }
    }

    private void detach(UdpRegistration reg) {
        if (!registrations.remove(reg)) {
            return;
        }
        DatagramEndpoint ep = reg.endpoint();
        senders.remove(ep, reg);
        int[] refs = endpointRefs.get(ep);
        if (--refs[0] == 0) {
            endpointRefs.remove(ep);
            endpoints.remove(ep);
        }
        closeQuietly(reg);
        releaseClosedChannels();
    }

    /**
     * A channel closed while registered keeps its port until the selector deregisters its key,
     * at the selector's next operation: do that now, so that {@link UdpRegistration#close()}
     * returns with the port free for a new socket. The selector is level-triggered, so what is
     * ready on the other channels is reported again at the loop's own select.
     */
    private void releaseClosedChannels() {
        if (selector == null) {
            return;
        }
        try {
            selector.selectNow(key -> { });
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "releasing closed channels", e);
        }
    }

    private static void closeQuietly(UdpRegistration reg) {
        try {
            reg.closeChannel();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing " + reg, e);
        }
    }

    // ---- the loop -----------------------------------------------------------------------------------

    private void run() {
        try {
            while (!closing) {
                waitForEvents();
                counters.add(UdpCounters.TURNS, 1);
                runTasks();
                long now = System.nanoTime();
                fireDeadlines(now);
                drainAll(now);
                runAfterTurn();
            }
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(Level.ERROR, name + ": event loop failed", e);
        } finally {
            shutdown();
        }
    }

    /**
     * One turn of the epoll path (called by {@link EpollDriver}); false once the loop is closing,
     * after it shut down (sockets closed, queued tasks completed).
     */
    boolean epollTurn() {
        if (closing) {
            if (!terminated) {
                shutdown();
            }
            return false;
        }
        try {
            counters.add(UdpCounters.TURNS, 1);
            runTasks();
            long now = System.nanoTime();
            fireDeadlines(now);
            drainAll(now);
            for (int i = 0; i < registrations.size(); i++) {
                registrations.get(i).flushOut();
            }
            runAfterTurn();
        } catch (RuntimeException e) {
            endpointFailed("loop turn", e);
        }
        return true;
    }

    long earliestDeadlineForDriver() {
        return earliestDeadline();
    }

    private void waitForEvents() throws IOException {
        if (!tasks.isEmpty()) {
            selector.selectNow(onReady);
            return;
        }
        long now = System.nanoTime();
        coalescing.served(counters.datagramsIn(), counters.datagramsOut(), now);
        if (coalescing.pollAt(now, Long.MAX_VALUE) != TurnCoalescing.NO_PAUSE) { // deadlines asked only for a pause
            long deadline = earliestDeadline(); // nothing runs during the pause that could move it
            pause(now, coalescing.pollAt(now, deadline));
            boolean found = selector.selectNow(onReady) > 0 || !tasks.isEmpty();
            coalescing.polled(System.nanoTime(), found);
            if (found) {
                counters.add(UdpCounters.COALESCED_TURNS, 1);
                return;
            }
            if (deadline <= System.nanoTime()) {
                return;
            }
        }
        boolean found = waitBlocking() > 0 || !tasks.isEmpty();
        coalescing.woke(System.nanoTime(), found);
    }

    /**
     * Sleeps until {@code until} unless a task is queued or {@link #wakeup} is called meanwhile
     * (a park can also return for a permit left by an earlier wakeup: it sleeps on then).
     */
    private void pause(long now, long until) {
        for (long t = now; t < until && tasks.isEmpty() && !wakeRequested; t = System.nanoTime()) {
            LockSupport.parkNanos(this, until - t);
        }
        wakeRequested = false;
    }

    /** Waits for a ready channel, a task or the earliest deadline; the number of channels found ready. */
    private int waitBlocking() throws IOException {
        wakeRequested = false; // the selector keeps a wakeup() for this wait; a later one sets it again
        // Without a deadline the loop still wakes every IDLE_WAIT: one call shape for busy and idle,
        // so going idle does not take a branch the JIT never saw under load (and deoptimize the loop).
        long now = System.nanoTime();
        long wait = Math.min(earliestDeadline(), now + IDLE_WAIT) - now;
        if (wait > 0) {
            overdueTurns = 0;
        } else if (++overdueTurns % OVERDUE_WARN_TURNS == 0) {
            LOG.log(Level.WARNING, "{0}: {1} turns in a row with an overdue deadline: an endpoint's nextDeadline()"
                    + " does not move past now after onDeadline (busy loop)", name, overdueTurns);
        }
        if (wait >= MILLI) {
            return selector.select(onReady, wait / MILLI);
        }
        int ready = selector.selectNow(onReady);
        if (ready == 0 && wait > 0 && tasks.isEmpty()) {
            LockSupport.parkNanos(this, wait); // sub-millisecond timer: Selector.select has ms granularity
            ready = selector.selectNow(onReady);
        }
        return ready;
    }

    private void onReady(SelectionKey key) {
        if (key.attachment() instanceof ChannelHandler handler) {
            try {
                if (key.isValid()) {
                    handler.onReady(key.readyOps());
                }
            } catch (RuntimeException e) {
                endpointFailed("channel handler", e);
            }
            return;
        }
        UdpRegistration reg = (UdpRegistration) key.attachment();
        if (key.isValid() && key.isReadable()) {
            reg.receiveBatch(rxBuffer, rxArray, counters);
        }
        if (key.isValid() && key.isWritable()) {
            reg.onWritable();
        }
    }

    private void runTasks() {
        wakePending.set(false);
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                endpointFailed("task", e);
            }
        }
    }

    private long earliestDeadline() {
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < endpoints.size(); i++) {
            try {
                earliest = Math.min(earliest, endpoints.get(i).nextDeadline());
            } catch (RuntimeException | Error e) {
                endpointFailed("nextDeadline", e);
            }
        }
        return earliest;
    }

    private void fireDeadlines(long now) {
        for (int i = 0; i < endpoints.size(); i++) {
            DatagramEndpoint ep = endpoints.get(i);
            try {
                if (ep.nextDeadline() <= now) {
                    ep.onDeadline(now);
                }
            } catch (RuntimeException | Error e) {
                endpointFailed("onDeadline", e);
            }
        }
    }

    private void drainAll(long now) {
        for (int i = 0; i < registrations.size(); i++) {
            UdpRegistration reg = registrations.get(i);
            if (reg.canSend()) {
                try {
                    reg.endpoint().drainTransmit(now, reg);
                } catch (RuntimeException | Error e) {
                    endpointFailed("drainTransmit", e);
                }
            }
        }
    }

    private void runAfterTurn() {
        Runnable[] hooks = afterTurn;
        for (Runnable hook : hooks) {
            try {
                hook.run();
            } catch (RuntimeException | Error e) {
                endpointFailed("afterTurn", e);
            }
        }
    }

    private void shutdown() {
        for (UdpRegistration reg : List.copyOf(registrations)) {
            detach(reg);
        }
        for (SelectionKey key : List.copyOf(channelKeys)) {
            if (key.isValid()) {
                key.cancel();
                try {
                    ((ChannelHandler) key.attachment()).onLoopClosed();
                } catch (RuntimeException e) {
                    endpointFailed("onLoopClosed", e);
                }
            }
        }
        channelKeys.clear();
        try {
            if (selector != null) {
                selector.close();
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing selector", e);
        }
        closing = true;
        runTasks(); // complete futures of tasks queued while closing
        terminated = true;
        runTasks(); // anything added before execute() could see 'terminated'
    }

    // ---- failures -----------------------------------------------------------------------------------

    void endpointFailed(String callback, Throwable t) {
        if (t instanceof VirtualMachineError) {
            throw (VirtualMachineError) t;
        }
        counters.add(UdpCounters.ENDPOINT_EXCEPTIONS, 1);
        logRateLimited(Level.WARNING, name + ": endpoint threw in " + callback + "; loop continues", t);
    }

    void logIoFailure(String what, Throwable t) {
        logRateLimited(Level.DEBUG, name + ": " + what + " failed", t);
    }

    private void logRateLimited(Level level, String message, Throwable t) {
        long n = ++failuresLogged;
        if (n <= LOUD_LOG_LIMIT || n % 1000 == 0) {
            LOG.log(level, message + " (failure #" + n + ")", t);
        }
    }

    private static IOException rethrow(Throwable t) {
        if (t instanceof IOException) {
            return (IOException) t;
        }
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return new IOException(t);
    }

    @Override
    public String toString() {
        return "UdpEventLoop[" + name + ", " + registrations.size() + " sockets]";
    }
}
