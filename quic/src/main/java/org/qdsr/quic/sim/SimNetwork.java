package org.qdsr.quic.sim;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import org.qdsr.quic.DatagramEndpoint;

/**
 * An in-memory datagram network on a {@link VirtualClock}: no threads, no real clock, and with a
 * seeded {@link RandomGenerator} the same inputs always give the same trace. It drives
 * {@link DatagramEndpoint}s exactly as the real UDP event loop does: deliver due datagrams, fire due
 * deadlines, drain every sender, advance the clock to the next event.
 *
 * <p>Each direction of each (from, to) address pair is a link with its own {@link LinkConditions}
 * (falling back to the global ones) and its own serialisation queue when bandwidth is limited.
 */
public final class SimNetwork {
    /** Steps at one virtual instant after which {@link #step()} declares a livelock. */
    public static final int SAME_TIME_STEP_LIMIT = 100_000;

    private record Path(InetSocketAddress from, InetSocketAddress to) { }

    private record Event(long time, long seq, InetSocketAddress from, InetSocketAddress to, byte[] data,
                         Runnable action) { }

    private final VirtualClock clock;
    private final RandomGenerator random;
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<DatagramEndpoint, SimNode> byEndpoint = new IdentityHashMap<>();
    private final Map<InetSocketAddress, SimNode> byAddress = new HashMap<>();
    private final Map<Path, LinkConditions> conditions = new HashMap<>();
    private final Map<Path, long[]> busyUntil = new HashMap<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>(
            (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private final List<DatagramTap> taps = new ArrayList<>();
    private final SimStats stats = new SimStats();
    private LinkConditions defaultConditions = LinkConditions.PERFECT;
    private long nextSeq;
    private int sameTimeSteps;

    public SimNetwork(VirtualClock clock, RandomGenerator random) {
        this.clock = Objects.requireNonNull(clock);
        this.random = Objects.requireNonNull(random);
    }

    /** A network on a fresh clock with a seeded generator. */
    public static SimNetwork seeded(long seed) {
        return new SimNetwork(new VirtualClock(), new SplittableRandom(seed));
    }

    public VirtualClock clock() {
        return clock;
    }

    public long now() {
        return clock.now();
    }

    public SimStats stats() {
        return stats;
    }

    // ---- topology ------------------------------------------------------------------------------

    /**
     * Attaches {@code endpoint} at {@code address}, which it both receives on and sends from. Calling
     * this again with the same endpoint adds a receive address to its node (the send-from address
     * stays the first one).
     */
    public SimNode attach(InetSocketAddress address, DatagramEndpoint endpoint) {
        SimNode node = byEndpoint.get(endpoint);
        if (node == null) {
            return attach(address.toString(), endpoint, address, address);
        }
        bindReceive(node, address);
        return node;
    }

    /**
     * Attaches a node with explicit addresses. {@code sendFrom} is stamped as the source of all it
     * sends and need not be one of its receive addresses (Direct Server Return sends from the VIP);
     * null makes a receive-only node. No receive addresses makes a send-only node.
     */
    public SimNode attach(String name, DatagramEndpoint endpoint, InetSocketAddress sendFrom,
                          InetSocketAddress... receiveAddresses) {
        if (byEndpoint.containsKey(endpoint)) {
            throw new IllegalArgumentException("endpoint already attached as " + byEndpoint.get(endpoint));
        }
        SimNode node = new SimNode(name, endpoint, sendFrom, this);
        for (InetSocketAddress a : receiveAddresses) {
            bindReceive(node, a);
        }
        nodes.add(node);
        byEndpoint.put(endpoint, node);
        return node;
    }

    /** Attaches a node that only sends, from {@code sendFrom}. */
    public SimNode attachSender(String name, DatagramEndpoint endpoint, InetSocketAddress sendFrom) {
        return attach(name, endpoint, Objects.requireNonNull(sendFrom));
    }

    /** Removes a node: datagrams in flight to its addresses become undeliverable. */
    public void detach(SimNode node) {
        if (nodes.remove(node)) {
            byEndpoint.remove(node.endpoint());
            node.mutableReceiveAddresses().forEach(byAddress::remove);
        }
    }

    /**
     * Moves a node to a new address, as after a NAT rebinding or client migration: it receives only
     * on {@code address} and sends from it from now on.
     */
    public void rebind(SimNode node, InetSocketAddress address) {
        node.mutableReceiveAddresses().forEach(byAddress::remove);
        node.mutableReceiveAddresses().clear();
        bindReceive(node, address);
        node.sendFrom(address);
    }

    /** The node receiving on {@code address}, or null. */
    public SimNode nodeAt(InetSocketAddress address) {
        return byAddress.get(address);
    }

    private void bindReceive(SimNode node, InetSocketAddress address) {
        SimNode other = byAddress.putIfAbsent(Objects.requireNonNull(address), node);
        if (other != null && other != node) {
            throw new IllegalArgumentException(address + " is already attached to " + other);
        }
        if (other == null) {
            node.mutableReceiveAddresses().add(address);
        }
    }

    // ---- link conditions -------------------------------------------------------------------------

    /** Conditions for every direction that has no specific ones. */
    public void setDefaultConditions(LinkConditions c) {
        this.defaultConditions = Objects.requireNonNull(c);
    }

    /** Conditions for datagrams with source {@code from} and destination {@code to} (one direction). */
    public void setConditions(InetSocketAddress from, InetSocketAddress to, LinkConditions c) {
        conditions.put(new Path(from, to), Objects.requireNonNull(c));
    }

    /** The same conditions in both directions between {@code a} and {@code b}. */
    public void setConditionsBothWays(InetSocketAddress a, InetSocketAddress b, LinkConditions c) {
        setConditions(a, b, c);
        setConditions(b, a, c);
    }

    public LinkConditions conditions(InetSocketAddress from, InetSocketAddress to) {
        return conditions.getOrDefault(new Path(from, to), defaultConditions);
    }

    public void addTap(DatagramTap tap) {
        taps.add(Objects.requireNonNull(tap));
    }

    public void removeTap(DatagramTap tap) {
        taps.remove(tap);
    }

    /** Runs {@code action} at virtual time {@code time} (or now, if that is in the past), during the delivery phase. */
    public void schedule(long time, Runnable action) {
        events.add(new Event(Math.max(time, clock.now()), nextSeq++, null, null, null, Objects.requireNonNull(action)));
    }

    /** Runs {@code action} {@code delayNanos} after now. */
    public void scheduleAfter(long delayNanos, Runnable action) {
        schedule(VirtualClock.saturatedAdd(clock.now(), delayNanos), action);
    }

    /** Datagrams (and scheduled actions) not yet delivered. */
    public int inFlight() {
        return events.size();
    }

    // ---- the event loop ----------------------------------------------------------------------------

    /**
     * Steps until {@code done} is true (checked before every step), nothing is left to happen, or
     * {@code maxVirtualNanos} of virtual time have passed (events at exactly the limit still run).
     * Returns the virtual nanoseconds that elapsed.
     */
    public long runUntil(BooleanSupplier done, long maxVirtualNanos) {
        long start = clock.now();
        long horizon = VirtualClock.saturatedAdd(start, maxVirtualNanos);
        while (!done.getAsBoolean() && step(horizon)) {
            // keep stepping
        }
        return clock.now() - start;
    }

    /** Runs for exactly {@code nanos} of virtual time; the clock ends at now + nanos. */
    public void runFor(long nanos) {
        long end = VirtualClock.saturatedAdd(clock.now(), nanos);
        runUntil(() -> false, nanos);
        if (clock.now() < end) {
            clock.advanceTo(end);
        }
    }

    /**
     * Does everything due at the current virtual time (deliveries and scheduled actions, due
     * deadlines, draining every sender), then advances the clock to the next event. Returns false
     * when no future event exists (the clock then stays put).
     *
     * @throws IllegalStateException after {@value #SAME_TIME_STEP_LIMIT} steps without the clock
     *     advancing: an endpoint keeps reporting a deadline that is not in the future (livelock)
     */
    public boolean step() {
        return step(Long.MAX_VALUE);
    }

    private boolean step(long horizon) {
        long now = clock.now();
        deliverDue(now);
        fireDeadlines(now);
        drainAll(now);
        long next = nextEventTime();
        if (next == Long.MAX_VALUE) {
            sameTimeSteps = 0;
            return false;
        }
        if (next <= now) {
            if (++sameTimeSteps >= SAME_TIME_STEP_LIMIT) {
                throw new IllegalStateException(livelockMessage(now));
            }
            return true;
        }
        sameTimeSteps = 0;
        if (next > horizon) {
            clock.advanceTo(Math.max(now, horizon));
            return false;
        }
        clock.advanceTo(next);
        return true;
    }

    private void deliverDue(long now) {
        Event e;
        while ((e = events.peek()) != null && e.time <= now) {
            events.poll();
            if (e.action != null) {
                e.action.run();
            } else {
                deliver(e, now);
            }
        }
    }

    private void deliver(Event e, long now) {
        SimNode node = byAddress.get(e.to);
        if (node == null) {
            stats.undeliverableDatagrams++;
            tap(SimEvent.Kind.UNDELIVERABLE, now, e.from, e.to, e.data);
            return;
        }
        stats.deliveredDatagrams++;
        stats.deliveredBytes += e.data.length;
        node.receivedDatagrams++;
        node.receivedBytes += e.data.length;
        tap(SimEvent.Kind.DELIVERED, now, e.from, e.to, e.data);
        node.endpoint().onDatagram(e.data, 0, e.data.length, e.from, now);
    }

    private void fireDeadlines(long now) {
        for (int i = 0; i < nodes.size(); i++) {
            DatagramEndpoint ep = nodes.get(i).endpoint();
            if (ep.nextDeadline() <= now) {
                ep.onDeadline(now);
            }
        }
    }

    private void drainAll(long now) {
        for (int i = 0; i < nodes.size(); i++) {
            SimNode node = nodes.get(i);
            if (node.sendFrom() != null) {
                node.endpoint().drainTransmit(now, node.sink());
            }
        }
    }

    private long nextEventTime() {
        long next = events.isEmpty() ? Long.MAX_VALUE : events.peek().time;
        for (SimNode node : nodes) {
            next = Math.min(next, node.endpoint().nextDeadline());
        }
        return next;
    }

    private String livelockMessage(long now) {
        List<String> due = new ArrayList<>();
        for (SimNode node : nodes) {
            if (node.endpoint().nextDeadline() <= now) {
                due.add(node.name() + " (deadline " + node.endpoint().nextDeadline() + ")");
            }
        }
        return "SimNetwork livelock: " + SAME_TIME_STEP_LIMIT + " steps without virtual time advancing past "
                + now + " ns; endpoints with deadline <= now: " + due + "; events due: "
                + events.stream().filter(ev -> ev.time <= now).count();
    }

    // ---- the links ---------------------------------------------------------------------------------

    /** Called by a node's sink: stamps the node's source address and applies the link conditions. */
    boolean transmit(SimNode node, byte[] data, int off, int len, InetSocketAddress to) {
        long now = clock.now();
        InetSocketAddress from = node.sendFrom();
        byte[] copy = Arrays.copyOfRange(data, off, off + len);
        node.sentDatagrams++;
        node.sentBytes += len;
        stats.recordSent(from, len);
        tap(SimEvent.Kind.SENT, now, from, to, copy);
        Path path = new Path(from, to);
        LinkConditions c = conditions.getOrDefault(path, defaultConditions);
        long departure = serialise(path, c, now, len);
        if (departure < 0) {
            stats.queueDroppedDatagrams++;
            tap(SimEvent.Kind.QUEUE_DROPPED, now, from, to, copy);
        } else if (c.lossRate() > 0 && random.nextDouble() < c.lossRate()) {
            stats.lostDatagrams++;
            tap(SimEvent.Kind.LOST, now, from, to, copy);
        } else {
            propagate(c, departure, from, to, copy);
        }
        return true;
    }

    /** Returns when the last bit leaves the link's queue, or -1 when the queue is full (tail drop). */
    private long serialise(Path path, LinkConditions c, long now, int len) {
        if (c.bandwidthBytesPerSecond() == 0) {
            return now;
        }
        long[] busy = busyUntil.computeIfAbsent(path, p -> new long[1]);
        long start = Math.max(now, busy[0]);
        double backlogBytes = (double) (start - now) * c.bandwidthBytesPerSecond() / 1e9;
        if (c.queueLimitBytes() > 0 && backlogBytes + len > c.queueLimitBytes()) {
            return -1;
        }
        busy[0] = start + c.transmitNanos(len);
        return busy[0];
    }

    private void propagate(LinkConditions c, long departure, InetSocketAddress from, InetSocketAddress to,
                           byte[] data) {
        long arrival = departure + c.delayNanos() + jitter(c);
        if (c.reorderRate() > 0 && random.nextDouble() < c.reorderRate()) {
            stats.reorderedDatagrams++;
            arrival += c.reorderHoldNanos();
        }
        byte[] delivered = data;
        if (c.corruptRate() > 0 && data.length > 0 && random.nextDouble() < c.corruptRate()) {
            stats.corruptedDatagrams++;
            delivered = data.clone();
            int bit = random.nextInt(delivered.length * 8);
            delivered[bit >>> 3] ^= (byte) (1 << (bit & 7));
        }
        events.add(new Event(arrival, nextSeq++, from, to, delivered, null));
        if (c.duplicateRate() > 0 && random.nextDouble() < c.duplicateRate()) {
            stats.duplicatedDatagrams++;
            long copyArrival = departure + c.delayNanos() + jitter(c);
            events.add(new Event(copyArrival, nextSeq++, from, to, data.clone(), null));
        }
    }

    private long jitter(LinkConditions c) {
        return c.jitterNanos() == 0 ? 0 : random.nextLong(c.jitterNanos() + 1);
    }

    private void tap(SimEvent.Kind kind, long time, InetSocketAddress from, InetSocketAddress to, byte[] data) {
        if (!taps.isEmpty()) {
            SimEvent event = new SimEvent(kind, time, from, to, data);
            for (DatagramTap t : List.copyOf(taps)) {
                t.observe(event);
            }
        }
    }
}
