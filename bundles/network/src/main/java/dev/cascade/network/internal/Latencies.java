package dev.cascade.network.internal;

import java.util.Arrays;

/** The last 1000 update latencies, for the last value and the 99th percentile. Thread-safe. */
final class Latencies {

    private final long[] nanos = new long[1000];
    private int next;
    private int count;
    private long last = -1;

    synchronized void add(long latencyNanos) {
        nanos[next] = latencyNanos;
        next = (next + 1) % nanos.length;
        count = Math.min(count + 1, nanos.length);
        last = latencyNanos;
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
}
