package dev.cascade.core.internal;

import dev.cascade.api.control.FilterFrame;
import dev.cascade.api.control.MeasurementView;
import dev.cascade.api.domain.Quality;

/**
 * A pair's working record for one cycle: what filters read and write, and what the collector records.
 * Primitive fields, reused every cycle, touched only by the loop thread. The three vectors are plain fields
 * rather than arrays, so the frame is one object of two cache lines and the cycle keeps no pointer to chase.
 */
final class Frame implements FilterFrame, MeasurementView {

    final String pair;
    final int axisMask;
    double p0, p1, p2;
    double e0, e1, e2;
    double a0, a1, a2;
    long cycle;
    double dt;
    double confidence;
    long timestamp;
    Quality quality = Quality.GOOD;

    Frame(String pair, int axisMask) {
        this.pair = pair;
        this.axisMask = axisMask;
    }

    /** Back to the state of a new frame (for a pair that takes new settings). */
    void clear() {
        p0 = p1 = p2 = 0;
        e0 = e1 = e2 = 0;
        a0 = a1 = a2 = 0;
        cycle = 0;
        dt = 0;
        confidence = 0;
        timestamp = 0;
        quality = Quality.GOOD;
    }

    private static IndexOutOfBoundsException noAxis(int axis) {
        return new IndexOutOfBoundsException("axis " + axis + " does not exist; use 0, 1 or 2");
    }

    @Override
    public String pair() {
        return pair;
    }

    @Override
    public long cycle() {
        return cycle;
    }

    @Override
    public double dt() {
        return dt;
    }

    @Override
    public int axisMask() {
        return axisMask;
    }

    @Override
    public double parent(int axis) {
        return switch (axis) {
            case 0 -> p0;
            case 1 -> p1;
            case 2 -> p2;
            default -> throw noAxis(axis);
        };
    }

    @Override
    public double error(int axis) {
        return switch (axis) {
            case 0 -> e0;
            case 1 -> e1;
            case 2 -> e2;
            default -> throw noAxis(axis);
        };
    }

    @Override
    public void error(int axis, double value) {
        switch (axis) {
            case 0 -> e0 = value;
            case 1 -> e1 = value;
            case 2 -> e2 = value;
            default -> throw noAxis(axis);
        }
    }

    @Override
    public double adjustment(int axis) {
        return switch (axis) {
            case 0 -> a0;
            case 1 -> a1;
            case 2 -> a2;
            default -> throw noAxis(axis);
        };
    }

    @Override
    public void adjustment(int axis, double value) {
        switch (axis) {
            case 0 -> a0 = value;
            case 1 -> a1 = value;
            case 2 -> a2 = value;
            default -> throw noAxis(axis);
        }
    }

    @Override
    public double confidence() {
        return confidence;
    }

    @Override
    public long timestamp() {
        return timestamp;
    }

    @Override
    public Quality quality() {
        return quality;
    }
}
