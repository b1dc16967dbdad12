package dev.cascade.network.internal;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.tensor.Vector3;
import java.util.List;

/**
 * One pair's recent actuator settings by time stamp, as the optimizer saw them in the pair's batches, for
 * the folds of its siblings: a ring of primitives (a time and the setting after that cycle's adjustment,
 * the running sum of the adjustments since the optimizer first saw the pair), allocated once, {@link
 * #CAPACITY} cycles long. Appending allocates nothing. Not thread-safe (the optimizer's lock).
 */
final class SettingHistory {

    /** Cycles kept per pair: 64 KiB; at 10 Hz 205 s, ten times the slowest filter of the process model. */
    static final int CAPACITY = 2048;

    private final long[] times = new long[CAPACITY];
    private final double[] settings = new double[3 * CAPACITY];
    private final double[] setting = new double[3];
    /** The slot the next cycle goes to. */
    private int head;

    private int count;

    /**
     * Appends a batch's cycles. A measurement older than the newest kept (another producer's, or one seen
     * before) is left out; a non-finite adjustment counts as none (the setting is then unknown; keeping
     * the sum is the best guess).
     */
    void append(List<Measurement> measurements) {
        for (Measurement m : measurements) {
            if (count > 0 && m.timestamp() < lastTime()) {
                continue;
            }
            Vector3 a = m.adjustment();
            if (Double.isFinite(a.x()) && Double.isFinite(a.y()) && Double.isFinite(a.z())) {
                setting[0] += a.x();
                setting[1] += a.y();
                setting[2] += a.z();
            }
            times[head] = m.timestamp();
            settings[3 * head] = setting[0];
            settings[3 * head + 1] = setting[1];
            settings[3 * head + 2] = setting[2];
            head = (head + 1) % CAPACITY;
            if (count < CAPACITY) {
                count++;
            }
        }
    }

    /** @return the cycles kept, at most {@link #CAPACITY} */
    int size() {
        return count;
    }

    /** @return the time of the {@code i}-th cycle kept, 0 the oldest */
    long time(int i) {
        return times[slot(i)];
    }

    /** @return the setting of {@code axis} after the {@code i}-th cycle kept, 0 the oldest */
    double setting(int i, int axis) {
        return settings[3 * slot(i) + axis];
    }

    /** @return the time of the newest cycle; only when {@link #size()} is not 0 */
    long lastTime() {
        return times[slot(count - 1)];
    }

    private int slot(int i) {
        return Math.floorMod(head - count + i, CAPACITY);
    }
}
