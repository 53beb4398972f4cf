package org.qdsr.app.bench;

import java.util.List;

/** Which URL request n (0-based, in issue order) asks for. Must be thread-safe. */
@FunctionalInterface
public interface RequestPlan {
    BenchDriver.Target target(long n);

    /** Cycles through {@code targets} in order. */
    static RequestPlan roundRobin(List<BenchDriver.Target> targets) {
        List<BenchDriver.Target> copy = List.copyOf(targets);
        return n -> copy.get((int) (n % copy.size()));
    }

    /**
     * {@code pathPrefix + size} on {@code authority}, the size drawn from {@code mix}
     * (e.g. {@code /bytes/1000}, which {@code qdsr rs --synthetic} serves).
     */
    static RequestPlan sizes(SizeMix mix, String authority, String pathPrefix, long seed) {
        return n -> new BenchDriver.Target(authority, pathPrefix + mix.sizeFor(n, seed));
    }
}
