package dev.cascade.core.internal;

import dev.cascade.api.control.FilterFrame;
import dev.cascade.api.control.MeasurementView;
import dev.cascade.api.domain.Quality;

/**
 * A pair's working record for one cycle: what filters read and write, and what the collector records.
 * Primitive fields, reused every cycle, touched only by the loop thread.
 */
final class Frame implements FilterFrame, MeasurementView {

    final String pair;
    final int axisMask;
    final double[] parent = new double[3];
    final double[] error = new double[3];
    final double[] adjustment = new double[3];
    long cycle;
    double dt;
    double confidence;
    long timestamp;
    Quality quality = Quality.GOOD;

    Frame(String pair, int axisMask) {
        this.pair = pair;
        this.axisMask = axisMask;
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
        return parent[axis];
    }

    @Override
    public double error(int axis) {
        return error[axis];
    }

    @Override
    public void error(int axis, double value) {
        error[axis] = value;
    }

    @Override
    public double adjustment(int axis) {
        return adjustment[axis];
    }

    @Override
    public void adjustment(int axis, double value) {
        adjustment[axis] = value;
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
