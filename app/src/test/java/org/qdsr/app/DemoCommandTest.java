package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class DemoCommandTest {
    @Test
    void demoVerifiesEveryFileAndExitsZero() {
        CliHarness.Run run = CliHarness.run("demo");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("7 of 7 files verified").contains("demo OK").contains("/large.bin")
                .contains("handoffs so far isolated=7 instructed=7 proxy=0").doesNotContain("demo FAILED");
    }
}
