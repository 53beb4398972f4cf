package org.qdsr.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.testbed.Commands;

/**
 * {@code qdsr testbed up} leaves the cluster running with a state file; {@code down} removes it
 * all and is idempotent. Needs root and iproute2 (fails, never skips, without them).
 */
class TestbedUpDownTest {
    @TempDir
    Path dir;

    private Path state;

    @AfterEach
    void alwaysDown() {
        if (state != null && Files.exists(state)) {
            main(new ByteArrayOutputStream()).run("down", "--state", state.toString());
        }
    }

    private static TestbedMain main(ByteArrayOutputStream sink) {
        PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8);
        return new TestbedMain(ps, ps);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void upWritesStateAndDownRemovesEverything() throws Exception {
        Commands.checkPrerequisites();
        state = dir.resolve("state.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int up = main(out).run("up", "--rs", "2", "--lb-cpu", "0.5", "--mode", "isolated", "--state", state.toString(),
                "--dir", dir.resolve("work").toString());
        assertThat(up).as("up; output:\n%s", out).isZero();

        TestbedState s = TestbedState.read(state);
        assertThat(s.namespaces()).hasSize(5).allMatch(n -> n.startsWith("qdsr-"))
                .anyMatch(n -> n.endsWith("-lb")).anyMatch(n -> n.endsWith("-rs2")).anyMatch(n -> n.endsWith("-client1"));
        String netns = Commands.run(List.of("ip", "netns", "list")).output();
        s.namespaces().forEach(n -> assertThat(netns).contains(n));
        assertThat(s.pids()).hasSize(3).contains(s.lbPid());
        s.pids().forEach(p -> assertThat(ProcessHandle.of(p)).as("pid %d alive", p).isPresent());
        assertThat(s.cgroups()).hasSize(1);
        Path cgroup = Path.of(s.cgroups().get(0));
        assertThat(Files.readString(cgroup.resolve("cgroup.procs"))).contains(Long.toString(s.lbPid()));
        assertThat(Files.readString(cgroup.resolve("cpu.cfs_quota_us")).strip()).isEqualTo("5000");
        assertThat(Files.readString(cgroup.resolve("cpu.cfs_period_us")).strip()).isEqualTo("10000");

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        assertThat(main(again).run("up", "--state", state.toString())).as("second up refuses").isEqualTo(1);
        assertThat(again.toString(StandardCharsets.UTF_8)).contains("already up");

        ByteArrayOutputStream downOut = new ByteArrayOutputStream();
        assertThat(main(downOut).run("down", "--state", state.toString())).as("down; %s", downOut).isZero();
        assertThat(state).doesNotExist();
        String after = Commands.run(List.of("ip", "netns", "list")).output();
        s.namespaces().forEach(n -> assertThat(after).doesNotContain(n));
        for (long pid : s.pids()) {
            ProcessHandle.of(pid).ifPresent(h -> assertThat(h.isAlive()).as("pid %d still alive", pid).isFalse());
        }
        assertThat(cgroup).doesNotExist();

        ByteArrayOutputStream idle = new ByteArrayOutputStream();
        assertThat(main(idle).run("down", "--state", state.toString())).as("down again").isZero();
        assertThat(idle.toString(StandardCharsets.UTF_8)).contains("nothing to tear down");
    }

    @Test
    void usageErrorsExitTwo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(main(out).run()).isEqualTo(2);
        assertThat(main(out).run("sideways")).isEqualTo(2);
        assertThat(main(out).run("run", "no-such-experiment")).isEqualTo(2);
        assertThat(main(out).run("up", "--rs", "many")).isEqualTo(2);
        assertThat(main(out).run("up", "--bogus")).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("unknown testbed command sideways")
                .contains("unknown experiment no-such-experiment").contains("--rs needs an integer");
    }
}
