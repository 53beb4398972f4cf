package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The retries are for Kwik's stall signature only, and a stall in every run still fails. */
class KwikStallTest {
    @Test
    void onlyTheStallSignatureIsRetriedAndAtMostTwice() {
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> KwikStall.retryOnStall("t", () -> {
            runs.incrementAndGet();
            throw new AssertionError("request failed: connection closed: IDLE_TIMEOUT (NO_ERROR: idle timeout)");
        })).hasMessageContaining("IDLE_TIMEOUT");
        assertThat(runs).hasValue(KwikStall.MAX_RUNS);

        runs.set(0);
        assertThatThrownBy(() -> KwikStall.retryOnStall("t", () -> {
            runs.incrementAndGet();
            throw new AssertionError("expected: 200 but was: 503");
        })).hasMessageContaining("503");
        assertThat(runs).as("not a stall: no second run").hasValue(1);
    }
}
