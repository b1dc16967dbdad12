package dev.cascade.itests;

import dev.cascade.api.domain.DomainAdapter;
import dev.cascade.api.domain.DomainReading;

/**
 * A first-order 3x3 plant in real time for tests in the container: the parent relaxes towards
 * {@code G u} with time constant {@code tau}, integrated exactly on every read from the elapsed time; the
 * child is the actuator vector {@code u}, which takes increments. The loop thread alone calls it.
 */
final class RealTimePlant {

    private final double[] g;
    private final double tau;
    private final double[] y = new double[3];
    private final double[] u = new double[3];
    private long last = System.nanoTime();

    RealTimePlant(double tau, double... g) {
        this.tau = tau;
        this.g = g;
    }

    private void advance() {
        long now = System.nanoTime();
        double k = 1 - Math.exp(-(now - last) * 1e-9 / tau);
        last = now;
        for (int i = 0; i < 3; i++) {
            double target = g[3 * i] * u[0] + g[3 * i + 1] * u[1] + g[3 * i + 2] * u[2];
            y[i] += (target - y[i]) * k;
        }
    }

    final DomainAdapter parent = new DomainAdapter() {
        @Override
        public void read(DomainReading reading) {
            advance();
            reading.state(y[0], y[1], y[2]);
        }

        @Override
        public void apply(double dx, double dy, double dz) {
            throw new UnsupportedOperationException("a parent in this test takes no adjustment");
        }
    };

    final DomainAdapter child = new DomainAdapter() {
        @Override
        public void read(DomainReading reading) {
            reading.state(u[0], u[1], u[2]);
        }

        @Override
        public void apply(double dx, double dy, double dz) {
            advance();
            u[0] += dx;
            u[1] += dy;
            u[2] += dz;
        }
    };
}
