package org.qdsr.testbed.experiment;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code lb-cpu --paths}: the path is checked before any namespace is built. */
class LbCpuPathTest {
    private static ExperimentOptions withPaths(List<String> paths, int clients) {
        ExperimentOptions d = ExperimentOptions.defaults(Path.of("/tmp/qdsr-lbcpu-path-test"), System.out);
        return new ExperimentOptions(false, 1, d.modes(), clients, null, 0, 0, 0, 0, 200, 0, paths, List.of(),
                List.of(), 0, d.workDir(), d.log());
    }

    @Test
    void anUnknownPathOrSeveralAreRefused() {
        assertThatThrownBy(() -> new LbCpu(PathEmulator.NONE).run(withPaths(List.of("rtt7"), 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown path rtt7");
        assertThatThrownBy(() -> new LbCpu(PathEmulator.NONE).run(withPaths(List.of("rtt20", "rtt50"), 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one --paths entry");
        assertThatThrownBy(() -> new LbCpu(PathEmulator.NONE).run(withPaths(List.of("rtt20"), 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one client");
    }

    @Test
    void aPathTheEmulatorCannotRunIsRefused() {
        assertThatThrownBy(() -> new LbCpu(PathEmulator.NONE).run(withPaths(List.of("rtt20"), 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not available for rtt20");
    }
}
