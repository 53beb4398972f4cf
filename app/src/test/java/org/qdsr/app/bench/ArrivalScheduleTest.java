package org.qdsr.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {
    @Test
    void uniformArrivalsAreExactlyOneOverRateApart() {
        ArrivalSchedule s = new ArrivalSchedule(4, ArrivalSchedule.Kind.UNIFORM, 1);
        assertThat(new long[] {s.next(), s.next(), s.next(), s.next()})
                .containsExactly(0, 250_000_000, 500_000_000, 750_000_000);
        assertThat(s.count()).isEqualTo(4);
    }

    @Test
    void poissonArrivalsAreReproducibleIncreasingAndHaveTheRightMeanAndSpread() {
        ArrivalSchedule a = new ArrivalSchedule(1000, ArrivalSchedule.Kind.POISSON, 42);
        ArrivalSchedule b = new ArrivalSchedule(1000, ArrivalSchedule.Kind.POISSON, 42);
        ArrivalSchedule c = new ArrivalSchedule(1000, ArrivalSchedule.Kind.POISSON, 43);
        int n = 100_000;
        long prev = -1;
        double sumSq = 0;
        boolean differs = false;
        long last = 0;
        for (int i = 0; i < n; i++) {
            long t = a.next();
            assertThat(t).isEqualTo(b.next()).isGreaterThanOrEqualTo(prev);
            differs |= c.next() != t;
            if (i > 0) {
                double gap = (t - prev) / 1e6;
                sumSq += gap * gap;
            }
            prev = t;
            last = t;
        }
        assertThat(a.next()).isPositive();
        assertThat(differs).isTrue();
        double meanGapMs = last / 1e6 / (n - 1);
        assertThat(meanGapMs).isBetween(0.98, 1.02);
        // exponential: variance = mean^2, so E[gap^2] = 2 mean^2 (a uniform schedule would give 1)
        assertThat(sumSq / (n - 1)).isBetween(1.9, 2.1);
    }

    @Test
    void rejectsNonPositiveRates() {
        assertThatThrownBy(() -> new ArrivalSchedule(0, ArrivalSchedule.Kind.POISSON, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArrivalSchedule(Double.NaN, ArrivalSchedule.Kind.UNIFORM, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
