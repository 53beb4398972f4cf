package org.qdsr.testbed.link;

import java.util.ArrayDeque;
import java.util.random.RandomGenerator;

/**
 * One direction of an emulated link, sans I/O on a caller-supplied clock (nanoseconds).
 * A packet offered at {@code now} is (1) dropped with probability {@code loss}, else (2) dropped
 * if the bottleneck queue already holds more than {@code queueBytes - size} bytes (drop-tail),
 * else (3) queued FIFO at the bottleneck ({@link Shaper}: unlimited, token bucket or Mahimahi
 * trace) and (4) delivered {@code delayNanos} after it left the bottleneck. No reordering.
 * Because the shaper depends only on past departures, each packet's delivery time is fixed when
 * it is accepted, so {@link #nextDeliveryTime()} is exact. Not thread-safe.
 *
 * @param <P> the packet (the model never looks inside; the caller passes its length)
 */
public final class LinkModel<P> {
    /** What happened to an offered packet. */
    public enum Offer { ACCEPTED, DROPPED_LOSS, DROPPED_QUEUE }

    /**
     * Settings of one direction.
     *
     * @param delayNanos one-way propagation delay added after the bottleneck
     * @param loss       probability in [0, 1] that a packet is dropped on entry
     * @param queueBytes drop-tail bound of the bottleneck queue (bytes waiting, not yet sent)
     */
    public record Config(long delayNanos, double loss, long queueBytes) {
        public Config {
            if (delayNanos < 0 || !(loss >= 0 && loss <= 1) || queueBytes <= 0) {
                throw new IllegalArgumentException("delay >= 0, 0 <= loss <= 1, queue > 0 required");
            }
        }
    }

    private record Queued(long departure, int bytes) {
    }

    private record InFlight<P>(P packet, int bytes, long deliverAt) {
    }

    private final Config config;
    private final Shaper shaper;
    private final RandomGenerator random;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final ArrayDeque<InFlight<P>> inFlight = new ArrayDeque<>();
    private long queuedBytes;
    private long lastDeparture = Long.MIN_VALUE;
    private long forwarded;
    private long forwardedBytes;
    private long lost;
    private long lostBytes;
    private long queueDrops;
    private long queueDropBytes;

    public LinkModel(Config config, Shaper shaper, RandomGenerator random) {
        this.config = config;
        this.shaper = shaper;
        this.random = random;
    }

    /** Offers a packet of {@code bytes} at {@code now}; on ACCEPTED the model keeps {@code packet}. */
    public Offer offer(P packet, int bytes, long now) {
        if (config.loss() > 0 && random.nextDouble() < config.loss()) {
            lost++;
            lostBytes += bytes;
            return Offer.DROPPED_LOSS;
        }
        drainQueue(now);
        if (queuedBytes + bytes > config.queueBytes()) {
            queueDrops++;
            queueDropBytes += bytes;
            return Offer.DROPPED_QUEUE;
        }
        long since = lastDeparture == Long.MIN_VALUE ? now : Math.max(now, lastDeparture);
        long departure = shaper.departureTime(bytes, since);
        shaper.departed(bytes, since, departure);
        lastDeparture = departure;
        if (departure > now) {
            queue.addLast(new Queued(departure, bytes));
            queuedBytes += bytes;
        }
        inFlight.addLast(new InFlight<>(packet, bytes, departure + config.delayNanos()));
        return Offer.ACCEPTED;
    }

    private void drainQueue(long now) {
        while (!queue.isEmpty() && queue.peekFirst().departure() <= now) {
            queuedBytes -= queue.pollFirst().bytes();
        }
    }

    /** The next packet due at {@code now} (in FIFO order), or null if none is due yet. */
    public P poll(long now) {
        InFlight<P> head = inFlight.peekFirst();
        if (head == null || head.deliverAt() > now) {
            return null;
        }
        inFlight.pollFirst();
        forwarded++;
        forwardedBytes += head.bytes();
        return head.packet();
    }

    /** When the next packet is due, or {@link Long#MAX_VALUE} when nothing is in flight. */
    public long nextDeliveryTime() {
        InFlight<P> head = inFlight.peekFirst();
        return head == null ? Long.MAX_VALUE : head.deliverAt();
    }

    /** Bytes waiting at the bottleneck at {@code now} (not yet sent). */
    public long queuedBytes(long now) {
        drainQueue(now);
        return queuedBytes;
    }

    /** Packets accepted and not yet polled. */
    public int inFlight() {
        return inFlight.size();
    }

    public LinkStats stats() {
        return new LinkStats(forwarded, forwardedBytes, lost, lostBytes, queueDrops, queueDropBytes, 0);
    }

    @Override
    public String toString() {
        return "delay " + config.delayNanos() / 1e6 + " ms, loss " + config.loss() + ", " + shaper + ", queue "
                + config.queueBytes() + " B";
    }
}
