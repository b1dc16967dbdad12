package dev.cascade.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.monitoring.Histogram;
import dev.cascade.api.monitoring.LoopWindow;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoopTimingTest {

    private static final long US = 1000;

    @Test
    void cycleTimeAndLatenessAreRecordedApart() {
        LoopTiming timing = new LoopTiming(0);
        timing.record(5_000 * US, 10 * US); // late by 5 ms, then 10 us of work
        Histogram[] since = timing.snapshot();
        assertEquals(1, since[0].count());
        assertEquals(10, since[0].max(), 0.1);
        assertEquals(5_000, since[1].max(), 50);
    }

    @Test
    void aWindowHoldsOnlyTheNewestEndedIntervals() {
        LoopTiming timing = new LoopTiming(1_000);
        assertEquals(0, timing.window(10).cycleTime().count(), "no interval has ended yet");
        for (int i = 0; i < 100; i++) {
            timing.record(0, 1_000 * US); // first second: 1 ms passes
        }
        timing.tick(2_000);
        for (int i = 0; i < 100; i++) {
            timing.record(0, 10 * US); // second second: 10 us passes
        }
        timing.snapshot(); // a reader in between loses nothing for the windows
        timing.record(0, 10 * US);
        timing.tick(3_000);
        timing.record(0, 50_000 * US); // not ended: in no window yet

        LoopWindow last = timing.window(1);
        assertEquals(101, last.cycleTime().count());
        assertEquals(10, last.cycleTime().p99(), 0.1);
        assertEquals(Instant.ofEpochMilli(2_000), last.start());
        assertEquals(Instant.ofEpochMilli(3_000), last.end());

        LoopWindow both = timing.window(2);
        assertEquals(201, both.cycleTime().count());
        assertEquals(1_000, both.cycleTime().p99(), 10, "1 % precision: " + both.cycleTime());
        assertEquals(Instant.ofEpochMilli(1_000), both.start());
        assertEquals(both, timing.window(60), "only two intervals have ended");
        assertEquals(202, timing.snapshot()[0].count(), "the totals since the start have everything");
    }

    @Test
    void chosenIntervalsArePooledAndTheOthersLeftOut() {
        LoopTiming timing = new LoopTiming(0);
        // four intervals, alternately of 5 us and 500 us passes
        for (int s = 1; s <= 4; s++) {
            for (int i = 0; i < 100; i++) {
                timing.record(0, (s % 2 == 1 ? 5 : 500) * US);
            }
            timing.tick(s * 1_000L);
        }
        LoopWindow odd = timing.window(4, start -> start.toEpochMilli() % 2_000 == 0);
        assertEquals(200, odd.cycleTime().count());
        assertEquals(5, odd.cycleTime().max(), 0.1, "only the 5 us intervals: " + odd.cycleTime());
        assertEquals(Instant.ofEpochMilli(0), odd.start());
        assertEquals(Instant.ofEpochMilli(3_000), odd.end());
        LoopWindow even = timing.window(4, start -> start.toEpochMilli() % 2_000 == 1_000);
        assertEquals(200, even.cycleTime().count());
        assertEquals(500, even.cycleTime().p50(), 5);
        assertEquals(Instant.ofEpochMilli(1_000), even.start());
        assertEquals(Instant.ofEpochMilli(4_000), even.end());
        assertEquals(timing.window(4), timing.window(4, start -> true), "all of them: the plain window");
        LoopWindow none = timing.window(4, start -> false);
        assertEquals(0, none.cycleTime().count());
        assertEquals(Instant.ofEpochMilli(4_000), none.start());
        for (int s = 5; s <= 5 + LoopWindow.MAX_POOLED_SECONDS; s++) {
            timing.record(0, 7 * US);
            timing.tick(s * 1_000L);
        }
        // the 5 us intervals: pushed out by MAX_POOLED_SECONDS newer ones; the 500 us ones were not chosen
        LoopWindow pooled = timing.window(LoopWindow.MAX_POOLED_SECONDS, start -> start.toEpochMilli() % 2_000 == 0);
        assertEquals(LoopWindow.MAX_POOLED_SECONDS / 2, pooled.cycleTime().count());
        assertEquals(7, pooled.cycleTime().max(), 0.1);
        assertEquals(Instant.ofEpochMilli(6_000), pooled.start());
        assertEquals(
                LoopWindow.MAX_SECONDS,
                timing.window(LoopWindow.MAX_SECONDS).cycleTime().count(),
                "the plain window still reaches back a minute");
        LoopWindow newest = timing.window(2, start -> start.toEpochMilli() % 2_000 == 0);
        assertEquals(1, newest.cycleTime().count(), "only the newest two intervals are looked at");
    }

    @Test
    void theRingKeepsTheLastMinute() {
        LoopTiming timing = new LoopTiming(0);
        timing.record(0, 7_000 * US);
        timing.tick(1_000); // the oldest interval: pushed out by 60 newer ones
        for (int s = 2; s <= 61; s++) {
            timing.record(0, 3 * US);
            timing.tick(s * 1_000L);
        }
        LoopWindow minute = timing.window(LoopWindow.MAX_SECONDS);
        assertEquals(60, minute.cycleTime().count());
        assertEquals(3, minute.cycleTime().max(), 0.1);
        assertEquals(Instant.ofEpochMilli(1_000), minute.start());
        assertEquals(Instant.ofEpochMilli(61_000), minute.end());
    }

    @Test
    void intervalsCutWhileTheLoopRecordsKeepEachPassWhole() throws Exception {
        LoopTiming timing = new LoopTiming(0);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread writer = new Thread(() -> {
            while (!stop.get()) {
                timing.record(5 * US, 7 * US);
            }
        });
        writer.start();
        try {
            for (int s = 1; s <= 60; s++) {
                timing.snapshot(); // a reader between ticks, as monitoring is
                timing.tick(s * 1_000L);
                LoopWindow w = timing.window(1);
                assertEquals(w.cycleTime().count(), w.lateness().count(), "interval " + s + ": " + w);
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        Histogram[] since = timing.snapshot();
        assertEquals(since[0].count(), since[1].count());
        assertTrue(since[0].count() > 0);
    }

    @Test
    void windowLengthsAreWholeSecondsUpToAMinute() {
        assertEquals(1, LoopWindow.seconds(Duration.ofMillis(1)));
        assertEquals(10, LoopWindow.seconds(Duration.ofSeconds(10)));
        assertEquals(11, LoopWindow.seconds(Duration.ofMillis(10_001)));
        assertEquals(60, LoopWindow.seconds(Duration.ofMinutes(1)));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> LoopWindow.seconds(Duration.ofSeconds(61)));
        assertTrue(e.getMessage().contains("PT1M1S"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoopWindow.seconds(Duration.ZERO));
    }
}
