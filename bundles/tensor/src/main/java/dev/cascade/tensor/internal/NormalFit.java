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
 * <p>The six regressors other than the constant are summed as shifted data (minus the first row) and
 * centred about their means before the solve, so the constant column never enters the normal matrix
 * and the parent states (large, slowly varying) do not square their offset into it; the constant
 * follows from the means. This keeps the conditioning that of the centred data: the tests hold it to
 * 1e-9 of Commons Math QR on the full design.
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
    /** The first row: the sums are of the rows minus it (shifted data), which keeps them small. */
    private final double[] shiftX = new double[M];

    private final double[] shiftY = new double[Rls.OUTPUTS];
    /** Sums of the shifted rows: regressors, outputs, and their products (upper triangle, row-major). */
    private final double[] sx = new double[M];

    private final double[] sy = new double[Rls.OUTPUTS];
    private final double[] sxx = new double[M * M];
    private final double[] sxy = new double[M * Rls.OUTPUTS];
    private final double[] syy = new double[Rls.OUTPUTS];
    /** Centred co-moments made from the sums at {@link #solve}, and the means. */
    private final double[] cxx = new double[M * M];

    private final double[] cxy = new double[M * Rls.OUTPUTS];
    private final double[] cyy = new double[Rls.OUTPUTS];
    private final double[] meanX = new double[M];
    private final double[] meanY = new double[Rls.OUTPUTS];
    /** Cholesky factor of {@link #cxx} (lower triangle) and the solution, regressor-major as in {@link Rls}. */
    private final double[] chol = new double[M * M];

    private final double[] theta = new double[Rls.N * Rls.OUTPUTS];
    private boolean solved;

    // scratch
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
        Arrays.fill(sx, 0);
        Arrays.fill(sy, 0);
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
        // unrolled: every row is 42 multiply-adds into the sums, no division, no loop
        if (n == 0) {
            System.arraycopy(phi, 0, shiftX, 0, M);
            System.arraycopy(out, 0, shiftY, 0, Rls.OUTPUTS);
        }
        n++;
        double d0 = phi[0] - shiftX[0];
        double d1 = phi[1] - shiftX[1];
        double d2 = phi[2] - shiftX[2];
        double d3 = phi[3] - shiftX[3];
        double d4 = phi[4] - shiftX[4];
        double d5 = phi[5] - shiftX[5];
        double e0 = out[0] - shiftY[0];
        double e1 = out[1] - shiftY[1];
        double e2 = out[2] - shiftY[2];
        sx[0] += d0;
        sx[1] += d1;
        sx[2] += d2;
        sx[3] += d3;
        sx[4] += d4;
        sx[5] += d5;
        sy[0] += e0;
        sy[1] += e1;
        sy[2] += e2;
        sxx[0] += d0 * d0;
        sxx[1] += d0 * d1;
        sxx[2] += d0 * d2;
        sxx[3] += d0 * d3;
        sxx[4] += d0 * d4;
        sxx[5] += d0 * d5;
        sxx[7] += d1 * d1;
        sxx[8] += d1 * d2;
        sxx[9] += d1 * d3;
        sxx[10] += d1 * d4;
        sxx[11] += d1 * d5;
        sxx[14] += d2 * d2;
        sxx[15] += d2 * d3;
        sxx[16] += d2 * d4;
        sxx[17] += d2 * d5;
        sxx[21] += d3 * d3;
        sxx[22] += d3 * d4;
        sxx[23] += d3 * d5;
        sxx[28] += d4 * d4;
        sxx[29] += d4 * d5;
        sxx[35] += d5 * d5;
        sxy[0] += d0 * e0;
        sxy[1] += d0 * e1;
        sxy[2] += d0 * e2;
        sxy[3] += d1 * e0;
        sxy[4] += d1 * e1;
        sxy[5] += d1 * e2;
        sxy[6] += d2 * e0;
        sxy[7] += d2 * e1;
        sxy[8] += d2 * e2;
        sxy[9] += d3 * e0;
        sxy[10] += d3 * e1;
        sxy[11] += d3 * e2;
        sxy[12] += d4 * e0;
        sxy[13] += d4 * e1;
        sxy[14] += d4 * e2;
        sxy[15] += d5 * e0;
        sxy[16] += d5 * e1;
        sxy[17] += d5 * e2;
        syy[0] += e0 * e0;
        syy[1] += e1 * e1;
        syy[2] += e2 * e2;
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
        // centre: C = S - s sᵀ / n about the means, which are shift + s / n
        double inv = 1.0 / n;
        for (int i = 0; i < M; i++) {
            meanX[i] = shiftX[i] + sx[i] * inv;
            for (int k = i; k < M; k++) {
                cxx[M * i + k] = sxx[M * i + k] - sx[i] * sx[k] * inv;
            }
            for (int j = 0; j < Rls.OUTPUTS; j++) {
                cxy[3 * i + j] = sxy[3 * i + j] - sx[i] * sy[j] * inv;
            }
        }
        for (int j = 0; j < Rls.OUTPUTS; j++) {
            meanY[j] = shiftY[j] + sy[j] * inv;
            cyy[j] = syy[j] - sy[j] * sy[j] * inv;
        }
        // Cholesky: cxx = L Lᵀ, L in the lower triangle of chol (cxx holds the upper triangle)
        for (int j = 0; j < M; j++) {
            double diag = cxx[M * j + j];
            double sum = diag;
            for (int k = 0; k < j; k++) {
                sum -= chol[M * j + k] * chol[M * j + k];
            }
            if (!(sum > MIN_PIVOT * diag) || !Double.isFinite(sum)) {
                return false;
            }
            double ljj = Math.sqrt(sum);
            chol[M * j + j] = ljj;
            double invL = 1 / ljj;
            for (int i = j + 1; i < M; i++) {
                double v = cxx[M * j + i];
                for (int k = 0; k < j; k++) {
                    v -= chol[M * i + k] * chol[M * j + k];
                }
                chol[M * i + j] = v * invL;
            }
        }
        for (int out = 0; out < Rls.OUTPUTS; out++) {
            // forward: L z = sxy[:, out]; back: Lᵀ β = z; β into theta, then the constant from the means
            for (int i = 0; i < M; i++) {
                double v = cxy[3 * i + out];
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
        double rss = cyy[j];
        for (int i = 0; i < M; i++) {
            rss -= theta[3 * i + j] * cxy[3 * i + j];
        }
        return Math.sqrt(Math.max(0, rss) / n);
    }

    private static void copy(Vector3 v, double[] out) {
        out[0] = v.x();
        out[1] = v.y();
        out[2] = v.z();
    }
}
