package org.qdsr.lb;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.qdsr.control.message.AckForward;
import org.qdsr.control.message.ControlMessage;

/**
 * Holds the PATH_ACKs the load balancer forwards (isolated mode) for at most {@code holdNanos}
 * per backend, so that several client ACKs leave as one control-channel record: each client ACK
 * datagram would otherwise cost the LB one TLS record and one socket write per backend. The first
 * ACK held for a backend starts its hold; when it ends, every path held for that backend is
 * forwarded at once (each path's ACKs merged by {@link HeldAck}, with the hold time added to the
 * ACK Delay). A hold of 0 holds only until the end of the loop turn ({@link LoadBalancerCore}
 * flushes due holds in every {@code drainTransmit}): the ACKs of one burst of client datagrams
 * leave together, with no added wait and no timer wake-up, and the busier the LB (the longer its
 * turns), the more they coalesce. Single-threaded (the loop); time in nanoseconds.
 */
final class AckCoalescer {
    private final long holdNanos;
    private final BiConsumer<Backend, ControlMessage> send;
    /** Backends with held ACKs, in the order their holds started (so the head ends first). */
    private final ArrayDeque<Backend> order = new ArrayDeque<>();
    private final Map<Backend, Hold> holds = new IdentityHashMap<>();
    private long forwarded;
    private long merged;

    /** The held paths of one backend and when its hold began. */
    private static final class Hold {
        final List<HeldAck> paths = new ArrayList<>(2);
        long since;
        boolean active;
    }

    AckCoalescer(long holdNanos, BiConsumer<Backend, ControlMessage> send) {
        if (holdNanos < 0) {
            throw new IllegalArgumentException("hold must be >= 0: " + holdNanos);
        }
        this.holdNanos = holdNanos;
        this.send = send;
    }

    /** Held (or, without a hold, forwarded) one PATH_ACK of {@code path}, received at {@code now}. */
    void add(HeldAck path, List<org.qdsr.quic.wire.AckRange> ranges, long ackDelayEncoded, long now) {
        path.merge(ranges, ackDelayEncoded, now);
        merged++;
        Hold h = holds.computeIfAbsent(path.backend, b -> new Hold());
        if (!h.active) {
            h.active = true;
            h.since = now;
            order.addLast(path.backend);
        }
        if (!path.listed) {
            path.listed = true;
            h.paths.add(path);
        }
    }

    /** When the oldest hold ends; {@link Long#MAX_VALUE} if nothing is held. */
    long nextDeadline() {
        Backend first = order.peekFirst();
        return first == null ? Long.MAX_VALUE : holds.get(first).since + holdNanos;
    }

    /** Forwards what is held for every backend whose hold ended by {@code now}. */
    void flushDue(long now) {
        Backend first;
        while ((first = order.peekFirst()) != null && holds.get(first).since + holdNanos <= now) {
            order.pollFirst();
            release(holds.get(first), now);
        }
    }

    /** Forwards what is held for the paths of {@code connectionKey} now (before the connection's other news). */
    void flushConnection(long connectionKey, long now) {
        for (Hold h : holds.values()) {
            for (HeldAck p : h.paths) {
                if (p.connectionKey == connectionKey && !p.isEmpty()) {
                    forward(p, now);
                }
            }
        }
    }

    /** Forgets {@code path} (its connection or backend is gone); what it held is dropped. */
    void forget(HeldAck path) {
        Hold h = holds.get(path.backend);
        if (h != null && path.listed) {
            h.paths.remove(path);
        }
        path.listed = false;
    }

    /** Forgets a backend that went down (its held ACKs cannot be delivered). */
    void forgetBackend(Backend b) {
        Hold h = holds.remove(b);
        if (h != null) {
            order.remove(b);
            for (HeldAck p : h.paths) {
                p.listed = false;
            }
        }
    }

    private void release(Hold h, long now) {
        h.active = false;
        for (HeldAck p : h.paths) {
            p.listed = false;
            if (!p.isEmpty()) {
                forward(p, now);
            }
        }
        h.paths.clear();
    }

    private void forward(HeldAck p, long now) {
        AckForward m = p.take(now);
        forwarded++;
        send.accept(p.backend, m);
    }

    /** AckForward messages sent. */
    long forwarded() {
        return forwarded;
    }

    /** PATH_ACKs received for forwarding. */
    long received() {
        return merged;
    }
}
