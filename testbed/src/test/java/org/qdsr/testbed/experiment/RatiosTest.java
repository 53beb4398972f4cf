package org.qdsr.testbed.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ratio tables with the modes side by side, and the latency experiment's path selection. */
class RatiosTest {
    @Test
    void everyModeIsDividedByTheFirstOneColumnPerMetricAndMode() {
        Map<String, double[]> goodput = Map.of("proxy", new double[] {10, 20}, "isolated", new double[] {40, 100},
                "instructed", new double[] {15, 0});
        Table t = new Ratios<Integer>(List.of("rs"), n -> List.of(n))
                .metric("goodput", (mode, n) -> goodput.get(mode)[n - 1])
                .table(List.of(1, 2), List.of("proxy", "isolated", "instructed"));
        assertThat(t.header()).containsExactly("rs", "goodput isolated/proxy", "goodput instructed/proxy");
        assertThat(t.rows()).containsExactly(List.of("1", "4.000", "1.500"), List.of("2", "5.000", "0.000"));
        assertThat(Ratios.heading(List.of("proxy", "isolated", "instructed")))
                .isEqualTo("Ratios isolated/proxy and instructed/proxy (same run)");
    }

    @Test
    void latencyPathsAreSelectedByNameInTheGivenOrder() {
        assertThat(Latency.selected(List.of("rtt50-loss1", "direct", "Verizon-LTE-short")))
                .extracting(LinkPath::name).containsExactly("rtt50-loss1", "direct", "Verizon-LTE-short");
        assertThat(Latency.selected(List.of("rtt100")).get(0).rttMs()).isEqualTo(100);
        assertThatThrownBy(() -> Latency.selected(List.of("rtt30"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown path rtt30");
    }
}
