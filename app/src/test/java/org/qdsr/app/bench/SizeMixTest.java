package org.qdsr.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SizeMixTest {
    @Test
    void parsesSizesWithDecimalAndBinarySuffixesAndWeights() {
        SizeMix mix = SizeMix.parse("1k:50, 10K:30,100k:15,1m:5");
        assertThat(mix.entries()).containsExactly(new SizeMix.Entry(1_000, 50), new SizeMix.Entry(10_000, 30),
                new SizeMix.Entry(100_000, 15), new SizeMix.Entry(1_000_000, 5));
        assertThat(mix.totalWeight()).isEqualTo(100);
        assertThat(mix.meanBytes()).isEqualTo((500 + 3_000 + 15_000 + 50_000) / 1.0);
        assertThat(SizeMix.parseSize("1500")).isEqualTo(1500);
        assertThat(SizeMix.parseSize("64ki")).isEqualTo(65_536);
        assertThat(SizeMix.parseSize("2Mi")).isEqualTo(2 << 20);
        assertThat(SizeMix.parseSize("1g")).isEqualTo(1_000_000_000L);
        assertThat(SizeMix.parseSize("0")).isZero();
    }

    @Test
    void rejectsMalformedSpecs() {
        assertThatThrownBy(() -> SizeMix.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> SizeMix.parse("1k")).hasMessageContaining("SIZE:WEIGHT");
        assertThatThrownBy(() -> SizeMix.parse("1k:50,")).hasMessageContaining("SIZE:WEIGHT");
        assertThatThrownBy(() -> SizeMix.parse("1x:5")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> SizeMix.parse("-1:5")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> SizeMix.parse("99999999999g:5")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> SizeMix.parse("1k:0")).hasMessageContaining("positive");
        assertThatThrownBy(() -> SizeMix.parse("1k:1.5")).hasMessageContaining("positive");
    }

    @Test
    void drawsFollowTheWeightsAndDependOnlyOnSeedAndIndex() {
        SizeMix mix = SizeMix.parse("1k:50,10k:30,100k:15,1m:5");
        Map<Long, Integer> counts = new HashMap<>();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            counts.merge(mix.sizeFor(i, 7), 1, Integer::sum);
        }
        assertThat(counts.get(1_000L) / (double) n).isBetween(0.49, 0.51);
        assertThat(counts.get(10_000L) / (double) n).isBetween(0.29, 0.31);
        assertThat(counts.get(100_000L) / (double) n).isBetween(0.14, 0.16);
        assertThat(counts.get(1_000_000L) / (double) n).isBetween(0.045, 0.055);
        assertThat(mix.sizeFor(12_345, 7)).isEqualTo(mix.sizeFor(12_345, 7));
        int differ = 0;
        for (int i = 0; i < 100; i++) {
            differ += mix.sizeFor(i, 7) != mix.sizeFor(i, 8) ? 1 : 0;
        }
        assertThat(differ).as("another seed, another sequence").isGreaterThan(20);
    }

    @Test
    void sizePlanBuildsPathsOnOneAuthority() {
        RequestPlan plan = RequestPlan.sizes(SizeMix.parse("2k:1"), "example:443", "/bytes/", 1);
        assertThat(plan.target(5)).isEqualTo(new BenchDriver.Target("example:443", "/bytes/2000"));
    }
}
