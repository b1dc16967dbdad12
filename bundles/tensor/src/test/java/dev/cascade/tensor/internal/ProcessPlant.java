package dev.cascade.tensor.internal;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.tensor.Vector3;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A process plant for the estimator's tests, sampled at 10 Hz: nine first-order channels (actuator i ->
 * parent axis j) with their own time constants and dead times, Gaussian measurement noise, an optional
 * slow sinusoidal drift, and a probing input: each actuator holds +A or -A around its start and flips at
 * random, on average every {@code dwell} seconds.
 */
final class ProcessPlant {

    static final double DT = 0.1;
    static final long CYCLE_MILLIS = 100;

    /** The demo's gain, time constants and dead times (bundles/demo/README.md). */
    static final double[] GAIN = {-0.06, -0.10, -0.02, 0.02, -0.08, 0.25, 0.35, 0.45, 0.08};

    static final double[] TAU = {10, 25, 15, 12, 30, 20, 3, 15, 5};
    static final double[] DEAD = {0, 3, 0, 0, 3, 2, 0, 1, 0};
    static final double[] NOISE = {0.03, 0.15, 0.3};

    private final Random random;
    private double[] gain = GAIN.clone();
    private final double[] decay = new double[9];
    private final int[] delay = new int[9];
    private final double[] x = new double[9];
    private final double[] noise;
    private final List<double[]> history = new ArrayList<>();
    private final double[] u = new double[3];
    private final int[] level = {1, -1, 1};
    private double amplitude = 5;
    private double dwell = 5;
    private double driftAmplitude;
    private long cycle;

    ProcessPlant(long seed, double[] dead, double noiseScale) {
        this.random = new Random(seed);
        for (int k = 0; k < 9; k++) {
            decay[k] = Math.exp(-DT / TAU[k]);
            delay[k] = (int) Math.round(dead[k] / DT);
        }
        noise = new double[] {NOISE[0] * noiseScale, NOISE[1] * noiseScale, NOISE[2] * noiseScale};
        for (int i = 0; i < 3; i++) {
            u[i] = amplitude * level[i];
        }
        // in steady state at the start, as a plant that has been running a while
        for (int k = 0; k < 9; k++) {
            x[k] = gain[k] * u[k % 3];
        }
    }

    ProcessPlant gain(double[] g) {
        this.gain = g.clone();
        return this;
    }

    ProcessPlant excitation(double a) {
        // the output stays where it is when the probe stops; it moves by 2A at each flip
        this.amplitude = a;
        return this;
    }

    /** A drift of the parent's state, {@code amplitude · sin(2πt / 900 s)} on every axis, in noise units. */
    ProcessPlant drift(double amplitudeInNoiseUnits) {
        this.driftAmplitude = amplitudeInNoiseUnits;
        return this;
    }

    /** @return {@code n} more cycles of measurements */
    List<Measurement> run(int n) {
        List<Measurement> out = new ArrayList<>(n);
        for (int step = 0; step < n; step++) {
            double t = cycle * DT;
            double[] y = new double[3];
            for (int j = 0; j < 3; j++) {
                y[j] = 20
                        + x[3 * j]
                        + x[3 * j + 1]
                        + x[3 * j + 2]
                        + noise[j] * (random.nextGaussian() + driftAmplitude * Math.sin(2 * Math.PI * t / 900));
            }
            double[] a = new double[3];
            if (amplitude > 0) {
                for (int i = 0; i < 3; i++) {
                    if (random.nextDouble() < DT / dwell) {
                        level[i] = -level[i];
                        a[i] = 2 * amplitude * level[i];
                    }
                }
            }
            out.add(new Measurement(
                    "pair",
                    cycle * CYCLE_MILLIS,
                    new Vector3(y[0], y[1], y[2]),
                    Vector3.ZERO,
                    Vector3.of(a),
                    Quality.GOOD));
            for (int i = 0; i < 3; i++) {
                u[i] += a[i];
            }
            history.add(u.clone());
            for (int k = 0; k < 9; k++) {
                int back = history.size() - 1 - delay[k];
                double input = back >= 0 ? history.get(back)[k % 3] : history.get(0)[k % 3];
                x[k] = decay[k] * x[k] + (1 - decay[k]) * gain[k] * input;
            }
            cycle++;
        }
        return out;
    }
}
