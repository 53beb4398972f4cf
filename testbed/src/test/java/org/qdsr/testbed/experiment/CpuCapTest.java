package org.qdsr.testbed.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuCapTest {
    @Test
    void quarterCoreIsAQuarterOfATenMillisecondPeriod() {
        assertThat(CpuCap.periodMicros(0.25)).isEqualTo(10_000);
        assertThat(CpuCap.quotaMicros(0.25)).isEqualTo(2_500);
    }

    @Test
    void capsBelowATenthOfACoreStretchThePeriodInsteadOfRoundingUpTheQuota() {
        assertThat(CpuCap.quotaMicros(0.1)).isEqualTo(1_000);
        assertThat(CpuCap.periodMicros(0.05)).isEqualTo(20_000);
        assertThat(CpuCap.quotaMicros(0.05)).isEqualTo(1_000);
        assertThat((double) CpuCap.quotaMicros(0.03) / CpuCap.periodMicros(0.03)).isCloseTo(0.03, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void severalCoresAreOneLongerQuota() {
        assertThat(CpuCap.quotaMicros(1.5)).isEqualTo(15_000);
    }
}
