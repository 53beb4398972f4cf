package org.qdsr.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The command lines {@link QdsrJar} builds for processes in namespaces. */
class QdsrJarTest {
    private final QdsrJar qdsr = new QdsrJar(Path.of("/opt/java/bin/java"), Path.of("/opt/qdsr.jar"));

    @Test
    void serversGetTheServerJvmOptionsBeforeTheJar() {
        assertThat(qdsr.command("lb", "--mode", "isolated")).containsExactly("/opt/java/bin/java",
                "-XX:CompileThresholdScaling=0.1", "-Xms1g", "-XX:+AlwaysPreTouch", "-jar", "/opt/qdsr.jar", "lb", "--mode", "isolated");
        assertThat(qdsr.command("rs", "--synthetic")).containsSubsequence(QdsrJar.SERVER_JVM_OPTIONS.get(0), "-jar",
                "/opt/qdsr.jar", "rs");
    }

    @Test
    void clientsAndToolsRunWithTheJvmDefaults() {
        assertThat(qdsr.command("bench", "https://198.18.0.100:4433/")).containsExactly("/opt/java/bin/java", "-jar",
                "/opt/qdsr.jar", "bench", "https://198.18.0.100:4433/");
        assertThat(qdsr.command("certs", "--out", "/tmp/c")).doesNotContainAnyElementsOf(QdsrJar.SERVER_JVM_OPTIONS);
    }
}
