package dev.cascade.network.internal;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.control.MeasurementView;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.tensor.Vector3;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * One pair's measurements between the loop and the batcher: a single-producer, single-consumer ring of
 * primitives. The loop thread writes ({@link #put}): a few array stores and one release store, no
 * allocation, no lock, never a wait. When the ring is full the newest measurement overwrites the oldest;
 * the batcher ({@link #take}) notices what it lost and counts it.
 */
final class Ring {

    private static final Quality[] QUALITIES = Quality.values();
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(Ring.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final String pair;
    private final int capacity;
    private final int mask;
    private final long[] time;
    /** parent, error, adjustment: nine values per measurement. */
    private final double[] values;

    private final byte[] quality;

    /** Measurements written, ever; written by the loop thread only, with release semantics. */
    @SuppressWarnings("unused") // through HEAD
    private long head;

    // consumer side (the batcher thread)
    private long tail;
    private volatile long overwritten;
    /** The next batch's sequence; see {@link Network} for why it starts from the clock. */
    long nextSequence;
    /** Batches cut, and measurements in them; written by the batcher thread only. */
    volatile long batchesCut;

    volatile long measurementsCut;

    // when the last batches were cut, to measure update latency; guarded by cuts
    private final long[] cutSequence = new long[64];
    private final long[] cutNanos = new long[64];

    /** @param capacity a power of two */
    Ring(String pair, int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity " + capacity + " is not a power of two");
        }
        this.pair = pair;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.time = new long[capacity];
        this.values = new double[9 * capacity];
        this.quality = new byte[capacity];
    }

    /** Batcher thread: remembers when batch {@code sequence} was cut. */
    void cut(long sequence, long nanos) {
        synchronized (cutNanos) {
            int i = (int) Math.floorMod(sequence, (long) cutNanos.length);
            cutSequence[i] = sequence;
            cutNanos[i] = nanos;
        }
    }

    /** @return when batch {@code sequence} was cut ({@link System#nanoTime()}), or -1 if no longer known */
    long cutNanos(long sequence) {
        synchronized (cutNanos) {
            int i = (int) Math.floorMod(sequence, (long) cutNanos.length);
            return cutSequence[i] == sequence ? cutNanos[i] : -1;
        }
    }

    /** Loop thread: records one measurement. */
    void put(MeasurementView m) {
        long h = (long) HEAD.getOpaque(this);
        int i = (int) (h & mask);
        int v = 9 * i;
        time[i] = m.timestamp();
        double[] d = values;
        d[v] = m.parent(0);
        d[v + 1] = m.parent(1);
        d[v + 2] = m.parent(2);
        d[v + 3] = m.error(0);
        d[v + 4] = m.error(1);
        d[v + 5] = m.error(2);
        d[v + 6] = m.adjustment(0);
        d[v + 7] = m.adjustment(1);
        d[v + 8] = m.adjustment(2);
        quality[i] = (byte) m.quality().ordinal();
        HEAD.setRelease(this, h + 1);
    }

    /** @return measurements recorded, ever */
    long collected() {
        return (long) HEAD.getAcquire(this);
    }

    /** @return measurements overwritten before the batcher took them */
    long overwritten() {
        return overwritten;
    }

    /** Batcher thread: how many measurements wait (at most the capacity). */
    int available() {
        return (int) Math.min(capacity, (long) HEAD.getAcquire(this) - tail);
    }

    /** Batcher thread: the time stamp of the oldest waiting measurement (approximate if it is being overwritten). */
    long oldestTime() {
        long h = (long) HEAD.getAcquire(this);
        return time[(int) (Math.max(tail, h - capacity + 1) & mask)];
    }

    /**
     * Batcher thread: takes up to {@code max} of the oldest waiting measurements.
     *
     * @return them in time order; empty if none survived being overwritten
     */
    List<Measurement> take(int max) {
        long h = (long) HEAD.getAcquire(this);
        // the slot of index h - capacity may be being overwritten right now by index h
        long start = Math.max(tail, h - capacity + 1);
        long end = Math.min(h, start + max);
        int n = (int) (end - start);
        long[] t = new long[n];
        double[] d = new double[9 * n];
        byte[] q = new byte[n];
        for (int k = 0; k < n; k++) {
            int i = (int) ((start + k) & mask);
            t[k] = time[i];
            System.arraycopy(values, 9 * i, d, 9 * k, 9);
            q[k] = quality[i];
        }
        // what the loop wrote meanwhile may have overwritten the first of those copies: drop them
        VarHandle.acquireFence();
        long now = (long) HEAD.getAcquire(this);
        long valid = Math.max(start, now - capacity + 1);
        overwritten = overwritten + (valid - tail);
        tail = end;
        List<Measurement> out = new ArrayList<>(n);
        for (int k = (int) Math.min(n, valid - start); k < n; k++) {
            int v = 9 * k;
            out.add(new Measurement(
                    pair,
                    t[k],
                    new Vector3(d[v], d[v + 1], d[v + 2]),
                    new Vector3(d[v + 3], d[v + 4], d[v + 5]),
                    new Vector3(d[v + 6], d[v + 7], d[v + 8]),
                    QUALITIES[q[k]]));
        }
        return out;
    }
}
