package dev.cascade.tensor.internal;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.tensor.Vector3;
import java.util.Arrays;
import java.util.List;

/**
 * Batch least squares of the ARX model in information form, the path for re-fits: every row ({@link
 * RegressionRows}) adds to the symmetric normal matrix of the regressors and their cross products with
 * the outputs, and one Cholesky solve gives all three outputs' parameters. The same model and rows as
 * {@link BatchFit}, which stays the Commons Math reference it is tested against.
 *
 * <p>The sums are centred as they accumulate (Welford's co-moment update): the six regressors other than
 * the constant are accumulated about their running means, so the constant column never enters the
 * normal matrix and the parent states (large, slowly varying) do not square their offset into it. The
 * constant follows from the means. This keeps the normal equations' conditioning that of the centred
 * data, and the result agrees with QR on the full design to about 1e-10 on the estimator's data.
 *
 * <p>Reusable; after construction nothing allocates unless the dead time changes. Not thread-safe.
 */
public final class NormalFit {

    /** Regressors other than the constant: 3 settings, 3 parent states. */
    private static final int M = Rls.N - 1;

    /**
     * A pivot below this fraction of its column's own sum of squares means the column is (numerically) a
     * combination of the ones before it: the rows do not determine every parameter.
     */
    static final double MIN_PIVOT = 1e-12;

    private RegressionRows rows = new RegressionRows(0);

    private int n;
    private final double[] meanX = new double[M];
    private final double[] meanY = new double[Rls.OUTPUTS];
    /** Centred co-moments: regressors (upper triangle, row-major M x M), regressors x outputs, outputs. */
    private final double[] sxx = new double[M * M];

    private final double[] sxy = new double[M * Rls.OUTPUTS];
    private final double[] syy = new double[Rls.OUTPUTS];
    /** Cholesky factor of {@link #sxx} (lower triangle) and the solution, regressor-major as in {@link Rls}. */
    private final double[] chol = new double[M * M];

    private final double[] theta = new double[Rls.N * Rls.OUTPUTS];
    private boolean solved;

    // scratch
    private final double[] dx = new double[M];
    private final double[] dyc = new double[Rls.OUTPUTS];
    private final double[] phi = new double[Rls.N];
    private final double[] dy = new double[Rls.OUTPUTS];
    private final double[] y = new double[3];
    private final double[] a = new double[3];
    private final double[] s = new double[3];
    private final double[] m1 = new double[9];
    private final double[] m2 = new double[9];

    /** Forgets every row. */
    public void reset() {
        n = 0;
        Arrays.fill(meanX, 0);
        Arrays.fill(meanY, 0);
        Arrays.fill(sxx, 0);
        Arrays.fill(sxy, 0);
        Arrays.fill(syy, 0);
        Arrays.fill(theta, Double.NaN);
        solved = false;
    }

    /**
     * Fits every row the measurements give (all of them, unweighted, no gate), as {@link BatchFit#of}
     * does.
     *
     * @param siblings empty, or one contribution per measurement
     * @return true if the rows determine every parameter; false if there are fewer rows than {@value
     *     Rls#N} or they are collinear (then {@link BatchFit}'s SVD gives the minimum-norm solution)
     */
    public boolean fit(List<Measurement> measurements, EstimatorSettings settings, List<Vector3> siblings) {
        if (!siblings.isEmpty() && siblings.size() != measurements.size()) {
            throw new IllegalArgumentException("got " + siblings.size() + " sibling contributions for "
                    + measurements.size() + " measurements; give one per measurement, or none");
        }
        if (rows.deadTime != settings.deadTime()) {
            rows = new RegressionRows(settings.deadTime());
        } else {
            rows.clear();
        }
        reset();
        double maxGap = 1500 * settings.cycleSeconds();
        for (int k = 0; k < measurements.size(); k++) {
            Measurement m = measurements.get(k);
            copy(m.parent(), y);
            copy(m.adjustment(), a);
            copy(siblings.isEmpty() ? Vector3.ZERO : siblings.get(k), s);
            if (rows.next(m.timestamp(), y, a, m.quality() != Quality.BAD, s, maxGap, phi, dy)) {
                add(phi, dy);
            }
        }
        return solve();
    }

