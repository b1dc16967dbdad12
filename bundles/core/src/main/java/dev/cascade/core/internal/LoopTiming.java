package dev.cascade.core.internal;

import dev.cascade.api.monitoring.Histogram;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;

/**
 * Per loop pass: its cycle time (scheduled start to end) and its lateness (start minus scheduled start),
 * in nanoseconds, into HdrHistogram {@link Recorder}s. Recording is wait-free and allocates nothing (the
 * histograms are sized up front and values beyond their range are clamped), so the loop thread pays two
 * recordings per pass, not per pair. A {@link Recorder} rather than a single-writer one: after the watchdog
 * replaces a stuck loop thread, two threads may briefly hold this object. Readers take the interval
 * histograms and add them up, under this object's lock, off the loop thread.
 */
final class LoopTiming {

    /** Longest value kept: an hour; longer ones are recorded as an hour. */
    static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);

    private static final int DIGITS = 2;

    private final Recorder cycle = new Recorder(HIGHEST_NANOS, DIGITS);
    private final Recorder lateness = new Recorder(HIGHEST_NANOS, DIGITS);

    // guarded by this: the reader's side
    private final org.HdrHistogram.Histogram interval = new org.HdrHistogram.Histogram(HIGHEST_NANOS, DIGITS);
    private final org.HdrHistogram.Histogram cycleTotal = new org.HdrHistogram.Histogram(HIGHEST_NANOS, DIGITS);
    private final org.HdrHistogram.Histogram latenessTotal = new org.HdrHistogram.Histogram(HIGHEST_NANOS, DIGITS);

    /** Records one pass. Called on the loop thread; allocates nothing, takes no lock. */
    void record(long latenessNanos, long cycleNanos) {
        cycle.recordValue(clamp(cycleNanos));
        lateness.recordValue(clamp(latenessNanos));
    }

    private static long clamp(long nanos) {
        return nanos < 0 ? 0 : Math.min(nanos, HIGHEST_NANOS);
    }

    /** Both distributions since the loop started, in microseconds. */
    synchronized Histogram[] snapshot() {
        cycle.getIntervalHistogramInto(interval);
        cycleTotal.add(interval);
        lateness.getIntervalHistogramInto(interval);
        latenessTotal.add(interval);
        return new Histogram[] {
            HdrSnapshots.of(cycleTotal, 1000.0, "microseconds", HdrSnapshots.MICROSECOND_BOUNDS),
            HdrSnapshots.of(latenessTotal, 1000.0, "microseconds", HdrSnapshots.MICROSECOND_BOUNDS)
        };
    }
}
