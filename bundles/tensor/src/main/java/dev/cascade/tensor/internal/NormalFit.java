package dev.cascade.tensor.internal;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.tensor.Vector3;
import java.util.Arrays;
import java.util.List;

/**
 * Batch least squares of the ARX model in information form, the path for re-fits: the rows ({@link
 * RegressionRows}) give the symmetric normal matrix of the regressors and their cross products with the
 * outputs, and one Cholesky solve gives all three outputs' parameters. The same model and rows as
 * {@link BatchFit}, which stays the Commons Math reference it is tested against.
 *
 * <p>The six regressors other than the constant are summed as shifted data (minus the first row) and
 * centred about their means before the solve, so the constant column never enters the normal matrix
 * and the parent states (large, slowly varying) do not square their offset into it; the constant
 * follows from the means. This keeps the conditioning that of the centred data: the tests hold it to
 * 1e-9 of Commons Math QR on the full design.
 *
 * <p>Rows are gathered into a block of columns (a column per regressor and per output, {@value
 * #BLOCK} rows) and summed a block at a time, in passes that each keep at most ten sums in local
 * variables. Summing row by row into the 51 sums would load and store every sum for every row: more
 * sums than the CPU has registers (the row loop took 1.4 times as long). Each sum still adds the rows
 * in their order, so the result is the same, to the bit, as the straightforward row loop.
 *
 * <p>Reusable; after construction nothing allocates unless the dead time grows. Not thread-safe.
 */
public final class NormalFit {

    /** Regressors other than the constant: 3 settings, 3 parent states. */
    private static final int M = Rls.N - 1;

    /** Rows per block: 9 columns of them (18 KB) stay in the first-level cache while they are summed. */
    static final int BLOCK = 256;

    /** Where each column starts in {@link #block}: settings, parent states, outputs. */
    private static final int U0 = 0;

    private static final int U1 = BLOCK;
    private static final int U2 = 2 * BLOCK;
    private static final int P0 = 3 * BLOCK;
    private static final int P1 = 4 * BLOCK;
    private static final int P2 = 5 * BLOCK;
    private static final int O0 = 6 * BLOCK;
    private static final int O1 = 7 * BLOCK;
    private static final int O2 = 8 * BLOCK;

    /** The exponent bits of a double: all set for infinities and NaN. */
    private static final long EXPONENT = 0x7ff0_0000_0000_0000L;

    /**
     * A pivot below this fraction of its column's own sum of squares means the column is (numerically) a
     * combination of the ones before it: the rows do not determine every parameter.
     */
    static final double MIN_PIVOT = 1e-12;

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
    /**
     * The rows not yet summed, as they came (not shifted), a column after another: 3 settings, 3 states,
     * 3 outputs, {@value #BLOCK} entries each, at the offsets above. One array rather than nine: one
     * field to load and one bounds check per row.
     */
    private final double[] block = new double[9 * BLOCK];

    private int fill;
    /**
     * The actuator settings of the recent measurements for {@link #fit}, a ring indexed by measurement
     * (3 per entry); its length is a power of two of at least {@code deadTime + 2} entries.
     */
    private double[] history = new double[3 * 2];

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
    private final double[] m1 = new double[9];
    private final double[] m2 = new double[9];

