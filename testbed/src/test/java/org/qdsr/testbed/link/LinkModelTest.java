package org.qdsr.testbed.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link LinkModel} on a virtual clock (nanoseconds). */
class LinkModelTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 5_000 * MS; // an arbitrary clock origin

    private static LinkModel<Integer> model(long delayMs, double loss, long queue, Shaper shaper) {
        return new LinkModel<>(new LinkModel.Config(delayMs * MS, loss, queue), shaper, new SplittableRandom(42));
    }

    /** Polls at each due time; returns "packet@ms since T0". */
    private static List<String> drain(LinkModel<Integer> m) {
        List<String> out = new ArrayList<>();
        while (m.nextDeliveryTime() != Long.MAX_VALUE) {
            long t = m.nextDeliveryTime();
            assertThat(m.poll(t - 1)).isNull();
            for (Integer p = m.poll(t); p != null; p = m.poll(t)) {
                out.add(p + "@" + (t - T0) / (double) MS);
            }
        }
        return out;
    }

    @Test
    void delaysEveryPacketByExactlyTheOneWayDelayInOrder() {
        LinkModel<Integer> m = model(40, 0, 1 << 20, Shaper.unlimited());
        assertThat(m.nextDeliveryTime()).isEqualTo(Long.MAX_VALUE);
        assertThat(m.offer(1, 1200, T0)).isEqualTo(LinkModel.Offer.ACCEPTED);
        assertThat(m.offer(2, 100, T0 + 3 * MS)).isEqualTo(LinkModel.Offer.ACCEPTED);
        assertThat(m.nextDeliveryTime()).isEqualTo(T0 + 40 * MS);
        assertThat(m.poll(T0 + 40 * MS - 1)).isNull();
        assertThat(drain(m)).containsExactly("1@40.0", "2@43.0");
        assertThat(m.stats().forwardedDatagrams()).isEqualTo(2);
        assertThat(m.stats().forwardedBytes()).isEqualTo(1300);
    }

    @Test
    void randomLossDropsAboutTheConfiguredFractionReproducibly() {
        int[] dropped = new int[2];
        for (int run = 0; run < 2; run++) {
            LinkModel<Integer> m = model(0, 0.1, 1 << 20, Shaper.unlimited());
            for (int i = 0; i < 20_000; i++) {
                if (m.offer(i, 100, T0 + i) == LinkModel.Offer.DROPPED_LOSS) {
                    dropped[run]++;
                }
            }
            assertThat(m.stats().lossDatagrams()).isEqualTo(dropped[run]);
            assertThat(m.stats().lossBytes()).isEqualTo(100L * dropped[run]);
            assertThat(m.inFlight()).isEqualTo(20_000 - dropped[run]);
        }
        assertThat(dropped[0]).isEqualTo(dropped[1]).isBetween(1_800, 2_200);
        assertThat(model(0, 0, 1 << 20, Shaper.unlimited()).offer(1, 1, T0)).isEqualTo(LinkModel.Offer.ACCEPTED);
        assertThat(model(0, 1, 1 << 20, Shaper.unlimited()).offer(1, 1, T0))
                .isEqualTo(LinkModel.Offer.DROPPED_LOSS);
    }

    @Test
    void traceDeliversOneMtuPerOpportunityThenAddsTheDelay() {
        MahimahiTrace trace = MahimahiTrace.parse("0\n2\n2\n7\n10\n");
        LinkModel<Integer> m = model(5, 0, 1 << 20, new TraceShaper(trace, T0));
        for (int i = 1; i <= 5; i++) {
            assertThat(m.offer(i, 1500, T0)).isEqualTo(LinkModel.Offer.ACCEPTED);
        }
        assertThat(m.queuedBytes(T0)).isEqualTo(4 * 1500); // #1 leaves at once (opportunity at 0)
        // opportunities 0, 2, 2, 7, 10 + 5 ms of delay
        assertThat(drain(m)).containsExactly("1@5.0", "2@7.0", "3@7.0", "4@12.0", "5@15.0");
    }

    @Test
    void smallPacketsShareAnOpportunityAndLargeOnesSpanSeveral() {
        MahimahiTrace trace = MahimahiTrace.parse("1\n2\n3\n4\n");
        LinkModel<Integer> m = model(0, 0, 1 << 20, new TraceShaper(trace, T0));
        m.offer(1, 500, T0);
        m.offer(2, 1000, T0); // fills opportunity @1 exactly
        m.offer(3, 1000, T0); // @2, 500 left
        m.offer(4, 2000, T0); // 500 left in @2 + 1500 of @3 -> @3
        m.offer(5, 10, T0); // @4
        assertThat(drain(m)).containsExactly("1@1.0", "2@1.0", "3@2.0", "4@3.0", "5@4.0");
    }

    @Test
    void traceRepeatsAtItsEndAndSkipsOpportunitiesWhileIdle() {
        MahimahiTrace trace = MahimahiTrace.parse("3\n10\n");
        LinkModel<Integer> m = model(0, 0, 1 << 20, new TraceShaper(trace, T0));
        m.offer(1, 1500, T0); // @3
        m.offer(2, 1500, T0); // @10
        m.offer(3, 1500, T0); // period 2 starts at 10: line 3 -> @13
        m.offer(4, 1500, T0); // @20
        assertThat(drain(m)).containsExactly("1@3.0", "2@10.0", "3@13.0", "4@20.0");
        // idle from 20 to 24 ms: the opportunity @23 passed unused and is lost
        m.offer(5, 1500, T0 + 24 * MS); // @30
        m.offer(6, 1500, T0 + 24 * MS); // 33
        assertThat(drain(m)).containsExactly("5@30.0", "6@33.0");
        m.offer(7, 100, T0 + 1_000_001 * MS); // 1 000 001 = 100 000 periods + 1 ms -> line 3
        assertThat(drain(m)).containsExactly("7@1000003.0");
    }

    @Test
    void fullQueueDropsTheTail() {
        MahimahiTrace trace = MahimahiTrace.parse("10\n20\n30\n40\n");
        LinkModel<Integer> m = model(0, 0, 3000, new TraceShaper(trace, T0));
        assertThat(m.offer(1, 1500, T0)).isEqualTo(LinkModel.Offer.ACCEPTED);
        assertThat(m.offer(2, 1500, T0)).isEqualTo(LinkModel.Offer.ACCEPTED);
        assertThat(m.offer(3, 1, T0)).isEqualTo(LinkModel.Offer.DROPPED_QUEUE);
        assertThat(m.queuedBytes(T0 + 10 * MS - 1)).isEqualTo(3000);
        assertThat(m.queuedBytes(T0 + 10 * MS)).isEqualTo(1500); // #1 left @10
        assertThat(m.offer(4, 1500, T0 + 10 * MS)).isEqualTo(LinkModel.Offer.ACCEPTED);
        assertThat(drain(m)).containsExactly("1@10.0", "2@20.0", "4@30.0");
        LinkStats s = m.stats();
        assertThat(s.queueDropDatagrams()).isEqualTo(1);
        assertThat(s.queueDropBytes()).isEqualTo(1);
        assertThat(s.forwardedDatagrams()).isEqualTo(3);
    }

    @Test
    void tokenBucketSerializesAtTheRate() {
        // 12 Mbit/s = 1.5 bytes per microsecond: 1500 bytes take 1 ms; the bucket starts full
        LinkModel<Integer> m = model(2, 0, 1 << 20, TokenBucketShaper.ofMbit(12));
        for (int i = 1; i <= 4; i++) {
            m.offer(i, 1500, T0);
        }
        assertThat(drain(m)).containsExactly("1@2.0", "2@3.0", "3@4.0", "4@5.0");
        m.offer(5, 750, T0 + 100 * MS); // bucket refilled
        m.offer(6, 1500, T0 + 100 * MS); // needs 750 more bytes: 0.5 ms
        assertThat(drain(m)).containsExactly("5@102.0", "6@102.5");
    }

    @Test
    void unlimitedRateNeverQueues() {
        LinkModel<Integer> m = model(1, 0, 1000, Shaper.unlimited());
        for (int i = 0; i < 100; i++) {
            assertThat(m.offer(i, 999, T0)).isEqualTo(LinkModel.Offer.ACCEPTED);
        }
        assertThat(m.queuedBytes(T0)).isZero();
        assertThat(drain(m)).hasSize(100);
    }

    @Test
    void saturatedRealTraceDeliversExactlyOnePacketPerOpportunity() throws Exception {
        MahimahiTrace trace = MahimahiTrace.load(MahimahiTraceTest.TRACES.resolve("Verizon-LTE-short.down"));
        LinkModel<Integer> m = model(0, 0, Long.MAX_VALUE, new TraceShaper(trace, T0));
        long end = T0 + 10_000 * MS;
        int delivered = 0;
        for (long t = T0; t <= end; t += MS) {
            for (int i = 0; i < 20; i++) { // 240 Mbit/s offered: always backlogged
                m.offer(i, 1500, t);
            }
            while (m.poll(t) != null) {
                delivered++;
            }
        }
        long opportunities = trace.firstOpportunityAtOrAfter(10_001);
        assertThat(delivered).isEqualTo((int) opportunities).isBetween(3_000, 8_000);
    }
}
