package org.qdsr.testbed.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.qdsr.testbed.Commands;
import org.qdsr.testbed.TestbedException;

/**
 * A CPU cap for one process: a cgroup v1 {@code cpu} controller directory with a CFS quota
 * ({@code quota/period = fraction} of one core). Where no v1 cpu controller exists (cgroup v2
 * without it), falls back to {@code taskset} on one core, which only caps at 1.0 and says so.
 */
public final class CpuCap implements AutoCloseable {
    /** Where the cgroup v1 cpu controller is mounted on this kind of machine. */
    public static final Path CPU_ROOT = Path.of("/sys/fs/cgroup/cpu");
    /**
     * The CFS period. 10 ms rather than the kernel's default 100 ms: with 100 ms a quarter-core LB
     * that spends its 25 ms early is frozen for up to 75 ms, which shows up as latency spikes and
     * stalled ACK forwarding that no real load balancer on a quarter of a machine would have.
     * Caps below 0.1 core get a longer period, since the kernel's smallest quota is 1 ms.
     */
    static final long PERIOD_US = 10_000;
    private static final long MIN_QUOTA_US = 1_000;

    private final Path dir;
    private final String how;

    private CpuCap(Path dir, String how) {
        this.dir = dir;
        this.how = how;
    }

    /** The cgroup directory, or null for the taskset fallback. */
    public Path dir() {
        return dir;
    }

    /** A one-line description for logs and reports. */
    public String how() {
        return how;
    }

    /** Caps {@code pid} (all its threads) at {@code fraction} of one core in cgroup {@code name}. */
    public static CpuCap apply(String name, long pid, double fraction) {
        if (fraction <= 0) {
            throw new IllegalArgumentException("CPU fraction must be positive: " + fraction);
        }
        if (Files.isRegularFile(CPU_ROOT.resolve("cpu.cfs_quota_us"))) {
            Path dir = CPU_ROOT.resolve(name);
            try {
                Files.createDirectories(dir);
                write(dir.resolve("cpu.cfs_period_us"), Long.toString(periodMicros(fraction)));
                write(dir.resolve("cpu.cfs_quota_us"), Long.toString(quotaMicros(fraction)));
                write(dir.resolve("cgroup.procs"), Long.toString(pid));
            } catch (IOException e) {
                remove(dir);
                throw new TestbedException("cannot cap CPU with cgroup " + dir + ": " + e.getMessage(), e);
            }
            return new CpuCap(dir, "cgroup v1 " + dir + " quota " + fraction + " core");
        }
        Commands.check("taskset", "-a", "-p", "-c", "0", Long.toString(pid));
        return new CpuCap(null, "taskset core 0 (no cgroup v1 cpu controller; fraction " + fraction
                + " not enforced below one core)");
    }

    /** The CFS period for {@code fraction} of one core: {@link #PERIOD_US}, longer where the quota would fall below 1 ms. */
    static long periodMicros(double fraction) {
        return Math.max(PERIOD_US, (long) Math.ceil(MIN_QUOTA_US / fraction));
    }

    /** The CFS quota for {@code fraction} of one core per {@link #periodMicros} (fractions above 1 allow several cores). */
    static long quotaMicros(double fraction) {
        return Math.max(MIN_QUOTA_US, Math.round(fraction * periodMicros(fraction)));
    }

    /** Removes the cgroup (its processes, if any still run, move back to the root group first). */
    @Override
    public void close() {
        if (dir != null) {
            remove(dir);
        }
    }

    /** Moves any remaining processes to the root group and removes {@code dir}; ignores a missing dir. */
    public static void remove(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try {
            for (String pid : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                if (!pid.isBlank()) {
                    try {
                        write(CPU_ROOT.resolve("cgroup.procs"), pid.strip());
                    } catch (IOException gone) {
                        // the process exited meanwhile
                    }
                }
            }
        } catch (IOException ignored) {
            // fall through to rmdir, which reports what is left
        }
        Commands.run(List.of("rmdir", dir.toString()));
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardCharsets.US_ASCII);
    }
}
