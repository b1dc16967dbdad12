package dev.cascade.core.internal;

import dev.cascade.api.monitoring.Histogram;
import dev.cascade.api.monitoring.LoopWindow;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.PackedHistogram;
import org.HdrHistogram.WriterReaderPhaser;

/**
 * Per loop pass: its cycle time (the pass's work, from its actual start to its end) and its lateness (actual
 * start minus scheduled start), in nanoseconds, into a pair of HdrHistograms, the way HdrHistogram's
 * {@code Recorder} does it but for both at once: the writer enters a {@link WriterReaderPhaser} critical
 * section and records into the active pair; a reader swaps in the other pair and flips the phase, which
 * waits for writers still in the old one. One phaser for both keeps a pass's two values in the same interval
 * (two recorders flipped one after the other could split a pass between two intervals). Recording is
 * wait-free and allocates nothing (the histograms are sized up front and values beyond their range are
 * clamped), so the loop thread pays two recordings per pass, not per pair. Concurrent histograms rather than
 * single-writer ones: after the watchdog replaces a stuck loop thread, two threads may briefly hold this
 * object.
 *
 * <p>Readers, off the loop thread and under this object's lock, take the inactive pair and add it to the totals since the loop started and to the current interval. {@link #tick} (about once a
 * second, from the engine's watchdog thread) closes the current interval into a ring of the last
 * {@link LoopWindow#MAX_POOLED_SECONDS}, from which {@link #window} adds up the newest ones (all of them, or
 * chosen ones): the timing of a recent window at the recording's precision. The ring's histograms are packed
 * (sparse): about 1.6 KB each for a second of 1 kHz passes, so five minutes of intervals cost about 1 MB,
 * not the 37 KB of a full histogram each.
 */
final class LoopTiming {

