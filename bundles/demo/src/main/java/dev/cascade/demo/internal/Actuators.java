package dev.cascade.demo.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A cooling unit's three actuator settings in % (fan, valve, humidifier), each within 0..100. The loop
 * thread adds increments and the simulation thread reads the settings: each setting is one atomic long
 * holding the double's bits, changed by compare-and-set, so neither thread locks or allocates.
 */
final class Actuators {

    static final double MIN = 0;
    static final double MAX = 100;

    private final AtomicLongArray settings = new AtomicLongArray(Plant.AXES);

    Actuators(double[] initial) {
        for (int axis = 0; axis < Plant.AXES; axis++) {
            settings.set(axis, Double.doubleToRawLongBits(clamp(initial[axis])));
        }
    }

    /**
     * Adds {@code delta} to the setting of {@code axis}, stopping at the limits.
     *
     * @throws IllegalArgumentException if {@code delta} is NaN or infinite: a real actuator must not move on it
     */
    void add(int axis, double delta) {
        if (!Double.isFinite(delta)) {
            throw new IllegalArgumentException(
                    "adjustment of actuator axis " + axis + " is " + delta + "; only finite increments are allowed");
        }
        long current;
        long next;
        do {
            current = settings.get(axis);
            next = Double.doubleToRawLongBits(clamp(Double.longBitsToDouble(current) + delta));
        } while (!settings.compareAndSet(axis, current, next));
    }

    /** @return the current setting of {@code axis} in % */
    double get(int axis) {
        return Double.longBitsToDouble(settings.get(axis));
    }

    /** @return {@code +1} at the upper limit, {@code -1} at the lower limit, {@code 0} in between */
    int saturation(int axis) {
        double value = get(axis);
        if (value >= MAX) {
            return 1;
        }
        return value <= MIN ? -1 : 0;
    }

    private static double clamp(double value) {
        return Math.max(MIN, Math.min(MAX, value));
    }
}
