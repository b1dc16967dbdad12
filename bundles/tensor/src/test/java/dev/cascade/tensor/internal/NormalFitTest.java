package dev.cascade.tensor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.estimation.EstimatorSettings;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/** The information-form batch fit against the Commons Math QR reference, on the same rows. */
class NormalFitTest {

    static final double[] GAIN = PairEstimatorTest.GAIN;
    static final double[] TAU = PairEstimatorTest.TAU;

    /** Largest difference of any parameter, relative to the largest reference parameter of its output. */
    static double disagreement(NormalFit fit, BatchFit reference) {
        double worst = 0;
        for (int j = 0; j < 3; j++) {
            double scale = 0;
            for (int i = 0; i < Rls.N; i++) {
                scale = Math.max(scale, Math.abs(reference.parameter(i, j)));
            }
            for (int i = 0; i < Rls.N; i++) {
                worst = Math.max(worst, Math.abs(fit.parameter(i, j) - reference.parameter(i, j)) / scale);
            }
        }
        return worst;
    }

    @Test
    void agreesWithCommonsMathQrOnNoisySimulatedPlants() {
        NormalFit fit = new NormalFit();
        for (int seed = 1; seed <= 20; seed++) {
            int deadTime = seed % 4;
            double noise = seed % 2 == 0 ? 0.01 : 0.2;
            EstimatorSettings settings = new EstimatorSettings(deadTime, 1, 1);
            SyntheticPlant plant = new SyntheticPlant(seed, GAIN, TAU, deadTime, noise);
            List<Measurement> data = plant.run(1000);
            assertTrue(fit.fit(data, settings, List.of()), "seed " + seed);
            BatchFit reference = BatchFit.of(data, settings, List.of());
            assertEquals(reference.rows(), fit.rows(), "rows, seed " + seed);
            assertTrue(disagreement(fit, reference) < 1e-9, "seed " + seed + ": " + disagreement(fit, reference));
            double[] g = new double[9];
            double[] expected = new double[9];
            assertTrue(fit.gain(g));
            assertTrue(reference.gain(expected));
            assertTrue(
                    Matrices.distance(g, expected) / Matrices.norm(expected) < 1e-8,
                    "gain, seed " + seed + ": " + Matrices.distance(g, expected));
            for (int j = 0; j < 3; j++) {
                assertEquals(
                        reference.residualDeviation(j),
                        fit.residualDeviation(j),
                        1e-9 * reference.residualDeviation(j),
                        "residual " + j + ", seed " + seed);
            }
        }
    }

    @Test
    void agreesWithCommonsMathQrWithSiblings() {
        double[] sibling = {0.05, 0.01, 0, 0, 0.04, 0.01, 0.02, 0, 0.03};
        SyntheticPlant plant = new SyntheticPlant(7, GAIN, TAU, 1, 0.01).sibling(sibling);
        List<Measurement> data = plant.run(1500);
        EstimatorSettings settings = new EstimatorSettings(1, 1, 1);
        NormalFit fit = new NormalFit();
        assertTrue(fit.fit(data, settings, plant.siblingContributions));
        BatchFit reference = BatchFit.of(data, settings, plant.siblingContributions);
        assertTrue(disagreement(fit, reference) < 1e-9, "disagreement " + disagreement(fit, reference));
    }

    /**
     * Random rows, including regressors with a large offset and a small spread (a parent state of about
     * 1000 that moves by 1): the centred sums keep the normal equations as well conditioned as the data.
     */
    @Test
    void agreesWithQrOnRandomRows() {
        Random random = new Random(11);
        NormalFit fit = new NormalFit();
        for (int trial = 0; trial < 50; trial++) {
            int n = 7 + random.nextInt(2000);
            double[][] x = new double[n][Rls.N];
            double[][] y = new double[n][3];
            double[] offset = new double[Rls.N];
            double[] spread = new double[Rls.N];
            for (int i = 0; i < Rls.N - 1; i++) {
                offset[i] =
                        trial % 2 == 0 ? 0 : Math.pow(10, 3 * random.nextDouble()) * (random.nextBoolean() ? 1 : -1);
                spread[i] = Math.pow(10, 2 * random.nextDouble() - 1);
            }
            double[] truth = new double[Rls.N * 3];
            for (int i = 0; i < truth.length; i++) {
                truth[i] = random.nextGaussian();
            }
            fit.reset();
            for (int r = 0; r < n; r++) {
                for (int i = 0; i < Rls.N - 1; i++) {
                    x[r][i] = offset[i] + spread[i] * random.nextGaussian();
                }
                x[r][Rls.N - 1] = 1;
                for (int j = 0; j < 3; j++) {
                    double v = 0.1 * random.nextGaussian();
                    for (int i = 0; i < Rls.N; i++) {
                        v += truth[3 * i + j] * x[r][i];
                    }
                    y[r][j] = v;
                }
                fit.add(x[r], y[r]);
            }
            assertTrue(fit.solve(), "trial " + trial);
            RealMatrix qr = new QRDecomposition(new Array2DRowRealMatrix(x, false))
                    .getSolver()
                    .solve(new Array2DRowRealMatrix(y, false));
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < Rls.N; i++) {
                    double expected = qr.getEntry(i, j);
                    double scale = i == Rls.N - 1 ? Math.max(1, Math.abs(expected)) : 1;
                    assertEquals(
                            expected, fit.parameter(i, j), 1e-8 * scale, "trial " + trial + " (" + i + ", " + j + ")");
                }
            }
        }
    }

    @Test
    void reportsTooFewOrCollinearRowsInsteadOfSolvingThem() {
        NormalFit fit = new NormalFit();
        double[] phi = new double[Rls.N];
        double[] out = new double[3];
        Random random = new Random(5);
        for (int r = 0; r < 6; r++) {
            for (int i = 0; i < Rls.N; i++) {
                phi[i] = random.nextGaussian();
            }
            fit.add(phi, out);
        }
        assertFalse(fit.solve(), "6 rows cannot determine 7 parameters");
        assertTrue(Double.isNaN(fit.parameter(0, 0)));

        fit.reset();
        for (int r = 0; r < 100; r++) {
            for (int i = 0; i < Rls.N; i++) {
                phi[i] = random.nextGaussian();
            }
            phi[4] = 2 * phi[1] - phi[0]; // a state that is a combination of the settings
            fit.add(phi, out);
        }
        assertFalse(fit.solve(), "collinear regressors");
        double[] g = new double[9];
        assertFalse(fit.gain(g));
        assertTrue(Double.isNaN(g[0]));

        // a settled loop: the settings never move
        SyntheticPlant quiet = new SyntheticPlant(3, GAIN, TAU, 0, 0.01).excitation(0);
        assertFalse(fit.fit(quiet.run(500), new EstimatorSettings(0, 1, 1), List.of()));
    }

    @Test
    void aSecondFitForgetsTheFirst() {
        EstimatorSettings settings = new EstimatorSettings(0, 1, 1);
        List<Measurement> first = new SyntheticPlant(1, GAIN, TAU, 0, 0.01).run(800);
        List<Measurement> second = new SyntheticPlant(2, GAIN, TAU, 0, 0.01).run(800);
        NormalFit reused = new NormalFit();
        assertTrue(reused.fit(first, settings, List.of()));
        assertTrue(reused.fit(second, settings, List.of()));
        NormalFit fresh = new NormalFit();
        assertTrue(fresh.fit(second, settings, List.of()));
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < Rls.N; i++) {
                assertEquals(fresh.parameter(i, j), reused.parameter(i, j), 0, "(" + i + ", " + j + ")");
            }
        }
    }
}