    /** Longest value kept: an hour; longer ones are recorded as an hour. */
    static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);

    private static final int DIGITS = 2;
    private static final int RING = LoopWindow.MAX_POOLED_SECONDS;

    /** What passes record: their cycle times and their lateness. */
    private static final class Pair {
        final ConcurrentHistogram cycle = new ConcurrentHistogram(HIGHEST_NANOS, DIGITS);
        final ConcurrentHistogram lateness = new ConcurrentHistogram(HIGHEST_NANOS, DIGITS);
    }

    private final WriterReaderPhaser phaser = new WriterReaderPhaser();
    private volatile Pair active = new Pair();

    // guarded by this: the reader's side
    private Pair inactive = new Pair();
    private final org.HdrHistogram.Histogram cycleTotal = new org.HdrHistogram.Histogram(HIGHEST_NANOS, DIGITS);
    private final org.HdrHistogram.Histogram latenessTotal = new org.HdrHistogram.Histogram(HIGHEST_NANOS, DIGITS);
    private final org.HdrHistogram.Histogram cycleNow = new org.HdrHistogram.Histogram(HIGHEST_NANOS, DIGITS);
    private final org.HdrHistogram.Histogram latenessNow = new org.HdrHistogram.Histogram(HIGHEST_NANOS, DIGITS);
    private final PackedHistogram[] cycleRing = new PackedHistogram[RING];
    private final PackedHistogram[] latenessRing = new PackedHistogram[RING];
    private final long[] startMillis = new long[RING];
    private final long[] endMillis = new long[RING];
    private long nowStartMillis;
    private long ticks;

    LoopTiming() {
        this(System.currentTimeMillis());
    }

    /** @param startMillis when the first interval begins (epoch milliseconds) */
    LoopTiming(long startMillis) {
        this.nowStartMillis = startMillis;
        for (int i = 0; i < RING; i++) {
            cycleRing[i] = new PackedHistogram(HIGHEST_NANOS, DIGITS);
            latenessRing[i] = new PackedHistogram(HIGHEST_NANOS, DIGITS);
        }
    }

    /** Records one pass. Called on the loop thread; allocates nothing, takes no lock. */
    void record(long latenessNanos, long cycleNanos) {
        long phase = phaser.writerCriticalSectionEnter();
        try {
            Pair p = active; // read once: both values go into the same pair
            p.cycle.recordValue(clamp(cycleNanos));
            p.lateness.recordValue(clamp(latenessNanos));
        } finally {
            phaser.writerCriticalSectionExit(phase);
        }
    }

    private static long clamp(long nanos) {
        return nanos < 0 ? 0 : Math.min(nanos, HIGHEST_NANOS);
    }

    /** Moves what the loop recorded since the last reader into the totals and the current interval. */
    private void drain() {
        phaser.readerLock();
        try {
            inactive.cycle.reset();
            inactive.lateness.reset();
            Pair recorded = active;
            active = inactive;
            inactive = recorded;
            phaser.flipPhase(); // returns once no writer is left in the pair just swapped out
        } finally {
            phaser.readerUnlock();
        }
        cycleTotal.add(inactive.cycle);
        cycleNow.add(inactive.cycle);
        latenessTotal.add(inactive.lateness);
        latenessNow.add(inactive.lateness);
    }

    /**
     * Ends the current interval at {@code millis} and starts the next. Called about once a second, off the
     * loop thread.
     */
    synchronized void tick(long millis) {
        drain();
        int slot = (int) (ticks % RING);
        cycleRing[slot].reset();
        cycleRing[slot].add(cycleNow);
        latenessRing[slot].reset();
        latenessRing[slot].add(latenessNow);
        startMillis[slot] = nowStartMillis;
        endMillis[slot] = Math.max(millis, nowStartMillis);
        nowStartMillis = endMillis[slot];
        ticks++;
        cycleNow.reset();
        latenessNow.reset();
    }

    /** Both distributions since the loop started, in microseconds. */
    synchronized Histogram[] snapshot() {
        drain();
        return new Histogram[] {
            HdrSnapshots.of(cycleTotal, 1000.0, "microseconds", HdrSnapshots.MICROSECOND_BOUNDS),
            HdrSnapshots.of(latenessTotal, 1000.0, "microseconds", HdrSnapshots.MICROSECOND_BOUNDS)
        };
    }

    /**
     * Both distributions over the newest {@code seconds} intervals that have ended (fewer while fewer have),
     * in microseconds.
     */
    synchronized LoopWindow window(int seconds) {
        return window(Math.min(seconds, LoopWindow.MAX_SECONDS), start -> true);
    }

    /**
     * Both distributions pooled over those of the newest {@code seconds} ended intervals whose start
     * {@code include} accepts, in microseconds.
     */
    synchronized LoopWindow window(int seconds, Predicate<Instant> include) {
        long n = Math.min(Math.min(seconds, RING), ticks);
        PackedHistogram c = new PackedHistogram(HIGHEST_NANOS, DIGITS);
        PackedHistogram l = new PackedHistogram(HIGHEST_NANOS, DIGITS);
        long first = -1;
        long last = -1;
        for (long t = ticks - n; t < ticks; t++) {
            int slot = (int) (t % RING);
            if (!include.test(Instant.ofEpochMilli(startMillis[slot]))) {
                continue;
            }
            if (first < 0) {
                first = t;
            }
            last = t;
            c.add(cycleRing[slot]);
            l.add(latenessRing[slot]);
        }
        if (first < 0) {
            return LoopWindow.empty(Instant.ofEpochMilli(nowStartMillis));
        }
        return new LoopWindow(
                Instant.ofEpochMilli(startMillis[(int) (first % RING)]),
                Instant.ofEpochMilli(endMillis[(int) (last % RING)]),
                HdrSnapshots.of(c, 1000.0, "microseconds", HdrSnapshots.MICROSECOND_BOUNDS),
                HdrSnapshots.of(l, 1000.0, "microseconds", HdrSnapshots.MICROSECOND_BOUNDS));
    }
}
