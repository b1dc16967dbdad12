package dev.cascade.monitoring.internal;

import dev.cascade.api.control.PairStatus;
import dev.cascade.api.monitoring.PairSample;
import dev.cascade.api.tensor.Vector3;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every pair's recent history: a bounded ring of samples per pair, kept as primitives (80 bytes a sample),
 * so the memory it takes is {@code pairs x capacity x 80} bytes at most. Thread-safe.
 */
final class History {

    private static final int FIELDS = 8; // error x y z, adjustment x y z, confidence, rms

    private static final class Ring {
        final long[] times;
        final double[] values;
        int next;
        int size;

        Ring(int capacity) {
            times = new long[capacity];
            values = new double[capacity * FIELDS];
        }
    }

    private final int capacity;
    // guarded by this
    private final Map<String, Ring> rings = new HashMap<>();

    /** @param capacity samples kept per pair, at least 1 */
    History(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("history capacity " + capacity + " is not at least 1");
        }
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** Adds one sample of every pair given, and forgets the pairs not given. */
    synchronized void sample(long time, Collection<PairStatus> pairs) {
        List<String> seen = new ArrayList<>(pairs.size());
        for (PairStatus p : pairs) {
            seen.add(p.id());
            add(time, p);
        }
        rings.keySet().retainAll(seen);
    }

    private void add(long time, PairStatus p) {
        Ring ring = rings.computeIfAbsent(p.id(), id -> new Ring(capacity));
        int at = ring.next;
        ring.times[at] = time;
        int o = at * FIELDS;
        double[] v = ring.values;
        v[o] = p.error().x();
        v[o + 1] = p.error().y();
        v[o + 2] = p.error().z();
        v[o + 3] = p.adjustment().x();
        v[o + 4] = p.adjustment().y();
        v[o + 5] = p.adjustment().z();
        v[o + 6] = p.confidence();
        v[o + 7] = p.rmsError();
        ring.next = (at + 1) % capacity;
        ring.size = Math.min(ring.size + 1, capacity);
    }

    /** @return the pair's samples, oldest first; empty for an unknown pair */
    synchronized List<PairSample> of(String id) {
        Ring ring = rings.get(id);
        if (ring == null) {
            return List.of();
        }
        List<PairSample> result = new ArrayList<>(ring.size);
        int first = (ring.next - ring.size + capacity) % capacity;
        for (int i = 0; i < ring.size; i++) {
            int at = (first + i) % capacity;
            int o = at * FIELDS;
            double[] v = ring.values;
            result.add(new PairSample(
                    ring.times[at],
                    new Vector3(v[o], v[o + 1], v[o + 2]),
                    new Vector3(v[o + 3], v[o + 4], v[o + 5]),
                    v[o + 6],
                    v[o + 7]));
        }
        return result;
    }
}
