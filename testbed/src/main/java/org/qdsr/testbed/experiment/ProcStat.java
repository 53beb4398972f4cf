package org.qdsr.testbed.experiment;

import java.util.List;
import org.qdsr.testbed.Commands;

/** CPU time from {@code /proc}: the stat line's utime + stime, the clock tick, a JVM's JIT threads. */
public final class ProcStat {
    private static volatile long ticksPerSecond;

    private ProcStat() {}

    /**
     * utime + stime of the JIT compiler threads of JVM {@code pid} in seconds (threads named
     * {@code C1 CompilerThre...} / {@code C2 CompilerThre...}); 0 if there are none or it is gone.
     */
    public static double compilerSeconds(long pid) {
        return ThreadCpu.sample(pid).of(ThreadCpu.Kind.JIT);
    }

    /** utime + stime in clock ticks from one {@code /proc/PID/stat} line (fields 14 and 15). */
    static long parseTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static double ticksPerSecond() {
        if (ticksPerSecond == 0) {
            Commands.Result r = Commands.run(List.of("getconf", "CLK_TCK"));
            ticksPerSecond = r.ok() ? Long.parseLong(r.output().strip()) : 100;
        }
        return ticksPerSecond;
    }
}
