package org.qdsr.testbed.experiment;

/**
 * What runs after every LB start, before its CPU cap: rounds of {@code load}, each followed by
 * {@code handshakes} (many short connections, or null), until the LB's JIT compiler threads go
 * quiet (less than {@code quietJitSeconds} of CPU in a round) or {@code maxRounds} ran. A capped
 * JVM that is still compiling spends its quota on the compiler, not on packets (seen: a
 * quarter-core proxying LB gave 40 % of its quota to C2 after 40 s of load), and the mode with the
 * most code to compile would look slowest; a long-running LB has finished that. The handshakes
 * stand for the many connections such an LB has accepted: with two connections a round, the
 * per-connection code (P-256, HKDF, cipher set-up) crossed the C2 thresholds only minutes into
 * the load and its compiles (Cipher.getInstance alone took C2 0.9 s) landed in measured runs.
 */
public record WarmUp(BenchLoad load, BenchLoad handshakes, int maxRounds, double quietJitSeconds) {
    public WarmUp {
        if (maxRounds < 1) {
            throw new IllegalArgumentException("maxRounds must be >= 1: " + maxRounds);
        }
    }

    /** One round of {@code load}, whatever the compilers do (smoke runs). */
    public static WarmUp once(BenchLoad load) {
        return new WarmUp(load, null, 1, Double.MAX_VALUE);
    }

    /** Whether a round in which the compilers used {@code jitSeconds} ends the warm-up. */
    boolean settled(int round, double jitSeconds) {
        return round >= maxRounds || jitSeconds < quietJitSeconds;
    }
}
