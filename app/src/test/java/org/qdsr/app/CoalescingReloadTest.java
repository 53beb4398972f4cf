package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.app.InProcessCommand.Running;

/**
 * The LB's receive-coalescing window ({@code coalesce-us}) changes on a reload without a restart:
 * the reload's line says so once (a second reload of the same file finds the loop already at the
 * new value), and a value out of range leaves the configuration as it was. {@code qdsr lb
 * --config} in this JVM.
 */
@Timeout(60)
class CoalescingReloadTest {
    @TempDir
    Path dir;

    @Test
    void aReloadChangesTheWindowOfTheRunningLoop() throws Exception {
        Path yaml = dir.resolve("lb.yaml");
        int vip = InProcessCommand.freeUdpPort();
        Files.writeString(yaml, config(vip, ""));
        LbCommand lb = new LbCommand();
        try (Running run = InProcessCommand.start(lb, lb::stop, "--config", yaml.toString())) {
            assertThat(lb.awaitReady(30, TimeUnit.SECONDS)).as("lb: %s", run.out()).isTrue();
            assertThat(lb.reload()).as("unchanged file").doesNotContain("coalesce-us");

            Files.writeString(yaml, config(vip, "coalesce-us: 500\n"));
            assertThat(lb.reload()).contains("coalesce-us now 500").doesNotContain("not applied");
            assertThat(lb.reload()).as("the loop has it already").doesNotContain("coalesce-us");

            Files.writeString(yaml, config(vip, "coalesce-us: 0\n"));
            assertThat(lb.reload()).contains("coalesce-us now 0");

            Files.writeString(yaml, config(vip, "coalesce-us: 20000\n"));
            assertThat(lb.reload()).contains("failed, configuration unchanged", "coalesce-us");
            Files.writeString(yaml, config(vip, "coalesce-us: 0\n"));
            assertThat(lb.reload()).as("still off after the refused value").doesNotContain("coalesce-us");
        }
    }

    private static String config(int vip, String extra) {
        return "listen: \"127.0.0.1:" + vip + "\"\n"
                + "control: {insecure: true}\n"
                + "backends: [{name: a, address: \"127.0.0.1:9\"}]\n"
                + extra;
    }
}
