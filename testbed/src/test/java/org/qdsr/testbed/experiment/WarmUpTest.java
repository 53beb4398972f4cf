package org.qdsr.testbed.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WarmUpTest {
    private static final BenchLoad LOAD = BenchLoad.counted(1, 1, 1, List.of(BenchLoad.bytes(1)));

    @Test
    void roundsGoOnWhileTheCompilersAreBusyUpToTheLimit() {
        WarmUp w = new WarmUp(LOAD, null, 3, 0.1);
        assertThat(w.settled(1, 0.5)).isFalse();
        assertThat(w.settled(2, 0.1)).as("0.1 s is not below 0.1 s").isFalse();
        assertThat(w.settled(2, 0.05)).isTrue();
        assertThat(w.settled(3, 2.0)).as("the last round ends it whatever the JIT does").isTrue();
    }

    @Test
    void onceIsOneRound() {
        assertThat(WarmUp.once(LOAD).settled(1, 99)).isTrue();
        assertThatThrownBy(() -> new WarmUp(LOAD, null, 0, 0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fullRunsWarmUpForAtMostTheRoundsAskedForAndSmokeRunsOnce() {
        ExperimentOptions d = ExperimentOptions.defaults(java.nio.file.Path.of("/tmp/x"), System.out);
        assertThat(d.warmUp().maxRounds()).isEqualTo(ExperimentOptions.DEFAULT_WARM_UP_ROUNDS);
        ExperimentOptions forty = new ExperimentOptions(false, 1, d.modes(), 1, null, 0, 0, 0, 0, 200, 0, List.of(),
                List.of(), List.of(), 40, d.workDir(), d.log());
        assertThat(forty.warmUp().maxRounds()).isEqualTo(40);
        assertThat(forty.withSmoke(true).warmUp().maxRounds()).isEqualTo(1);
        assertThat(d.warmUp().handshakes().connections()).as("full runs open many connections every round")
                .isEqualTo(ExperimentOptions.HANDSHAKES_PER_WARM_UP_ROUND);
        assertThat(d.warmUp().handshakes().requests()).isEqualTo(d.warmUp().handshakes().connections());
        assertThat(d.withSmoke(true).warmUp().handshakes()).isNull();
        assertThatThrownBy(() -> new ExperimentOptions(false, 1, d.modes(), 1, null, 0, 0, 0, 0, 200, 0, List.of(),
                List.of(), List.of(), -1, d.workDir(), d.log())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void compilerTimeOfAGoneProcessIsZeroAndOfThisJvmIsCounted() {
        assertThat(ProcStat.compilerSeconds(Long.MAX_VALUE)).isZero();
        assertThat(ProcStat.compilerSeconds(ProcessHandle.current().pid())).isGreaterThanOrEqualTo(0);
    }
}
