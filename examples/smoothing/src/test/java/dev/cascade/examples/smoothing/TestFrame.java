package dev.cascade.examples.smoothing;

import dev.cascade.api.control.FilterFrame;

/** The frame the loop would hand in, reduced to what a filter touches; the test sets its fields. */
final class TestFrame implements FilterFrame {
    String pair = "p";
    long cycle;
    double dt = 0.1;
    int axisMask = 7;
    final double[] parent = new double[3];
    final double[] error = new double[3];
    final double[] adjustment = new double[3];
    double confidence = 1;

    public String pair() {
        return pair;
    }

    public long cycle() {
        return cycle;
    }

    public double dt() {
        return dt;
    }

    public int axisMask() {
        return axisMask;
    }

    public double parent(int axis) {
        return parent[axis];
    }

    public double error(int axis) {
        return error[axis];
    }

    public void error(int axis, double value) {
        error[axis] = value;
    }

    public double adjustment(int axis) {
        return adjustment[axis];
    }

    public void adjustment(int axis, double value) {
        adjustment[axis] = value;
    }

    public double confidence() {
        return confidence;
    }
}
