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
 * primitives. The loop thread writes ({@link #put}): eleven stores into one array and one release store,
 * no allocation, no lock, never a wait. When the ring is full the newest measurement overwrites the oldest;
 * the batcher ({@link #take}) notices what it lost and counts it.
 *
 * <p>Layout, for the loop thread's sake: each measurement is one run of {@link #STRIDE} doubles (time stamp
 * and quality as raw bits, then the nine values), so a put touches one or two cache lines instead of one in
 * each of three arrays; and {@code head}, which the loop writes on every put, sits between padding (the
 * superclasses below), away from the fields the batcher writes ({@code tail}, counters), so the two threads
 * do not invalidate each other's cache line on every put and take.
 */
final class Ring extends RingConsumerPadding {

    private static final Quality[] QUALITIES = Quality.values();

    /** Doubles per measurement: time, quality, parent (3), error (3), adjustment (3). */
    static final int STRIDE = 11;

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
        super(pair, capacity);
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
        int v = STRIDE * (int) (h & mask);
        double[] d = slots;
        d[v] = Double.longBitsToDouble(m.timestamp());
        d[v + 1] = m.quality().ordinal();
        d[v + 2] = m.parent(0);
        d[v + 3] = m.parent(1);
        d[v + 4] = m.parent(2);
        d[v + 5] = m.error(0);
        d[v + 6] = m.error(1);
        d[v + 7] = m.error(2);
        d[v + 8] = m.adjustment(0);
        d[v + 9] = m.adjustment(1);
        d[v + 10] = m.adjustment(2);
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
        return Double.doubleToRawLongBits(slots[STRIDE * (int) (Math.max(tail, h - capacity + 1) & mask)]);
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
        double[] d = new double[STRIDE * n];
        for (int k = 0; k < n; k++) {
            int i = (int) ((start + k) & mask);
            System.arraycopy(slots, STRIDE * i, d, STRIDE * k, STRIDE);
        }
        // what the loop wrote meanwhile may have overwritten the first of those copies: drop them
        VarHandle.acquireFence();
        long now = (long) HEAD.getAcquire(this);
        long valid = Math.max(start, now - capacity + 1);
        overwritten = overwritten + (valid - tail);
        tail = end;
        List<Measurement> out = new ArrayList<>(n);
        for (int k = (int) Math.min(n, valid - start); k < n; k++) {
            int v = STRIDE * k;
            out.add(new Measurement(
                    pair,
                    Double.doubleToRawLongBits(d[v]),
                    new Vector3(d[v + 2], d[v + 3], d[v + 4]),
                    new Vector3(d[v + 5], d[v + 6], d[v + 7]),
                    new Vector3(d[v + 8], d[v + 9], d[v + 10]),
                    QUALITIES[(int) d[v + 1]]));
        }
        return out;
    }
}

/** What the loop thread reads on every put and nobody writes after construction. */
abstract class RingConfig {
    final String pair;
    final int capacity;
    final int mask;
    /** {@link Ring#STRIDE} doubles per measurement. */
    final double[] slots;

    RingConfig(String pair, int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity " + capacity + " is not a power of two");
        }
        this.pair = pair;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.slots = new double[Ring.STRIDE * capacity];
    }
}

/** A cache line of padding between the read-only fields and {@code head}. */
abstract class RingHeadPadding extends RingConfig {
    long p01, p02, p03, p04, p05, p06, p07, p08;

    RingHeadPadding(String pair, int capacity) {
        super(pair, capacity);
    }
}

/** {@code head}: measurements written, ever; written by the loop thread only, with release semantics. */
abstract class RingHead extends RingHeadPadding {
    static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(RingHead.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through HEAD
    private long head;

    RingHead(String pair, int capacity) {
        super(pair, capacity);
    }
}

/** A cache line of padding between {@code head} and the batcher's fields. */
abstract class RingConsumerPadding extends RingHead {
    long p11, p12, p13, p14, p15, p16, p17, p18;

    RingConsumerPadding(String pair, int capacity) {
        super(pair, capacity);
    }
}
