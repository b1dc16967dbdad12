package dev.cascade.core.internal;

import dev.cascade.api.domain.DomainAdapter;
import dev.cascade.api.domain.DomainReading;
import dev.cascade.api.domain.Quality;

/**
 * A small MIMO plant for tests, stepped explicitly: the parent state relaxes towards {@code G u + offset}
 * with one time constant; the child is the actuator vector {@code u}, which takes increments.
 */
final class TestPlant {

    final double[] g;
    final double[] y = new double[3];
    final double[] u = new double[3];
    final double[] offset = new double[3];
    double tau = 1;
    Quality quality = Quality.GOOD;
    long timestamp = -1;
    RuntimeException parentFailure;
    int[] saturation = new int[3];
    int applies;

    TestPlant(double... g) {
        this.g = g;
    }

    /** Advances the plant by {@code dt} seconds (exact first-order step). */
    void step(double dt) {
        double k = 1 - Math.exp(-dt / tau);
        for (int i = 0; i < 3; i++) {
            double target = g[3 * i] * u[0] + g[3 * i + 1] * u[1] + g[3 * i + 2] * u[2] + offset[i];
            y[i] += (target - y[i]) * k;
        }
    }

    final DomainAdapter parent = new DomainAdapter() {
        @Override
        public void read(DomainReading reading) {
            if (parentFailure != null) {
                throw parentFailure;
            }
            reading.state(y[0], y[1], y[2]);
            reading.quality(quality);
            if (timestamp >= 0) {
                reading.timestamp(timestamp);
            }
        }

        @Override
        public void apply(double dx, double dy, double dz) {
            throw new UnsupportedOperationException("the parent takes no adjustment in these tests");
        }
    };

    final DomainAdapter child = new DomainAdapter() {
        @Override
        public void read(DomainReading reading) {
            reading.state(u[0], u[1], u[2]);
            for (int i = 0; i < 3; i++) {
                reading.saturated(i, saturation[i]);
            }
        }

        @Override
        public void apply(double dx, double dy, double dz) {
            u[0] += dx;
            u[1] += dy;
            u[2] += dz;
            applies++;
        }
    };
}
