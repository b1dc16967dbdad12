package dev.cascade.network.internal;

import dev.cascade.api.monitoring.Histogram;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;

/**
 * Update latencies: every one into an HdrHistogram {@link Recorder} (the distribution since the network
 * started, {@link #histogram()}), and the last 1000 for {@code NetworkMetrics}' last value and 99th
 * percentile. Thread-safe.
 */
final class Latencies {

    /** Longest latency kept: ten minutes; longer ones are recorded as ten minutes. */
    static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final long[] nanos = new long[1000];
    private int next;
    private int count;
    private long last = -1;

    private final Recorder recorder = new Recorder(HIGHEST_NANOS, 2);
    // guarded by this
    private final org.HdrHistogram.Histogram interval = new org.HdrHistogram.Histogram(HIGHEST_NANOS, 2);
    private final org.HdrHistogram.Histogram total = new org.HdrHistogram.Histogram(HIGHEST_NANOS, 2);

    void add(long latencyNanos) {
        recorder.recordValue(Math.max(0, Math.min(latencyNanos, HIGHEST_NANOS)));
        synchronized (this) {
            nanos[next] = latencyNanos;
            next = (next + 1) % nanos.length;
            count = Math.min(count + 1, nanos.length);
            last = latencyNanos;
        }
    }

    synchronized double lastMillis() {
        return last < 0 ? Double.NaN : last / 1e6;
    }

    synchronized double p99Millis() {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(0.99 * count) - 1] / 1e6;
    }

    /** @return every latency since the network started, in milliseconds */
    synchronized Histogram histogram() {
        recorder.getIntervalHistogramInto(interval);
        total.add(interval);
        return HdrSnapshots.of(total, 1e6, "milliseconds", HdrSnapshots.MILLISECOND_BOUNDS);
    }
}