    /** Forgets every row. */
    public void reset() {
        n = 0;
        fill = 0;
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
     * does: the rows of {@link RegressionRows#next}, built here in one pass straight into the columns.
     *
     * @param siblings empty, or one contribution per measurement
     * @return true if the rows determine every parameter; false if there are fewer rows than {@value
     *     Rls#N} or they are collinear (then {@link BatchFit}'s SVD gives the minimum-norm solution)
     */
    public boolean fit(List<Measurement> measurements, EstimatorSettings settings, List<Vector3> siblings) {
        int size = measurements.size();
        if (!siblings.isEmpty() && siblings.size() != size) {
            throw new IllegalArgumentException("got " + siblings.size() + " sibling contributions for " + size
                    + " measurements; give one per measurement, or none");
        }
        int deadTime = settings.deadTime();
        // the row of measurement k takes the setting of k - 1 - deadTime, and the chain must hold
        // deadTime + 2 settings (RegressionRows' capacity): the ring must not overwrite one still needed
        int need = deadTime + 2;
        if (history.length < 3 * need) {
            history = new double[3 * Integer.highestOneBit(need * 2 - 1)];
        }
        double[] ring = history;
        int mask = ring.length / 3 - 1;
        reset();
        boolean noSiblings = siblings.isEmpty();
        // time differences are whole milliseconds: comparing them with the whole part of 1.5 cycles is
        // the same as comparing them with 1.5 cycles (below 2^53 ms), and needs no conversion to double
        long maxGap = (long) Math.floor(1500 * settings.cycleSeconds());
        double[] c = block;
        // RegressionRows' state, in locals: the chain of settings starts at measurement chainStart
        boolean haveLastTime = false;
        boolean haveLastY = false;
        long lastTime = 0;
        int chainStart = 0;
        int r = 0;
        double set0 = 0;
        double set1 = 0;
        double set2 = 0;
        double last0 = 0;
        double last1 = 0;
        double last2 = 0;
        double sib0 = 0;
        double sib1 = 0;
        double sib2 = 0;
        for (int k = 0; k < size; k++) {
            Measurement m = measurements.get(k);
            long time = m.timestamp();
            boolean contiguous = haveLastTime && time > lastTime && time - lastTime <= maxGap;
            if (!contiguous && haveLastTime) {
                chainStart = k;
                haveLastY = false;
            }
            Vector3 parent = m.parent();
            double y0 = parent.x();
            double y1 = parent.y();
            double y2 = parent.z();
            boolean yValid = m.quality() != Quality.BAD && finite(y0) && finite(y1) && finite(y2);
            if (contiguous && yValid && haveLastY && k - chainStart >= need) {
                int lagged = 3 * ((k - 1 - deadTime) & mask);
                c[r + U0] = ring[lagged];
                c[r + U1] = ring[lagged + 1];
                c[r + U2] = ring[lagged + 2];
                c[r + P0] = last0;
                c[r + P1] = last1;
                c[r + P2] = last2;
                c[r + O0] = y0 - last0 - sib0;
                c[r + O1] = y1 - last1 - sib1;
                c[r + O2] = y2 - last2 - sib2;
                if (++r == BLOCK) {
                    n += r;
                    fill = r;
                    flush();
                    r = 0;
                }
            }
            lastTime = time;
            haveLastTime = true;
            Vector3 a = m.adjustment();
            double a0 = a.x();
            double a1 = a.y();
            double a2 = a.z();
            if (finite(a0) && finite(a1) && finite(a2)) {
                set0 += a0;
                set1 += a1;
                set2 += a2;
                int slot = 3 * (k & mask);
                ring[slot] = set0;
                ring[slot + 1] = set1;
                ring[slot + 2] = set2;
            } else {
                // an unknown adjustment leaves the setting unknown: its history starts again
                chainStart = k + 1;
            }
            if (yValid) {
                last0 = y0;
                last1 = y1;
                last2 = y2;
                if (noSiblings) {
                    sib0 = 0;
                    sib1 = 0;
                    sib2 = 0;
                } else {
                    Vector3 s = siblings.get(k);
                    sib0 = finite(s.x()) ? s.x() : 0;
                    sib1 = finite(s.y()) ? s.y() : 0;
                    sib2 = finite(s.z()) ? s.z() : 0;
                }
                haveLastY = true;
            } else {
                haveLastY = false;
            }
        }
        n += r;
        fill = r;
        return solve();
    }

    /**
     * Adds one row.
     *
     * @param phi the regressor, {@value Rls#N} entries; the last, the constant, is taken as 1
     * @param out the outputs, {@value Rls#OUTPUTS} entries
     */
    public void add(double[] phi, double[] out) {
        int r = fill;
        double[] c = block;
        c[r + U0] = phi[0];
        c[r + U1] = phi[1];
        c[r + U2] = phi[2];
        c[r + P0] = phi[3];
        c[r + P1] = phi[4];
        c[r + P2] = phi[5];
        c[r + O0] = out[0];
        c[r + O1] = out[1];
        c[r + O2] = out[2];
        n++;
        if (++fill == BLOCK) {
            flush();
        }
    }

    /**
     * Adds rows given as Commons Math's OLS takes them: {@code x[k]} the six regressors of row {@code k}
     * (3 settings, 3 parent states; the constant is implied), {@code y[j][k]} its output {@code j}.
     */
    public void add(double[][] x, double[][] y) {
        int count = x.length;
        if (y.length != Rls.OUTPUTS) {
            throw new IllegalArgumentException(
                    "got " + y.length + " output columns; give " + Rls.OUTPUTS + ", one per output");
        }
        double[] y0 = y[0];
        double[] y1 = y[1];
        double[] y2 = y[2];
        if (y0.length != count || y1.length != count || y2.length != count) {
            throw new IllegalArgumentException("got " + count + " rows of regressors and " + y0.length + ", "
                    + y1.length + ", " + y2.length + " outputs; give one output of each per row");
        }
        double[] c = block;
        int k = 0;
        while (k < count) {
            int start = fill;
            int take = Math.min(BLOCK - start, count - k);
            for (int i = 0; i < take; i++) {
                double[] row = x[k + i];
                if (row.length != M) {
                    throw new IllegalArgumentException(
                            "row " + (k + i) + " has " + row.length + " regressors; give " + M + " (no constant)");
                }
                int r = start + i;
                c[r + U0] = row[0];
                c[r + U1] = row[1];
                c[r + U2] = row[2];
                c[r + P0] = row[3];
                c[r + P1] = row[4];
                c[r + P2] = row[5];
            }
            System.arraycopy(y0, k, c, O0 + start, take);
            System.arraycopy(y1, k, c, O1 + start, take);
            System.arraycopy(y2, k, c, O2 + start, take);
            k += take;
            n += take;
            fill += take;
            if (fill == BLOCK) {
                flush();
            }
        }
    }

    /** {@link Double#isFinite} on the bits: integer work, which leaves the floating-point adders free. */
    private static boolean finite(double v) {
        return (Double.doubleToRawLongBits(v) & EXPONENT) != EXPONENT;
    }

    /** Adds the gathered rows to the sums and empties the block. */
    private void flush() {
        int len = fill;
        if (len == 0) {
            return;
        }
        if (n == len) {
            // the first block: its first row is the shift
            shiftX[0] = block[U0];
            shiftX[1] = block[U1];
            shiftX[2] = block[U2];
            shiftX[3] = block[P0];
            shiftX[4] = block[P1];
            shiftX[5] = block[P2];
            shiftY[0] = block[O0];
            shiftY[1] = block[O1];
            shiftY[2] = block[O2];
        }
        shift(block, U0, shiftX[0], len);
        shift(block, U1, shiftX[1], len);
        shift(block, U2, shiftX[2], len);
        shift(block, P0, shiftX[3], len);
        shift(block, P1, shiftX[4], len);
        shift(block, P2, shiftX[5], len);
        shift(block, O0, shiftY[0], len);
        shift(block, O1, shiftY[1], len);
        shift(block, O2, shiftY[2], len);
        // six passes, 8-10 sums each: enough independent additions to keep the adders busy, few enough
        // to stay in registers; each starts from the sums so far, so every sum adds the rows in order
        sums0(len);
        sums1(len);
        sums2(len);
        sums3(len);
        sums4(len);
        sums5(len);
        fill = 0;
    }

    private static void shift(double[] c, int column, double by, int len) {
        for (int r = column; r < column + len; r++) {
            c[r] = c[r] - by;
        }
    }

    /** Regressor 0 against every column, and its sum. */
    private void sums0(int len) {
        double[] c = block;
        double s = sx[0];
        double s0 = sxx[0];
        double s1 = sxx[1];
        double s2 = sxx[2];
        double s3 = sxx[3];
        double s4 = sxx[4];
        double s5 = sxx[5];
        double t0 = sxy[0];
        double t1 = sxy[1];
        double t2 = sxy[2];
        for (int r = 0; r < len; r++) {
            double v = c[r + U0];
            s += v;
            s0 += v * v;
            s1 += v * c[r + U1];
            s2 += v * c[r + U2];
            s3 += v * c[r + P0];
            s4 += v * c[r + P1];
            s5 += v * c[r + P2];
            t0 += v * c[r + O0];
            t1 += v * c[r + O1];
            t2 += v * c[r + O2];
        }
        sx[0] = s;
        sxx[0] = s0;
        sxx[1] = s1;
        sxx[2] = s2;
        sxx[3] = s3;
        sxx[4] = s4;
        sxx[5] = s5;
        sxy[0] = t0;
        sxy[1] = t1;
        sxy[2] = t2;
    }

    /** Regressor 1 against itself and the later columns, and its sum. */
    private void sums1(int len) {
        double[] c = block;
        double s = sx[1];
        double s1 = sxx[7];
        double s2 = sxx[8];
        double s3 = sxx[9];
        double s4 = sxx[10];
        double s5 = sxx[11];
        double t0 = sxy[3];
        double t1 = sxy[4];
        double t2 = sxy[5];
        for (int r = 0; r < len; r++) {
            double v = c[r + U1];
            s += v;
            s1 += v * v;
            s2 += v * c[r + U2];
            s3 += v * c[r + P0];
            s4 += v * c[r + P1];
            s5 += v * c[r + P2];
            t0 += v * c[r + O0];
            t1 += v * c[r + O1];
            t2 += v * c[r + O2];
        }
        sx[1] = s;
        sxx[7] = s1;
        sxx[8] = s2;
        sxx[9] = s3;
        sxx[10] = s4;
        sxx[11] = s5;
        sxy[3] = t0;
        sxy[4] = t1;
        sxy[5] = t2;
    }

    /** Regressor 2 against itself and the later columns, and its sum. */
    private void sums2(int len) {
        double[] c = block;
        double s = sx[2];
        double s2 = sxx[14];
        double s3 = sxx[15];
        double s4 = sxx[16];
        double s5 = sxx[17];
        double t0 = sxy[6];
        double t1 = sxy[7];
        double t2 = sxy[8];
        for (int r = 0; r < len; r++) {
            double v = c[r + U2];
            s += v;
            s2 += v * v;
            s3 += v * c[r + P0];
            s4 += v * c[r + P1];
            s5 += v * c[r + P2];
            t0 += v * c[r + O0];
            t1 += v * c[r + O1];
            t2 += v * c[r + O2];
        }
        sx[2] = s;
        sxx[14] = s2;
        sxx[15] = s3;
        sxx[16] = s4;
        sxx[17] = s5;
        sxy[6] = t0;
        sxy[7] = t1;
        sxy[8] = t2;
    }

    /** Regressor 3 against itself and the later columns, its sum and output 0's sum. */
    private void sums3(int len) {
        double[] c = block;
        double s = sx[3];
        double s3 = sxx[21];
        double s4 = sxx[22];
        double s5 = sxx[23];
        double t0 = sxy[9];
        double t1 = sxy[10];
        double t2 = sxy[11];
        double e0 = sy[0];
        for (int r = 0; r < len; r++) {
            double v = c[r + P0];
            double w0 = c[r + O0];
            s += v;
            s3 += v * v;
            s4 += v * c[r + P1];
            s5 += v * c[r + P2];
            t0 += v * w0;
            t1 += v * c[r + O1];
            t2 += v * c[r + O2];
            e0 += w0;
        }
        sx[3] = s;
        sxx[21] = s3;
        sxx[22] = s4;
        sxx[23] = s5;
        sxy[9] = t0;
        sxy[10] = t1;
        sxy[11] = t2;
        sy[0] = e0;
    }

    /** Regressor 4 against itself and the later columns, its sum and outputs 1 and 2's sums. */
    private void sums4(int len) {
        double[] c = block;
        double s = sx[4];
        double s4 = sxx[28];
        double s5 = sxx[29];
        double t0 = sxy[12];
        double t1 = sxy[13];
        double t2 = sxy[14];
        double e1 = sy[1];
        double e2 = sy[2];
        for (int r = 0; r < len; r++) {
            double v = c[r + P1];
            double w1 = c[r + O1];
            double w2 = c[r + O2];
            s += v;
            s4 += v * v;
            s5 += v * c[r + P2];
            t0 += v * c[r + O0];
            t1 += v * w1;
            t2 += v * w2;
            e1 += w1;
            e2 += w2;
        }
        sx[4] = s;
        sxx[28] = s4;
        sxx[29] = s5;
        sxy[12] = t0;
        sxy[13] = t1;
        sxy[14] = t2;
        sy[1] = e1;
        sy[2] = e2;
    }

    /** Regressor 5 against itself and the outputs, its sum, and the outputs' squares. */
    private void sums5(int len) {
        double[] c = block;
        double s = sx[5];
        double s5 = sxx[35];
        double t0 = sxy[15];
        double t1 = sxy[16];
        double t2 = sxy[17];
        double q0 = syy[0];
        double q1 = syy[1];
        double q2 = syy[2];
        for (int r = 0; r < len; r++) {
            double v = c[r + P2];
            double w0 = c[r + O0];
            double w1 = c[r + O1];
            double w2 = c[r + O2];
            s += v;
            s5 += v * v;
            t0 += v * w0;
            t1 += v * w1;
            t2 += v * w2;
            q0 += w0 * w0;
            q1 += w1 * w1;
            q2 += w2 * w2;
        }
        sx[5] = s;
        sxx[35] = s5;
        sxy[15] = t0;
        sxy[16] = t1;
        sxy[17] = t2;
        syy[0] = q0;
        syy[1] = q1;
        syy[2] = q2;
    }

    /**
     * Solves the normal equations of the rows added so far.
     *
     * @return false (parameters NaN) if there are fewer rows than parameters or they are collinear
     */
    public boolean solve() {
        flush();
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

    /**
     * For tests: a sum of the shifted rows so far (call {@link #solve} first).
     *
     * @param i column 0-5 (regressor) or 6-8 (output)
     * @param j a column from {@code i} on, or -1 for the plain sum of column {@code i}; output columns
     *     only against themselves
     */
    double shiftedSum(int i, int j) {
        if (j < 0) {
            return i < M ? sx[i] : sy[i - M];
        }
        if (i > j || (i >= M && i != j)) {
            throw new IllegalArgumentException("no sum of columns " + i + " and " + j + " is kept");
        }
        if (j < M) {
            return sxx[M * i + j];
        }
        return i < M ? sxy[3 * i + j - M] : syy[i - M];
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
}
