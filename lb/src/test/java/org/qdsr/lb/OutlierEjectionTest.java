package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.qdsr.control.message.StreamReady;
import org.qdsr.control.message.StreamReport;

/** When a backend that keeps refusing requests is taken out of routing, for how long, and when not. */
class OutlierEjectionTest {
    private static final long SECOND = 1_000_000_000L;
    private final LbMetrics metrics = new LbMetrics();
    private final OutlierEjection outliers = new OutlierEjection(metrics);
    private final Backend a = up(0, "a");
    private final Backend b = up(1, "b");
    private final List<Backend> all = List.of(a, b);

    private static Backend up(int id, String name) {
        Backend x = new Backend(id, name, 1);
        x.up(m -> true);
        return x;
    }

    private void report(Backend from, StreamReport.Outcome outcome, long now) {
        outliers.onMessage(from, new StreamReport(1, 0, outcome, 0, 0, 0, 0), all, now);
    }

    private void refusals(Backend from, int n, long now) {
        for (int i = 0; i < n; i++) {
            report(from, StreamReport.Outcome.REJECTED, now);
        }
    }

    @Test
    void fiveRefusalsInARowEjectForTenSecondsThenTwiceAsLong() {
        refusals(a, OutlierEjection.REFUSALS - 1, 0);
        assertThat(a.routable()).isTrue();
        refusals(a, 1, 0);
        assertThat(a.ejected()).isTrue();
        assertThat(a.routable()).isFalse();
        assertThat(outliers.nextDeadline()).isEqualTo(10 * SECOND);
        assertThat(metrics.backendEjections).isEqualTo(1);

        outliers.onDeadline(10 * SECOND - 1);
        assertThat(a.ejected()).as("not yet").isTrue();
        outliers.onDeadline(10 * SECOND);
        assertThat(a.routable()).as("probed again").isTrue();
        assertThat(outliers.nextDeadline()).isEqualTo(Long.MAX_VALUE);

        refusals(a, OutlierEjection.REFUSALS, 11 * SECOND);
        assertThat(outliers.nextDeadline()).as("refused again: twice as long").isEqualTo(31 * SECOND);
        outliers.onDeadline(31 * SECOND);
        outliers.onMessage(a, new StreamReady(1, 0, 100, false, 200), all, 32 * SECOND);
        refusals(a, OutlierEjection.REFUSALS, 33 * SECOND);
        assertThat(outliers.nextDeadline()).as("a served response ended the streak").isEqualTo(43 * SECOND);
    }

    @Test
    void aServedResponseBreaksTheStreakAndOtherOutcomesDoNotCount() {
        refusals(a, OutlierEjection.REFUSALS - 1, 0);
        report(a, StreamReport.Outcome.FINISHED, 0);
        refusals(a, OutlierEjection.REFUSALS - 1, 0);
        report(a, StreamReport.Outcome.FAILED, 0);
        report(a, StreamReport.Outcome.RESET, 0);
        assertThat(a.ejected()).isFalse();
        refusals(a, 1, 0);
        assertThat(a.ejected()).as("the fifth refusal since the last served response").isTrue();
    }

    @Test
    void theLastRoutableBackendIsNeverEjected() {
        b.down();
        refusals(a, 3 * OutlierEjection.REFUSALS, 0);
        assertThat(a.routable()).isTrue();
        assertThat(metrics.backendEjections).isZero();

        b.up(m -> true);
        refusals(a, OutlierEjection.REFUSALS, 0);
        refusals(b, 3 * OutlierEjection.REFUSALS, 0);
        assertThat(a.ejected()).isTrue();
        assertThat(b.routable()).as("a is out: b is the last one").isTrue();
    }

    @Test
    void ejectionsBackOffToFiveMinutesAtMost() {
        long now = 0;
        for (int i = 0; i < 12; i++) {
            refusals(a, OutlierEjection.REFUSALS, now);
            long until = outliers.nextDeadline();
            assertThat(until - now).isLessThanOrEqualTo(OutlierEjection.MAX_NANOS);
            now = until;
            outliers.onDeadline(now);
        }
        refusals(a, OutlierEjection.REFUSALS, now);
        assertThat(outliers.nextDeadline() - now).isEqualTo(OutlierEjection.MAX_NANOS);
    }
}
