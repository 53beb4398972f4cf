package org.qdsr.quic.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RangeSetTest {
    @Test
    void addMergesOverlappingAndAdjacent() {
        RangeSet s = new RangeSet();
        s.add(10, 20);
        s.add(30, 40);
        s.add(20, 25);
        assertThat(s.toArray()).containsExactly(10, 25, 30, 40);
        s.add(24, 31);
        assertThat(s.toArray()).containsExactly(10, 40);
        s.add(0, 5);
        s.add(50, 60);
        assertThat(s.toArray()).containsExactly(0, 5, 10, 40, 50, 60);
        s.add(3, 55);
        assertThat(s.toArray()).containsExactly(0, 60);
    }

    @Test
    void removeSplitsAndTrims() {
        RangeSet s = new RangeSet();
        s.add(0, 100);
        s.remove(10, 20);
        assertThat(s.toArray()).containsExactly(0, 10, 20, 100);
        s.remove(0, 5);
        s.remove(90, 200);
        assertThat(s.toArray()).containsExactly(5, 10, 20, 90);
        s.remove(8, 30);
        assertThat(s.toArray()).containsExactly(5, 8, 30, 90);
        s.remove(0, 1000);
        assertThat(s.isEmpty()).isTrue();
    }

    @Test
    void queries() {
        RangeSet s = RangeSet.fromArray(new long[] {10, 20, 30, 40});
        assertThat(s.contains(10, 20)).isTrue();
        assertThat(s.contains(15, 21)).isFalse();
        assertThat(s.coveredEnd(10)).isEqualTo(20);
        assertThat(s.coveredEnd(20)).isEqualTo(20);
        assertThat(s.coveredEnd(5)).isEqualTo(5);
        assertThat(s.nextStartAfter(5)).isEqualTo(10);
        assertThat(s.nextStartAfter(10)).isEqualTo(30);
        assertThat(s.nextStartAfter(20)).isEqualTo(30);
        assertThat(s.nextStartAfter(35)).isEqualTo(Long.MAX_VALUE);
        assertThat(s.totalLength()).isEqualTo(20);
    }

    @Test
    void randomizedAgainstBitSet() {
        SplittableRandom rnd = new SplittableRandom(7);
        RangeSet s = new RangeSet();
        BitSet model = new BitSet();
        for (int i = 0; i < 5000; i++) {
            int a = rnd.nextInt(500);
            int b = a + rnd.nextInt(40);
            if (rnd.nextInt(3) == 0) {
                s.remove(a, b);
                model.clear(a, b);
            } else {
                s.add(a, b);
                model.set(a, b);
            }
        }
        BitSet fromSet = new BitSet();
        for (int i = 0; i < s.size(); i++) {
            assertThat(s.start(i)).isLessThan(s.end(i));
            if (i > 0) {
                assertThat(s.start(i)).isGreaterThan(s.end(i - 1));
            }
            fromSet.set((int) s.start(i), (int) s.end(i));
        }
        assertThat(fromSet).isEqualTo(model);
    }
}
