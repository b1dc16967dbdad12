package dev.cascade.tensor.internal;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.tensor.Vector3;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A simulated parent with first-order axes: {@code y(k+1) = y(k) + A(y(k) - y0) + B u(k-d) + w(k)}
 * with {@code A = diag(e^(-1/τ) - 1)}, {@code B = -A·K} (so the steady-state gain is {@code K}), the
 * child's setting {@code u} the running sum of the adjustments, dead time {@code d} cycles and process
 * noise {@code w}. The adjustments are steps to a random setting every {@code hold} cycles (a
 * persistent, bounded excitation). Seeded, so every run is the same.
 */
final class SyntheticPlant {

    static final long CYCLE_MILLIS = 1000;

    private final Random random;
    private double[] k;
    private final double[] a = new double[3];
    private final int deadTime;
    private final double noise;
    private final double[] y = {20, 10, 5};
    private final double[] y0 = {20, 10, 5};
    private final double[] u = new double[3];
    private final List<double[]> history = new ArrayList<>();
    private double amplitude = 1;
    private int hold = 15;
    private long cycle;
    /** Per cycle, the parent change a sibling adds: {@code S v(k)} with its own random setting v. */
    private double[] sibling;

    private final double[] siblingSetting = new double[3];
    final List<Vector3> siblingContributions = new ArrayList<>();

    SyntheticPlant(long seed, double[] gain, double[] timeConstants, int deadTime, double noise) {
        this.random = new Random(seed);
        this.k = gain.clone();
        for (int i = 0; i < 3; i++) {
            a[i] = Math.exp(-1 / timeConstants[i]) - 1;
        }
        this.deadTime = deadTime;
        this.noise = noise;
    }

    SyntheticPlant gain(double[] gain) {
        this.k = gain.clone();
        return this;
    }

    SyntheticPlant excitation(double amplitude) {
        this.amplitude = amplitude;
        return this;
    }

    /** A sibling child acting on the same parent with its own input matrix. */
    SyntheticPlant sibling(double[] input) {
        this.sibling = input.clone();
        return this;
    }

    /** @return {@code n} more cycles of measurements */
    List<Measurement> run(int n) {
        List<Measurement> out = new ArrayList<>(n);
        for (int step = 0; step < n; step++) {
            double[] adjustment = new double[3];
            if (amplitude > 0 && cycle % hold == 0) {
                for (int i = 0; i < 3; i++) {
                    adjustment[i] = amplitude * (2 * random.nextDouble() - 1) - u[i];
                }
            }
            Vector3 measuredY = new Vector3(y[0], y[1], y[2]);
            for (int i = 0; i < 3; i++) {
                u[i] += adjustment[i];
            }
            history.add(u.clone());
            double[] lagged = history.size() > deadTime ? history.get(history.size() - 1 - deadTime) : new double[3];
            double[] siblingPart = new double[3];
            if (sibling != null) {
                if (cycle % 7 == 0) {
                    for (int i = 0; i < 3; i++) {
                        siblingSetting[i] = 2 * random.nextDouble() - 1;
                    }
                }
                for (int j = 0; j < 3; j++) {
                    for (int i = 0; i < 3; i++) {
                        siblingPart[j] += sibling[3 * j + i] * siblingSetting[i];
                    }
                }
            }
            siblingContributions.add(new Vector3(siblingPart[0], siblingPart[1], siblingPart[2]));
            out.add(new Measurement(
                    "pair", cycle * CYCLE_MILLIS, measuredY, Vector3.ZERO, Vector3.of(adjustment), Quality.GOOD));
            double[] next = new double[3];
            for (int j = 0; j < 3; j++) {
                double bu = 0;
                for (int i = 0; i < 3; i++) {
                    bu += -a[j] * k[3 * j + i] * lagged[i];
                }
                next[j] = y[j] + a[j] * (y[j] - y0[j]) + bu + siblingPart[j] + noise * random.nextGaussian();
            }
            System.arraycopy(next, 0, y, 0, 3);
            cycle++;
        }
        return out;
    }
}
