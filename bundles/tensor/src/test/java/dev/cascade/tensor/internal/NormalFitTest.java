package dev.cascade.tensor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.tensor.Vector3;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The information-form batch fit against the Commons Math QR reference, on the same rows; every test on
 * both lane paths (plain multiply and add, and {@link Math#fma}).
 */
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

    @ParameterizedTest(name = "fma {0}")
    @ValueSource(booleans = {false, true})
    void agreesWithCommonsMathQrOnNoisySimulatedPlants(boolean fma) {
        NormalFit fit = new NormalFit(fma);
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

    @ParameterizedTest(name = "fma {0}")
    @ValueSource(booleans = {false, true})
    void agreesWithCommonsMathQrWithSiblings(boolean fma) {
        double[] sibling = {0.05, 0.01, 0, 0, 0.04, 0.01, 0.02, 0, 0.03};
        SyntheticPlant plant = new SyntheticPlant(7, GAIN, TAU, 1, 0.01).sibling(sibling);
        List<Measurement> data = plant.run(1500);
        EstimatorSettings settings = new EstimatorSettings(1, 1, 1);
        NormalFit fit = new NormalFit(fma);
        assertTrue(fit.fit(data, settings, plant.siblingContributions));
        BatchFit reference = BatchFit.of(data, settings, plant.siblingContributions);
        assertTrue(disagreement(fit, reference) < 1e-9, "disagreement " + disagreement(fit, reference));
    }

    /**
     * Random rows, including regressors with a large offset and a small spread (a parent state of about
     * 1000 that moves by 1): the centred sums keep the normal equations as well conditioned as the data.
     */
    @ParameterizedTest(name = "fma {0}")
    @ValueSource(booleans = {false, true})
    void agreesWithQrOnRandomRows(boolean fma) {
        Random random = new Random(11);
        NormalFit fit = new NormalFit(fma);
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

    @ParameterizedTest(name = "fma {0}")
    @ValueSource(booleans = {false, true})
    void reportsTooFewOrCollinearRowsInsteadOfSolvingThem(boolean fma) {
        NormalFit fit = new NormalFit(fma);
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

    @ParameterizedTest(name = "fma {0}")
    @ValueSource(booleans = {false, true})
    void aSecondFitForgetsTheFirst(boolean fma) {
        EstimatorSettings settings = new EstimatorSettings(0, 1, 1);
        List<Measurement> first = new SyntheticPlant(1, GAIN, TAU, 0, 0.01).run(800);
        List<Measurement> second = new SyntheticPlant(2, GAIN, TAU, 0, 0.01).run(800);
        NormalFit reused = new NormalFit(fma);
        assertTrue(reused.fit(first, settings, List.of()));
        assertTrue(reused.fit(second, settings, List.of()));
        NormalFit fresh = new NormalFit(fma);
        assertTrue(fresh.fit(second, settings, List.of()));
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < Rls.N; i++) {
                assertEquals(fresh.parameter(i, j), reused.parameter(i, j), 0, "(" + i + ", " + j + ")");
            }
        }
    }

    /**
     * The block-wise lane sums against the straightforward loop that adds every product of every shifted
     * row into its sum, for row counts below, at and across the block size. The lanes add the rows in
     * another order, so the sums are not those of the row loop to the bit; they differ by rounding only:
     * within 1e-13 of the sum of the terms' magnitudes (a misplaced, lost or doubled row is off by a whole
     * term, 1e-3 of that sum or more here). The second half of the trials puts offsets of 1e3 on the data,
     * which the shift takes off.
     */
    @ParameterizedTest(name = "fma {0}")
    @ValueSource(booleans = {false, true})
    void laneSumsEqualTheStraightforwardRowLoopUpToRounding(boolean fma) {
        Random random = new Random(23);
        NormalFit fit = new NormalFit(fma);
        int[] counts = {1, 7, NormalFit.BLOCK - 1, NormalFit.BLOCK, NormalFit.BLOCK + 1, 1000, 3 * NormalFit.BLOCK + 17
        };
        for (int trial = 0; trial < 2 * counts.length; trial++) {
            int n = counts[trial % counts.length];
            double offset = trial < counts.length ? 100 : 1000;
            double[][] rows = new double[n][9];
            fit.reset();
            double[] phi = new double[Rls.N];
            double[] out = new double[3];
            for (int r = 0; r < n; r++) {
                for (int i = 0; i < 9; i++) {
                    rows[r][i] = offset * (i % 3) + random.nextGaussian() * Math.pow(10, i % 4 - 1);
                }
                System.arraycopy(rows[r], 0, phi, 0, 6);
                phi[6] = 1;
                System.arraycopy(rows[r], 6, out, 0, 3);
                fit.add(phi, out);
            }
            fit.solve();
            double[] sum = new double[9];
            double[] sumAbs = new double[9];
            double[][] product = new double[9][9];
            double[][] productAbs = new double[9][9];
            for (double[] row : rows) {
                double[] d = new double[9];
                for (int i = 0; i < 9; i++) {
                    d[i] = row[i] - rows[0][i];
                    sum[i] += d[i];
                    sumAbs[i] += Math.abs(d[i]);
                }
                for (int i = 0; i < 9; i++) {
                    for (int j = i; j < 9; j++) {
                        product[i][j] += d[i] * d[j];
                        productAbs[i][j] += Math.abs(d[i] * d[j]);
                    }
                }
            }
            for (int i = 0; i < 9; i++) {
                assertEquals(sum[i], fit.shiftedSum(i, -1), 1e-13 * sumAbs[i], "sum " + i + ", " + n + " rows");
                for (int j = i; j < 9; j++) {
                    if (i < 6 || i == j) {
                        assertEquals(
                                product[i][j],
                                fit.shiftedSum(i, j),
                                1e-13 * productAbs[i][j],
                                "(" + i + ", " + j + "), " + n + " rows");
                    }
                }
            }
            assertEquals(n, fit.rows());
        }
    }

    /**
     * The rows {@link NormalFit#fit} builds in one pass are those of {@link RegressionRows}: the same fit,
     * to the bit, as adding RegressionRows' rows one by one, on data with gaps, BAD and non-finite
     * readings, unknown adjustments and siblings, at several dead times; and on clean data (only NaN
     * siblings), which takes {@code fit}'s fast path.
     */
    @ParameterizedTest(name = "fma {0}")
    @ValueSource(booleans = {false, true})
    void rowsFromMeasurementsAreThoseOfRegressionRows(boolean fma) {
        Random random = new Random(31);
        NormalFit fit = new NormalFit(fma);
        NormalFit reference = new NormalFit(fma);
        for (int trial = 0; trial < 36; trial++) {
            int deadTime = trial % 6;
            boolean faults = trial < 24;
            EstimatorSettings settings = new EstimatorSettings(deadTime, 1, 1);
            double[] sibling = {0.05, 0.01, 0, 0, 0.04, 0.01, 0.02, 0, 0.03};
            SyntheticPlant plant = new SyntheticPlant(100 + trial, GAIN, TAU, deadTime, 0.05).sibling(sibling);
            List<Measurement> clean = plant.run(1200);
            List<Measurement> data = new ArrayList<>();
            List<Vector3> siblings = new ArrayList<>();
            long skew = 0;
            for (int k = 0; k < clean.size(); k++) {
                Measurement m = clean.get(k);
                double roll = random.nextDouble();
                if (!faults && roll <= 0.975) {
                    roll = 0.5; // clean: only the NaN siblings below
                }
                if (roll < 0.01) {
                    continue; // a lost measurement: a gap of two cycles
                }
                if (roll < 0.02) {
                    skew += 200; // late, still within 1.5 cycles
                } else if (roll < 0.025) {
                    skew -= 1000; // the time of the measurement before: not one cycle later
                }
                Vector3 parent = m.parent();
                Vector3 adjustment = m.adjustment();
                Quality quality = m.quality();
                Vector3 s = plant.siblingContributions.get(k);
                if (faults && roll > 0.99) {
                    quality = Quality.BAD;
                } else if (faults && roll > 0.985) {
                    parent = new Vector3(parent.x(), Double.NaN, parent.z());
                } else if (faults && roll > 0.98) {
                    adjustment = new Vector3(Double.POSITIVE_INFINITY, adjustment.y(), adjustment.z());
                } else if (roll > 0.975) {
                    s = new Vector3(Double.NaN, s.y(), s.z());
                }
                data.add(new Measurement(m.pair(), m.timestamp() + skew, parent, m.error(), adjustment, quality));
                siblings.add(s);
            }
            List<Vector3> given = trial % 2 == 0 ? siblings : List.of();
            boolean fitted = fit.fit(data, settings, given);

            RegressionRows rows = new RegressionRows(deadTime);
            reference.reset();
            double[] phi = new double[Rls.N];
            double[] dy = new double[3];
            for (int k = 0; k < data.size(); k++) {
                Measurement m = data.get(k);
                Vector3 s = given.isEmpty() ? Vector3.ZERO : given.get(k);
                if (rows.next(
                        m.timestamp(),
                        new double[] {m.parent().x(), m.parent().y(), m.parent().z()},
                        new double[] {
                            m.adjustment().x(),
                            m.adjustment().y(),
                            m.adjustment().z()
                        },
                        m.quality() != Quality.BAD,
                        new double[] {s.x(), s.y(), s.z()},
                        1500 * settings.cycleSeconds(),
                        phi,
                        dy)) {
                    reference.add(phi, dy);
                }
            }
            assertEquals(reference.solve(), fitted, "trial " + trial);
            assertTrue(fitted, "trial " + trial);
            assertEquals(reference.rows(), fit.rows(), "rows, trial " + trial);
            if (faults) {
                assertTrue(fit.rows() < data.size() - 50, "the faults break rows, trial " + trial + ": " + fit.rows());
            } else {
                assertEquals(data.size() - deadTime - 2, fit.rows(), "clean: every row, trial " + trial);
            }
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < Rls.N; i++) {
                    assertEquals(
                            reference.parameter(i, j),
                            fit.parameter(i, j),
                            0,
                            "(" + i + ", " + j + "), trial " + trial);
                }
                assertEquals(reference.residualDeviation(j), fit.residualDeviation(j), 0);
            }
        }
    }

    /**
     * {@code fit}'s fast path checks finiteness once per batch, through the running sums of the parent
     * states and of the adjustments: one non-finite reading anywhere in an otherwise clean batch must
     * still send it to the general loop (fewer rows: the chain breaks there), and finite readings whose
     * sums overflow must lose no row.
     */
    @ParameterizedTest(name = "fma {0}")
    @ValueSource(booleans = {false, true})
    void oneNonFiniteReadingLeavesTheFastPathAndAnOverflowLosesNoRow(boolean fma) {
        EstimatorSettings settings = new EstimatorSettings(1, 1, 1);
        List<Measurement> clean = new SyntheticPlant(7, GAIN, TAU, 1, 0.05).run(600);
        int all = clean.size() - 1 - 2;
        NormalFit fit = new NormalFit(fma);
        assertTrue(fit.fit(clean, settings, List.of()));
        assertEquals(all, fit.rows());
        for (int which = 0; which < 4; which++) {
            List<Measurement> data = new ArrayList<>(clean);
            Measurement m = data.get(300);
            Vector3 parent = m.parent();
            Vector3 adjustment = m.adjustment();
            switch (which) {
                case 0 -> parent = new Vector3(parent.x(), Double.NaN, parent.z());
                case 1 -> parent = new Vector3(Double.NEGATIVE_INFINITY, parent.y(), parent.z());
                case 2 -> adjustment = new Vector3(adjustment.x(), adjustment.y(), Double.NaN);
                default -> adjustment = new Vector3(Double.POSITIVE_INFINITY, adjustment.y(), adjustment.z());
            }
            data.set(300, new Measurement(m.pair(), m.timestamp(), parent, m.error(), adjustment, m.quality()));
            fit.fit(data, settings, List.of());
            assertTrue(fit.rows() < all - 1, "case " + which + ": rows " + fit.rows());
        }
        // the fast path checks the parent states on the sums of their columns: a NaN in the last state (only
        // in the last output) still costs the last row; one in the first (in no row) changes nothing
        double[] cleanFit = new double[Rls.N * 3];
        assertTrue(fit.fit(clean, settings, List.of()));
        for (int i = 0; i < cleanFit.length; i++) {
            cleanFit[i] = fit.parameter(i / 3, i % 3);
        }
        for (int at : new int[] {clean.size() - 1, 0}) {
            List<Measurement> data = new ArrayList<>(clean);
            Measurement m = data.get(at);
            data.set(
                    at,
                    new Measurement(
                            m.pair(),
                            m.timestamp(),
                            new Vector3(m.parent().x(), m.parent().y(), Double.NaN),
                            m.error(),
                            m.adjustment(),
                            m.quality()));
            assertTrue(fit.fit(data, settings, List.of()));
            assertEquals(at == 0 ? all : all - 1, fit.rows(), "NaN state at " + at);
            if (at == 0) {
                for (int i = 0; i < cleanFit.length; i++) {
                    assertEquals(cleanFit[i], fit.parameter(i / 3, i % 3), 0, "NaN state at 0, " + i);
                }
            }
        }
        // finite, but their sums overflow: the general loop runs and still takes every row
        List<Measurement> huge = new ArrayList<>();
        for (Measurement m : clean) {
            Vector3 p = m.parent();
            Vector3 a = m.adjustment();
            huge.add(new Measurement(
                    m.pair(),
                    m.timestamp(),
                    new Vector3(1e308, p.y(), p.z()),
                    m.error(),
                    new Vector3(a.x(), a.y(), a.z() + 1e308),
                    m.quality()));
        }
        fit.fit(huge, settings, List.of());
        assertEquals(all, fit.rows());
    }

    /** Rows given in Commons Math's shapes, in one call, give the same fit as the same rows one by one. */
    @ParameterizedTest(name = "fma {0}")
    @ValueSource(booleans = {false, true})
    void rowsInOneCallAreRowsOneByOne(boolean fma) {
        Random random = new Random(41);
        NormalFit bulk = new NormalFit(fma);
        NormalFit single = new NormalFit(fma);
        for (int count : new int[] {3, NormalFit.BLOCK + 5, 1000}) {
            double[][] x = new double[count][6];
            double[][] y = new double[3][count];
            for (int k = 0; k < count; k++) {
                for (int i = 0; i < 6; i++) {
                    x[k][i] = 50 * i + random.nextGaussian();
                }
                for (int j = 0; j < 3; j++) {
                    y[j][k] = x[k][j] - 0.1 * x[k][3 + j] + 0.01 * random.nextGaussian();
                }
            }
            // a few rows one by one first, so the call starts in the middle of a block
            bulk.reset();
            single.reset();
            double[] phi = new double[Rls.N];
            double[] out = new double[3];
            for (int k = 0; k < 10; k++) {
                for (int i = 0; i < Rls.N; i++) {
                    phi[i] = i == Rls.N - 1 ? 1 : random.nextGaussian();
                }
                out[0] = random.nextGaussian();
                bulk.add(phi, out);
                single.add(phi, out);
            }
            bulk.add(x, y);
            for (int k = 0; k < count; k++) {
                System.arraycopy(x[k], 0, phi, 0, 6);
                phi[6] = 1;
                for (int j = 0; j < 3; j++) {
                    out[j] = y[j][k];
                }
                single.add(phi, out);
            }
            assertEquals(single.solve(), bulk.solve());
            assertEquals(count + 10, bulk.rows());
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < Rls.N; i++) {
                    assertEquals(single.parameter(i, j), bulk.parameter(i, j), 0, "(" + i + ", " + j + "), " + count);
                }
            }
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> bulk.add(new double[2][6], new double[][] {{1, 2}, {3, 4}}));
        assertTrue(e.getMessage().contains("2 output columns"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bulk.add(new double[2][7], new double[3][2]));
        assertTrue(e.getMessage().contains("7 regressors"), e.getMessage());
    }

    /**
     * The two lane paths sum the same products, rounded once ({@code fma}) or twice (each is held to the
     * row loop's sums by the lane test): on the same measurements their fits agree to 1e-9 of the largest
     * parameter, across dead times and block counts.
     */
    @Test
    void fusedAndPlainLanesGiveTheSameFit() {
        NormalFit fused = new NormalFit(true);
        NormalFit plain = new NormalFit(false);
        assertTrue(fused.fusedMultiplyAdd());
        assertFalse(plain.fusedMultiplyAdd());
        for (int seed = 1; seed <= 6; seed++) {
            int deadTime = seed % 3;
            EstimatorSettings settings = new EstimatorSettings(deadTime, 1, 1);
            List<Measurement> data = new SyntheticPlant(seed, GAIN, TAU, deadTime, 0.05).run(300 * seed);
            assertTrue(fused.fit(data, settings, List.of()), "seed " + seed);
            assertTrue(plain.fit(data, settings, List.of()), "seed " + seed);
            assertEquals(plain.rows(), fused.rows());
            for (int j = 0; j < 3; j++) {
                double scale = 0;
                for (int i = 0; i < Rls.N; i++) {
                    scale = Math.max(scale, Math.abs(plain.parameter(i, j)));
                }
                for (int i = 0; i < Rls.N; i++) {
                    assertEquals(
                            plain.parameter(i, j),
                            fused.parameter(i, j),
                            1e-9 * scale,
                            "(" + i + ", " + j + "), seed " + seed);
                }
            }
        }
    }

    /** The public constructor takes the fused path exactly when HotSpot says it has FMA instructions. */
    @Test
    void theDefaultPathFollowsTheJvmsFmaSupport() {
        assertEquals(NormalFit.FMA_INSTRUCTIONS, new NormalFit().fusedMultiplyAdd());
    }
}
