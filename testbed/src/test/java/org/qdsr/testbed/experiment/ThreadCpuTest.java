package org.qdsr.testbed.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qdsr.testbed.experiment.ThreadCpu.Kind;

class ThreadCpuTest {
    @Test
    void threadsAreSortedByTheirTruncatedLinuxNames() {
        assertThat(Kind.of("qdsr-lb-lb")).isEqualTo(Kind.LOOP);
        assertThat(Kind.of("qdsr-control-re")).isEqualTo(Kind.CONTROL);
        assertThat(Kind.of("C2 CompilerThre")).isEqualTo(Kind.JIT);
        assertThat(Kind.of("C1 CompilerThre")).isEqualTo(Kind.JIT);
        assertThat(Kind.of("GC Thread#0")).isEqualTo(Kind.GC);
        assertThat(Kind.of("G1 Conc#0")).isEqualTo(Kind.GC);
        assertThat(Kind.of("VM Thread")).isEqualTo(Kind.GC);
        assertThat(Kind.of("java")).isEqualTo(Kind.OTHER);
        assertThat(Kind.of("qdsr-metrics")).isEqualTo(Kind.OTHER);
    }

    @Test
    void aSampleOfThisJvmSeesItsOwnThreadsAndADifferenceIsPerKind() {
        ThreadCpu before = ThreadCpu.sample(ProcessHandle.current().pid());
        long x = 0;
        for (int i = 0; i < 50_000_000; i++) {
            x += i ^ (x >>> 3);
        }
        ThreadCpu after = ThreadCpu.sample(ProcessHandle.current().pid());
        assertThat(x).isNotZero();
        assertThat(after.total()).isGreaterThan(0).isGreaterThanOrEqualTo(before.total());
        assertThat(after.since(before).of(Kind.OTHER)).as("the busy main thread is OTHER").isGreaterThanOrEqualTo(0);
        ThreadCpu a = new ThreadCpu(Map.of(Kind.LOOP, 3.0, Kind.JIT, 1.0));
        ThreadCpu b = new ThreadCpu(Map.of(Kind.LOOP, 1.0));
        assertThat(a.since(b).of(Kind.LOOP)).isEqualTo(2.0);
        assertThat(a.since(b).of(Kind.JIT)).isEqualTo(1.0);
        assertThat(a.since(b).total()).isEqualTo(3.0);
        assertThat(ThreadCpu.sample(Long.MAX_VALUE).total()).as("a gone process").isZero();
    }
}
