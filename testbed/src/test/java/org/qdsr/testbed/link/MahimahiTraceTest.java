package org.qdsr.testbed.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MahimahiTraceTest {
    /** The shared cellular traces (third-party data, not in the repository). */
    static final Path TRACES = Path.of(System.getProperty("qdsr.traces", "/work/shared/traces"));

    @Test
    void parsesRepeatedMillisecondsAndRepeatsWithTheLastTimestampAsPeriod() {
        MahimahiTrace t = MahimahiTrace.parse("0\n0\n5\n\n10\n");
        assertThat(t.size()).isEqualTo(4);
        assertThat(t.periodMillis()).isEqualTo(10);
        assertThat(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L).stream().map(t::opportunityMillis))
                .containsExactly(0L, 0L, 5L, 10L, 10L, 10L, 15L, 20L, 20L);
        assertThat(t.meanBitsPerSecond()).isEqualTo(4 * 1500 * 8 * 100.0);
    }

    @Test
    void findsTheFirstOpportunityAtOrAfterATime() {
        MahimahiTrace t = MahimahiTrace.parse("0\n0\n5\n10\n");
        assertThat(t.firstOpportunityAtOrAfter(0)).isZero();
        assertThat(t.firstOpportunityAtOrAfter(1)).isEqualTo(2);
        assertThat(t.firstOpportunityAtOrAfter(6)).isEqualTo(3);
        // ms 10 is both line "10" of period 0 and line "0" of period 1: the earlier index wins
        assertThat(t.firstOpportunityAtOrAfter(10)).isEqualTo(3);
        assertThat(t.firstOpportunityAtOrAfter(11)).isEqualTo(6);
        assertThat(t.firstOpportunityAtOrAfter(1_000_003)).isEqualTo(100_000 * 4 + 2);
    }

    @Test
    void rejectsMalformedTraces() {
        assertThatThrownBy(() -> MahimahiTrace.parse("0\n5\n3\n")).hasMessageContaining(":3:")
                .hasMessageContaining("decrease");
        assertThatThrownBy(() -> MahimahiTrace.parse("1\nx\n")).hasMessageContaining(":2:");
        assertThatThrownBy(() -> MahimahiTrace.parse("-1\n3\n")).hasMessageContaining("non-negative");
        assertThatThrownBy(() -> MahimahiTrace.parse("\n")).hasMessageContaining("empty");
        assertThatThrownBy(() -> MahimahiTrace.parse("0\n0\n")).hasMessageContaining("period");
    }

    @Test
    void loadsEverySharedCellularTrace() throws Exception {
        List<Path> files;
        try (var s = Files.list(TRACES)) {
            files = s.filter(p -> p.toString().endsWith(".up") || p.toString().endsWith(".down")).sorted().toList();
        }
        assertThat(files).hasSize(6);
        for (Path f : files) {
            MahimahiTrace t = MahimahiTrace.load(f);
            assertThat(t.size()).as(f.toString()).isEqualTo(countLines(f));
            assertThat(t.periodMillis()).as(f.toString()).isBetween(100_000L, 150_000L);
            assertThat(t.meanBitsPerSecond()).as(f.toString()).isBetween(1e6, 20e6);
        }
        MahimahiTrace verizon = MahimahiTrace.load(TRACES.resolve("Verizon-LTE-short.down"));
        assertThat(verizon.size()).isEqualTo(58_655);
        assertThat(verizon.periodMillis()).isEqualTo(140_000);
        assertThat(verizon.meanBitsPerSecond() / 1e6).isBetween(4.9, 5.1);
    }

    private static int countLines(Path f) throws Exception {
        int n = 0;
        try (BufferedReader r = Files.newBufferedReader(f)) {
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                if (!l.isBlank()) {
                    n++;
                }
            }
        }
        return n;
    }
}
