package org.qdsr.lb.routing;

import java.util.List;
import org.qdsr.http3.Request;
import org.qdsr.lb.Backend;

/** Picks one of the healthy candidate backends for a request. */
public interface Policy {
    /** {@code candidates} is never empty. */
    Backend choose(List<Backend> candidates, Request request);

    /** Round robin over the candidates. */
    static Policy roundRobin() {
        return new Policy() {
            private long next;

            @Override
            public Backend choose(List<Backend> candidates, Request request) {
                return candidates.get((int) Math.floorMod(next++, (long) candidates.size()));
            }
        };
    }

    /** The candidate with the fewest streams in progress (ties: the first). */
    static Policy leastOutstanding() {
        return (candidates, request) -> {
            Backend best = candidates.get(0);
            for (Backend b : candidates) {
                if (b.outstanding() * (long) best.weight() < best.outstanding() * (long) b.weight()) {
                    best = b;
                }
            }
            return best;
        };
    }

    /** Smooth weighted round robin (as in nginx): each pick goes to the highest running score. */
    static Policy weighted() {
        return new Policy() {
            private final java.util.Map<Integer, Long> score = new java.util.HashMap<>();

            @Override
            public Backend choose(List<Backend> candidates, Request request) {
                long total = 0;
                Backend best = null;
                for (Backend b : candidates) {
                    long s = score.getOrDefault(b.id(), 0L) + b.weight();
                    score.put(b.id(), s);
                    total += b.weight();
                    if (best == null || s > score.get(best.id())) {
                        best = b;
                    }
                }
                score.put(best.id(), score.get(best.id()) - total);
                return best;
            }
        };
    }

    /** Consistent hashing on a request header (rendezvous hashing: stable when backends come and go). */
    static Policy consistentHash(String header) {
        return (candidates, request) -> {
            String key = request.header(header);
            if (key == null) {
                key = request.path() == null ? "" : request.path();
            }
            Backend best = null;
            long bestScore = Long.MIN_VALUE;
            for (Backend b : candidates) {
                long s = mix(key.hashCode() * 0x9E3779B97F4A7C15L ^ b.name().hashCode());
                if (best == null || s > bestScore) {
                    best = b;
                    bestScore = s;
                }
            }
            return best;
        };
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** Parses a policy name as used on the command line and in configuration files. */
    static Policy parse(String spec) {
        if (spec.startsWith("hash:")) {
            return consistentHash(spec.substring(5).toLowerCase(java.util.Locale.ROOT));
        }
        return switch (spec) {
            case "round-robin" -> roundRobin();
            case "least-outstanding" -> leastOutstanding();
            case "weighted" -> weighted();
            default -> throw new IllegalArgumentException(
                    "unknown policy " + spec + " (round-robin, least-outstanding, weighted, hash:HEADER)");
        };
    }
}
