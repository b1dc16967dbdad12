package dev.cascade.tensor.internal;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.tensor.Vector3;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * Batch least squares of the same ARX model as the recursive estimator, over the same rows ({@link
 * RegressionRows}), with Apache Commons Math: QR, or SVD (minimum-norm solution) when the rows do not
 * determine all parameters. It is the reference the recursive fit is checked against, and a re-fit
 * of a pair from a stored stretch of measurements.
 */
public final class BatchFit {

    private final double[][] x;
    private final double[][] y;
    private final RealMatrix theta;

    private BatchFit(double[][] x, double[][] y, RealMatrix theta) {
        this.x = x;
        this.y = y;
        this.theta = theta;
    }

    /**
     * Fits every row the measurements give (all of them, unweighted, no gate).
     *
     * @param siblings empty, or one contribution per measurement
     * @throws IllegalArgumentException if the measurements give fewer rows than parameters ({@value
     *     Rls#N})
     */
    public static BatchFit of(List<Measurement> measurements, EstimatorSettings settings, List<Vector3> siblings) {
        RegressionRows rows = new RegressionRows(settings.deadTime());
        double[][] x = new double[measurements.size()][];
        double[][] y = new double[measurements.size()][];
        double[] phi = new double[Rls.N];
        double[] dy = new double[3];
        int n = 0;
        for (int k = 0; k < measurements.size(); k++) {
            Measurement m = measurements.get(k);
            Vector3 s = siblings.isEmpty() ? Vector3.ZERO : siblings.get(k);
            if (rows.next(
                    m.timestamp(),
                    m.parent().toArray(),
                    m.adjustment().toArray(),
                    m.quality() != Quality.BAD,
                    s.toArray(),
                    1500 * settings.cycleSeconds(),
                    phi,
                    dy)) {
                x[n] = phi.clone();
                y[n] = dy.clone();
                n++;
            }
        }
        if (n < Rls.N) {
            throw new IllegalArgumentException(measurements.size() + " measurements give " + n + " rows with dead time "
                    + settings.deadTime() + "; a fit needs at least " + Rls.N);
        }
        double[][] xs = java.util.Arrays.copyOf(x, n);
        double[][] ys = java.util.Arrays.copyOf(y, n);
        RealMatrix design = new Array2DRowRealMatrix(xs, false);
        RealMatrix observed = new Array2DRowRealMatrix(ys, false);
        DecompositionSolver solver = new QRDecomposition(design).getSolver();
        if (!solver.isNonSingular()) {
            solver = new SingularValueDecomposition(design).getSolver();
        }
        return new BatchFit(xs, ys, solver.solve(observed));
    }

    /** @return rows fitted */
    public int rows() {
        return x.length;
    }

    /** @return the weight of regressor {@code i} (0-2 setting, 3-5 state, 6 constant) in output {@code j} */
    public double parameter(int i, int j) {
        return theta.getEntry(i, j);
    }

    /** {@code out = G = -A⁻¹B} of the fit; false (and NaN) when {@code A} is singular. */
    public boolean gain(double[] out) {
        double[] a = new double[9];
        double[] b = new double[9];
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 3; i++) {
                b[3 * j + i] = theta.getEntry(i, j);
                a[3 * j + i] = theta.getEntry(3 + i, j);
            }
        }
        if (Mat3.invert(a, a) == 0) {
            java.util.Arrays.fill(out, Double.NaN);
            return false;
        }
        Mat3.mul(a, b, out);
        for (int i = 0; i < 9; i++) {
            out[i] = -out[i];
        }
        return true;
    }

    /** @return the root mean square residual of output {@code j} */
    public double residualDeviation(int j) {
        double sum = 0;
        for (int r = 0; r < x.length; r++) {
            double e = y[r][j];
            for (int i = 0; i < Rls.N; i++) {
                e -= theta.getEntry(i, j) * x[r][i];
            }
            sum += e * e;
        }
        return Math.sqrt(sum / x.length);
    }
}
