package dev.cascade.demo.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;

/**
 * Closes the loop the core will run (DESIGN.md section 2a) against the demo plant, in simulated time: a
 * decoupling PI in velocity form at 10 Hz, {@code adjustment = T * (kp*(e - e_prev) + ki*dt*e)}, with
 * {@code e = setpoint - hall state} as measured (noise included) and the first cycle's {@code e_prev}
 * set to its {@code e} (bumpless start). These are the numbers bundles/demo/README.md recommends for
 * {@code etc/dev.cascade.pair-hall1.cfg}.
 */
class ClosedLoopTest {

    /** The recommended initial tensor: the regularised inverse of the nominal gain, rounded to 4 decimals. */
    static final double[] T = {17.9095, 0.4333, 4.7154, -13.2128, -0.9824, -1.3623, -5.6621, 3.6277, -0.8141};

    static final double KP = 2.0;
    static final double KI = 0.1;
    static final double LOOP_HZ = 10;
    static final double[] SETPOINT = {24, 45, 120};

    /** What "converged" means: RMS of the measured error per axis (noise floor 0.03, 0.15, 0.3). */
    static final double[] CONVERGED_RMS = {0.15, 0.3, 0.6};

    @Test
    void recommendedTensorIsTheRegularisedInverseOfTheNominalGain() {
        RealMatrix g = matrix(Plant.NOMINAL_GAIN);
        double[] sigma = new SingularValueDecomposition(g).getSingularValues();
        assertEquals(41.3, sigma[0] / sigma[2], 0.05, "condition number of G");
        double mu = 2 * sigma[2] * sigma[2];
        assertTrue(mu > sigma[2] * sigma[2] && mu < sigma[1] * sigma[1], "mu between sigma3^2 and sigma2^2");

        RealMatrix gtg = g.transpose()
                .multiply(g)
                .add(MatrixUtils.createRealIdentityMatrix(3).scalarMultiply(mu));
        RealMatrix t = new LUDecomposition(gtg).getSolver().solve(g.transpose());
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(t.getEntry(r, c), T[r * 3 + c], 5e-5, "T(" + r + ", " + c + ")");
            }
        }
    }

    @Test
    void fixedTensorKeepsTheLoopStableAfterTheGainChange() {
        Settings settings = Settings.from(Configs.defaults());
        RealMatrix t = matrix(T);
        double[] before = eigenvalues(matrix(Plant.NOMINAL_GAIN).multiply(t));
        double[] after = eigenvalues(
                matrix(Plant.changedGain(settings.valveAuthorityAfterChange())).multiply(t));
        // G*T has real, positive eigenvalues: every decoupled direction is driven the right way; the
        // weakest (inlet temperature at constant power) at a third of the loop gain by design of mu
        assertArrayEquals(new double[] {0.333, 0.994, 0.999}, before, 0.001);
        assertArrayEquals(new double[] {0.289, 0.807, 0.995}, after, 0.001);
    }

    @Test
    void defaultDemoConvergesWithinTwoMinutesAndStaysStableAfterTheGainChange() {
        // exactly the distribution's configuration: noise, IT-load drift, gain change at 600 s
        Settings settings = Settings.from(Configs.defaults());
        HallModel hall = new HallModel(settings, settings.seed(), 0);
        Loop loop = new Loop(hall, settings);

        double[] initialError = loop.error();
        // starts warm, dry and low on power (within three noise deviations)
        assertEquals(-2.7, initialError[0], 0.1);
        assertEquals(2.85, initialError[1], 0.45);
        assertEquals(13.2, initialError[2], 0.9);

        double[] firstMinute = loop.run(0, 60);
        double[] converged = loop.run(60, 90);
        double[] settled = loop.run(90, 120);
        assertBelow(CONVERGED_RMS, settled, "error RMS over 90..120 s");
        assertTrue(settled[0] < firstMinute[0] / 10, "temperature error shrank tenfold: " + Arrays.toString(settled));
        assertTrue(converged[2] > settled[2], "power error still shrinking after 90 s");

        double[] beforeChange = loop.run(120, 600);
        assertBelow(CONVERGED_RMS, beforeChange, "error RMS over 120..600 s, tracking the IT-load drift");

        double[] afterChange = loop.run(600, 1200);
        assertTrue(hall.gainChanged());
        assertTrue(loop.worstAbsError[0] < 1.0, "no divergence after the change: " + loop.worstAbsError[0]);
        assertBelow(CONVERGED_RMS, afterChange, "error RMS over 600..1200 s, after the gain change");
        double[] lateAfterChange = loop.run(1200, 1500);
        assertBelow(CONVERGED_RMS, lateAfterChange, "error RMS over 1200..1500 s");
        assertFalse(loop.everSaturated, "no actuator reached a limit");

        System.out.printf(
                "closed loop RMS 0-60 %s, 60-90 %s, 90-120 %s, 120-600 %s, 600-1200 %s, 1200-1500 %s%n",
                Arrays.toString(firstMinute),
                Arrays.toString(converged),
                Arrays.toString(settled),
                Arrays.toString(beforeChange),
                Arrays.toString(afterChange),
                Arrays.toString(lateAfterChange));
    }

    /** The core's control law, spelled out: velocity-form decoupling PI through T. */
    private static final class Loop {
        private final HallModel hall;
        private final int stepsPerCycle;
        private final double dt = 1 / LOOP_HZ;
        private final double[] previousError;
        private final double[] worstAbsError = new double[3];
        private boolean everSaturated;

        Loop(HallModel hall, Settings settings) {
            this.hall = hall;
            this.stepsPerCycle = (int) Math.round(settings.stepRateHz() / LOOP_HZ);
            this.previousError = error();
        }

        double[] error() {
            HallSample s = hall.sample();
            return new double[] {SETPOINT[0] - s.temperature(), SETPOINT[1] - s.humidity(), SETPOINT[2] - s.power()};
        }

        /** Runs the loop over simulated seconds [from, to) and returns the error's RMS per axis there. */
        double[] run(double from, double to) {
            assertEquals(from, hall.seconds(), 1e-9, "windows follow each other");
            double[] sumSquares = new double[3];
            int cycles = 0;
            Arrays.fill(worstAbsError, 0);
            while (hall.seconds() < to - 1e-9) {
                double[] e = error();
                double[] v = new double[3];
                for (int i = 0; i < 3; i++) {
                    v[i] = KP * (e[i] - previousError[i]) + KI * dt * e[i];
                    previousError[i] = e[i];
                    sumSquares[i] += e[i] * e[i];
                    worstAbsError[i] = Math.max(worstAbsError[i], Math.abs(e[i]));
                }
                cycles++;
                Actuators unit = hall.unit(0);
                for (int r = 0; r < 3; r++) {
                    unit.add(r, T[r * 3] * v[0] + T[r * 3 + 1] * v[1] + T[r * 3 + 2] * v[2]);
                    everSaturated |= unit.saturation(r) != 0;
                }
                for (int k = 0; k < stepsPerCycle; k++) {
                    hall.step(0);
                }
            }
            double[] rms = new double[3];
            for (int i = 0; i < 3; i++) {
                rms[i] = Math.round(Math.sqrt(sumSquares[i] / cycles) * 1000) / 1000.0;
            }
            return rms;
        }
    }

    private static void assertBelow(double[] limit, double[] actual, String what) {
        for (int i = 0; i < 3; i++) {
            assertTrue(
                    actual[i] < limit[i],
                    what + ": axis " + i + " is " + actual[i] + ", limit " + limit[i] + " (all "
                            + Arrays.toString(actual) + ")");
        }
    }

    private static RealMatrix matrix(double[] rowMajor) {
        return new Array2DRowRealMatrix(new double[][] {
            Arrays.copyOfRange(rowMajor, 0, 3), Arrays.copyOfRange(rowMajor, 3, 6), Arrays.copyOfRange(rowMajor, 6, 9)
        });
    }

    /** @return the eigenvalues, sorted; fails unless all are real */
    private static double[] eigenvalues(RealMatrix m) {
        EigenDecomposition eigen = new EigenDecomposition(m);
        for (double imaginary : eigen.getImagEigenvalues()) {
            assertEquals(0, imaginary, 1e-9, "eigenvalues are real");
        }
        double[] real = eigen.getRealEigenvalues().clone();
        Arrays.sort(real);
        return real;
    }
}
