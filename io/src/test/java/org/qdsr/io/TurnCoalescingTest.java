package org.qdsr.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Table-driven: a sequence of loop events (times in ms) and where the next poll falls after each. */
class TurnCoalescingTest {
    private static final long MS = 1_000_000L;
    private static final long FAR = Long.MAX_VALUE;

    /** One step: what happened at {@code at} ms, then the pollAt expected at that time (null: {@link TurnCoalescing#NO_PAUSE}). */
    private record Step(String event, long at, long inSoFar, long outSoFar, Long expectPollAtMs) {
    }

    /** {@code datagrams}: read so far (none sent). */
    private static Step step(String event, long at, long datagrams, Long expect) {
        return new Step(event, at, datagrams, 0, expect);
    }

    private static void run(long windowMs, List<Step> steps) {
        TurnCoalescing c = new TurnCoalescing();
        c.window(windowMs * MS);
        for (Step s : steps) {
            long now = s.at * MS;
            switch (s.event) {
                case "woke" -> c.woke(now, true);
                case "timer" -> c.woke(now, false);
                case "polled" -> c.polled(now, true);
                case "polled-empty" -> c.polled(now, false);
                default -> throw new IllegalArgumentException(s.event);
            }
            c.served(s.inSoFar, s.outSoFar, now);
            long expected = s.expectPollAtMs == null ? TurnCoalescing.NO_PAUSE : s.expectPollAtMs * MS;
            assertThat(c.pollAt(now, FAR)).as("after %s at %d ms", s.event, s.at).isEqualTo(expected);
        }
    }

    @Test
    void wakeUpsLessThanAWindowApartStartPausesUntilAWindowAfterTheLast() {
        run(2, List.of(
                step("woke", 100, 1, null),     // the first wake-up: nothing to compare with
                step("woke", 101, 2, 103L),     // 1 ms after the last: busy, poll at 101 + 2
                step("polled", 103, 5, 105L),   // the poll found datagrams: pause again
                step("polled", 105, 6, 107L),
                step("polled-empty", 107, 6, null), // nothing came: block as usual
                step("woke", 120, 7, null),     // 13 ms later: not busy
                step("woke", 121, 8, 123L)));
    }

    @Test
    void aTimerWakeUpNeitherStartsNorEndsAPause() {
        run(2, List.of(
                step("woke", 100, 1, null),
                step("timer", 100, 1, null),    // a pacing timer soon after: still not busy
                step("woke", 110, 2, null),
                step("woke", 111, 3, 113L),
                step("timer", 112, 3, 113L)));  // a timer in the pause keeps the poll time
    }

    @Test
    void aHeavyTurnIsNotFollowedByAPause() {
        run(2, List.of(
                step("woke", 100, 1, null),
                step("woke", 101, 2, 103L),
                step("polled", 103, 2 + TurnCoalescing.HEAVY_TURN, null), // 16 datagrams in that turn
                step("woke", 103, 2 + TurnCoalescing.HEAVY_TURN + 1, 105L)));
    }

    @Test
    void aLoopThatSendsManyPerWindowDoesNotPause() {
        int many = TurnCoalescing.SENDING;
        run(2, List.of(
                new Step("woke", 100, 1, 0, null),
                new Step("woke", 101, 2, 3, 103L),              // a few sent: an ACK or two
                new Step("polled", 103, 3, 3 + many, null),     // relaying a response: no pause
                new Step("woke", 103, 4, 3 + many + 5, null),   // still within that window
                new Step("woke", 104, 5, 3 + many + 9, null),
                new Step("woke", 105, 6, 3 + many + 10, 107L),  // 2 ms since, 10 sent meanwhile: pause again
                new Step("woke", 106, 7, 3 + 2 * many + 10, null))); // a burst ends it at once
    }

    @Test
    void dataPathWorkOfAnotherKindCountsAsABurstOfSends() {
        TurnCoalescing c = new TurnCoalescing();
        c.window(2 * MS);
        c.woke(100 * MS, true);
        c.served(1, 0, 100 * MS);
        c.woke(101 * MS, true);
        c.served(2, 0, 101 * MS);
        assertThat(c.pollAt(101 * MS, FAR)).as("busy, nothing sent").isEqualTo(103 * MS);
        c.onDataPath(); // e.g. the LB instructed a real server's sending in that turn
        c.served(2, 0, 101 * MS);
        assertThat(c.pollAt(101 * MS, FAR)).isEqualTo(TurnCoalescing.NO_PAUSE);
        c.woke(102 * MS, true);
        c.served(3, 0, 102 * MS);
        assertThat(c.pollAt(102 * MS, FAR)).as("within that window").isEqualTo(TurnCoalescing.NO_PAUSE);
        c.woke(103 * MS, true);
        c.served(4, 0, 103 * MS);
        assertThat(c.pollAt(103 * MS, FAR)).as("a window without it").isEqualTo(105 * MS);
    }

    @Test
    void windowZeroNeverPauses() {
        run(0, List.of(step("woke", 100, 1, null), step("woke", 100, 2, null), step("woke", 101, 3, null)));
    }

    @Test
    void theEarliestDeadlineEndsThePauseSooner() {
        TurnCoalescing c = new TurnCoalescing();
        c.window(2 * MS);
        c.woke(100 * MS, true);
        c.woke(101 * MS, true);
        assertThat(c.pollAt(101 * MS, 102 * MS)).isEqualTo(102 * MS);
        assertThat(c.pollAt(101 * MS, FAR)).isEqualTo(103 * MS);
    }

    @Test
    void aNegativeWindowIsRefused() {
        assertThatThrownBy(() -> new TurnCoalescing().window(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(">= 0");
    }
}
