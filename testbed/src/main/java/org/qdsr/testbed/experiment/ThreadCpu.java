package org.qdsr.testbed.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * CPU seconds (utime + stime) of one JVM's threads, summed by {@link Kind}, read from {@code
 * /proc/PID/task/TID/stat} and {@code comm}. Two samples around a run give where the run's CPU went:
 * the LB's event loop, its control-channel I/O threads, the JIT compilers (a warm-up cost that does
 * not grow with the bytes delivered), garbage collection, or anything else.
 */
public record ThreadCpu(Map<Kind, Double> seconds) {
    /** What a thread does, from its name (Linux truncates {@code comm} to 15 characters). */
    public enum Kind {
        /** The LB's UDP event loop ({@code qdsr-lb-NAME}). */
        LOOP,
        /** Control-channel reader and connector threads ({@code qdsr-control-...}). */
        CONTROL,
        /** HotSpot's C1 and C2 compiler threads. */
        JIT,
        /** Garbage collector and VM threads. */
        GC,
        /** Everything else (timers, metrics, signal handling, the main thread). */
        OTHER;

        /** The kind of a thread called {@code comm}. */
        static Kind of(String comm) {
            if (comm.startsWith("qdsr-lb-")) {
                return LOOP;
            }
            if (comm.startsWith("qdsr-control")) {
                return CONTROL;
            }
            if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                return JIT;
            }
            if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread")) {
                return GC;
            }
            return OTHER;
        }
    }

    public ThreadCpu {
        seconds = Map.copyOf(seconds);
    }

    /** The threads of {@code pid} now; empty if the process is gone. */
    public static ThreadCpu sample(long pid) {
        Map<Kind, Double> byKind = new EnumMap<>(Kind.class);
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    Kind kind = Kind.of(Files.readString(t.resolve("comm")).strip());
                    double s = ProcStat.parseTicks(Files.readString(t.resolve("stat"))) / ProcStat.ticksPerSecond();
                    byKind.merge(kind, s, Double::sum);
                } catch (IOException threadGone) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException | UncheckedIOException processGone) {
            return new ThreadCpu(Map.of());
        }
        return new ThreadCpu(byKind);
    }

    /** Seconds of {@code kind}, 0 if none. */
    public double of(Kind kind) {
        return seconds.getOrDefault(kind, 0.0);
    }

    /** Seconds of all threads. */
    public double total() {
        return seconds.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /**
     * What ran between {@code earlier} and this sample, per kind (threads that ended in between are
     * not counted: none of the LB's threads end while it serves).
     */
    public ThreadCpu since(ThreadCpu earlier) {
        Map<Kind, Double> d = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            d.put(k, Math.max(0, of(k) - earlier.of(k)));
        }
        return new ThreadCpu(d);
    }
}