    /**
     * Adds one row.
     *
     * @param phi the regressor, {@value Rls#N} entries; the last, the constant, is taken as 1
     * @param out the outputs, {@value Rls#OUTPUTS} entries
     */
    public void add(double[] phi, double[] out) {
        n++;
        double inv = 1.0 / n;
        // C += (x - mean_old)(x - mean_new)ᵀ = (n-1)/n · (x - mean_old)(x - mean_old)ᵀ
        double f = (n - 1) * inv;
        for (int i = 0; i < M; i++) {
            double d = phi[i] - meanX[i];
            dx[i] = d;
            meanX[i] += d * inv;
        }
        double d0 = out[0] - meanY[0], d1 = out[1] - meanY[1], d2 = out[2] - meanY[2];
        meanY[0] += d0 * inv;
        meanY[1] += d1 * inv;
        meanY[2] += d2 * inv;
        for (int i = 0; i < M; i++) {
            double fi = f * dx[i];
            int row = M * i;
            for (int k = i; k < M; k++) {
                sxx[row + k] += fi * dx[k];
            }
            sxy[3 * i] += fi * d0;
            sxy[3 * i + 1] += fi * d1;
            sxy[3 * i + 2] += fi * d2;
        }
        syy[0] += f * d0 * d0;
        syy[1] += f * d1 * d1;
        syy[2] += f * d2 * d2;
    }

    /**
     * Solves the normal equations of the rows added so far.
     *
     * @return false (parameters NaN) if there are fewer rows than parameters or they are collinear
     */
    public boolean solve() {
        solved = false;
        Arrays.fill(theta, Double.NaN);
        if (n < Rls.N) {
            return false;
        }
        // Cholesky: sxx = L Lᵀ, L in the lower triangle of chol (sxx holds the upper triangle)
        for (int j = 0; j < M; j++) {
            double diag = sxx[M * j + j];
            double sum = diag;
            for (int k = 0; k < j; k++) {
                sum -= chol[M * j + k] * chol[M * j + k];
            }
            if (!(sum > MIN_PIVOT * diag) || !Double.isFinite(sum)) {
                return false;
            }
            double ljj = Math.sqrt(sum);
            chol[M * j + j] = ljj;
            double inv = 1 / ljj;
            for (int i = j + 1; i < M; i++) {
                double v = sxx[M * j + i];
                for (int k = 0; k < j; k++) {
                    v -= chol[M * i + k] * chol[M * j + k];
                }
                chol[M * i + j] = v * inv;
            }
        }
        for (int out = 0; out < Rls.OUTPUTS; out++) {
            // forward: L z = sxy[:, out]; back: Lᵀ β = z; β into theta, then the constant from the means
            for (int i = 0; i < M; i++) {
                double v = sxy[3 * i + out];
                for (int k = 0; k < i; k++) {
                    v -= chol[M * i + k] * theta[3 * k + out];
                }
                theta[3 * i + out] = v / chol[M * i + i];
            }
            for (int i = M - 1; i >= 0; i--) {
                double v = theta[3 * i + out];
                for (int k = i + 1; k < M; k++) {
                    v -= chol[M * k + i] * theta[3 * k + out];
                }
                theta[3 * i + out] = v / chol[M * i + i];
            }
            double c = meanY[out];
            for (int i = 0; i < M; i++) {
                c -= theta[3 * i + out] * meanX[i];
            }
            theta[3 * M + out] = c;
        }
        solved = true;
        return true;
    }

    /** @return rows added since the last reset */
    public int rows() {
        return n;
    }

    /** @return the weight of regressor {@code i} (0-2 setting, 3-5 state, 6 constant) in output {@code j} */
    public double parameter(int i, int j) {
        return theta[3 * i + j];
    }

    /** {@code out = G = -A⁻¹B} of the fit; false (and NaN) when there is no fit or {@code A} is singular. */
    public boolean gain(double[] out) {
        if (!solved) {
            Arrays.fill(out, Double.NaN);
            return false;
        }
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 3; i++) {
                m2[3 * j + i] = theta[3 * i + j];
                m1[3 * j + i] = theta[3 * (3 + i) + j];
            }
        }
        if (Mat3.invert(m1, m1) == 0) {
            Arrays.fill(out, Double.NaN);
            return false;
        }
        Mat3.mul(m1, m2, out);
        for (int i = 0; i < 9; i++) {
            out[i] = -out[i];
        }
        return Mat3.isFinite(out);
    }

    /**
     * @return the root mean square residual of output {@code j}, from the sums: {@code (Syy - βᵀSxy) / n}
     *     under the root
     */
    public double residualDeviation(int j) {
        if (!solved) {
            return Double.NaN;
        }
        double rss = syy[j];
        for (int i = 0; i < M; i++) {
            rss -= theta[3 * i + j] * sxy[3 * i + j];
        }
        return Math.sqrt(Math.max(0, rss) / n);
    }

    private static void copy(Vector3 v, double[] out) {
        out[0] = v.x();
        out[1] = v.y();
        out[2] = v.z();
    }
}
