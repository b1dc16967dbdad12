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
 * #BLOCK} rows) and summed a block at a time into lanes: each of the 51 sums has {@value #W} partial
 * sums, lane {@code r} taking the block's rows {@code r}, {@code r + W}, {@code r + 2W}, {@code r + 3W},
 * and the lanes are added up once, at {@link #solve}. Every pass is a plain element-wise loop over the
 * lanes ({@code lane[r] += a[r] * b[r] + ...}), which C2 compiles to vector instructions; a sum kept in
 * one variable is a chain of additions that must stay in order, so it runs one addition at a time (the
 * scalar passes took about twice as long per block). The price: the rows are added in another order than
 * the row loop's, so the sums equal it up to rounding (tested to 1e-13 of the sum of the magnitudes),
 * not to the bit; the same rows in the same order still give the same fit to the bit, however they
 * are added. Where HotSpot compiles {@link Math#fma} to an instruction ({@link #FMA_INSTRUCTIONS}) the
 * passes ({@code fmaLanesN}) fuse each multiply-add and take two sums that share a column per loop (fewer
 * loads per product; C2 still vectorises that body with fma, not without); elsewhere the plain passes
 * ({@code lanesN}) run, since {@code Math.fma} without the instruction computes in {@code BigDecimal}.
 *
 * <p>Reusable; after construction nothing allocates unless the dead time grows or a batch is longer than any before. Not thread-safe.
 */
public final class NormalFit {

    /** Regressors other than the constant: 3 settings, 3 parent states. */
    private static final int M = Rls.N - 1;

    /** Rows per block: 9 columns of them (18 KB) and the lanes (26 KB) stay close to the first-level cache. */
    static final int BLOCK = 256;

    /**
     * Lanes per sum: the block's rows r, r + W, r + 2W, r + 3W add into lane r. The lane passes are
     * written out for W = 64 and BLOCK = 4W: the literal offsets 64, 128, 192 in them are the folded rows,
     * {@code LANES + 64 s} the lanes of sum s.
     */
    private static final int W = 64;

    /** The sums kept: 6 + 3 plain, 21 + 18 + 3 products. */
    private static final int SLOTS = 51;

    /** Where the lanes start in {@link #block}: after the nine columns, W per sum. */
    private static final int LANES = 9 * BLOCK;

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

    /**
     * Whether this JVM compiles {@link Math#fma} to an FMA instruction (HotSpot's {@code UseFMA}, read
     * once). Without it {@code Math.fma} computes exactly in {@code BigDecimal}, far slower than the
     * plain lanes.
     */
    static final boolean FMA_INSTRUCTIONS = FmaProbe.fmaInstructions();

    /** Whether the lane passes use {@link Math#fma} ({@code fmaLanesN}) or a multiply and an add ({@code lanesN}). */
    private final boolean fma;

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
    private final double[] block = new double[LANES + SLOTS * W];

    private final double[] laneSums = new double[SLOTS];

    /** Whether a lane holds anything: {@link #sum} has run since the lanes were last added up and cleared. */
    private boolean lanesDirty;

    private int fill;
    /**
     * The actuator settings of the recent measurements for {@link #fit}, a ring indexed by measurement
     * (3 per entry); its length is a power of two of at least {@code deadTime + 2} entries.
     */
    private double[] history = new double[3 * 2];

    /**
     * {@link #fit}'s fast path: per measurement the running settings, the parent state and the siblings'
     * contribution, one array each (grown to the longest batch so far).
     */
    private double[][] staged = new double[9][0];

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

    /** A fit that uses fused multiply-adds where the JVM has FMA instructions ({@link #FMA_INSTRUCTIONS}). */
    public NormalFit() {
        this(FMA_INSTRUCTIONS);
    }

    /**
     * @param fma whether the lane passes use {@link Math#fma}: the same sums, rounded once per product
     *     instead of twice (tests run both paths; without FMA instructions this path is correct but slow)
     */
    NormalFit(boolean fma) {
        this.fma = fma;
    }

    /** @return whether this fit's lane passes use {@link Math#fma} */
    boolean fusedMultiplyAdd() {
        return fma;
    }

    /** Forgets every row. */
    public void reset() {
        n = 0;
        fill = 0;
        Arrays.fill(sx, 0);
        Arrays.fill(sy, 0);
        Arrays.fill(sxx, 0);
        Arrays.fill(sxy, 0);
        Arrays.fill(syy, 0);
        if (lanesDirty) {
            Arrays.fill(block, LANES, LANES + SLOTS * W, 0);
            lanesDirty = false;
        }
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
        if (fitClean(measurements, siblings, deadTime, maxGap)) {
            return solve();
        }
        reset();
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
     * {@link #fit} for a clean batch: every time step within the gap, no BAD or non-finite parent state,
     * no non-finite adjustment. Then the rows are those of measurements {@code deadTime + 2} on, with no
     * chain broken, and are built from arrays: the fields are read in one tight loop (the adjustments'
     * finiteness checked once, on the running sums; the parent states' on the sums of their columns), the
     * columns are copied into the block and shifted there in place, and summed.
     * The rows, their order and their arithmetic are those of the general loop, so the fit is the same
     * to the bit (tested).
     *
     * @return false if the batch is not clean: then the caller resets and runs the general loop (rows may
     *     have been added when only a non-finite parent state spoilt the batch)
     */
    private boolean fitClean(List<Measurement> measurements, List<Vector3> siblings, int deadTime, long maxGap) {
        int size = measurements.size();
        if (staged[0].length < size) {
            for (int i = 0; i < staged.length; i++) {
                staged[i] = new double[size];
            }
        }
        double[] s0 = staged[0];
        double[] s1 = staged[1];
        double[] s2 = staged[2];
        double[] y0 = staged[3];
        double[] y1 = staged[4];
        double[] y2 = staged[5];
        double set0 = 0;
        double set1 = 0;
        double set2 = 0;
        // the first measurement is one millisecond after this: within the gap unless the gap is below one
        // millisecond or the time is Long.MIN_VALUE (then the general loop runs, which gives the same rows)
        long lastTime = size == 0 ? 0 : measurements.get(0).timestamp() - 1;
        boolean ordered = true;
        // the running settings are non-finite once any adjustment is: a sum that holds an infinity or a NaN
        // never becomes finite again (an overflow of finite adjustments makes it infinite too: then the
        // general loop runs, which gives the same rows). One check after the loop instead of three per
        // measurement. The parent states are checked on the sums of their columns, at the end.
        for (int k = 0; k < size; k++) {
            Measurement m = measurements.get(k);
            long time = m.timestamp();
            Vector3 parent = m.parent();
            Vector3 a = m.adjustment();
            double p0 = parent.x();
            double p1 = parent.y();
            double p2 = parent.z();
            // & rather than && or ||: no branch per measurement (measured: the read loop 2.9 against 3.8 us)
            ordered &= (time > lastTime) & (time - lastTime <= maxGap) & (m.quality() != Quality.BAD);
            lastTime = time;
            set0 += a.x();
            set1 += a.y();
            set2 += a.z();
            s0[k] = set0;
            s1[k] = set1;
            s2[k] = set2;
            y0[k] = p0;
            y1[k] = p1;
            y2[k] = p2;
        }
        if (!ordered || !finite(set0) || !finite(set1) || !finite(set2)) {
            return false;
        }
        boolean withSiblings = !siblings.isEmpty();
        double[] b0 = staged[6];
        double[] b1 = staged[7];
        double[] b2 = staged[8];
        if (withSiblings) {
            for (int k = 0; k < size; k++) {
                Vector3 v = siblings.get(k);
                b0[k] = finite(v.x()) ? v.x() : 0;
                b1[k] = finite(v.y()) ? v.y() : 0;
                b2[k] = finite(v.z()) ? v.z() : 0;
            }
        }
        // row q is measurement k = first + q: setting of k - 1 - deadTime, state of k - 1, change to k
        int first = deadTime + 2;
        if (first >= size) {
            return true;
        }
        // the shift is the first row, as flush takes it; the columns are written shifted (the same
        // subtraction flush would do afterwards, so the same bits) and summed without flush's pass
        int lag = first - 1 - deadTime;
        shiftX[0] = s0[lag];
        shiftX[1] = s1[lag];
        shiftX[2] = s2[lag];
        shiftX[3] = y0[first - 1];
        shiftX[4] = y1[first - 1];
        shiftX[5] = y2[first - 1];
        shiftY[0] = withSiblings ? (y0[first] - y0[first - 1]) - b0[first - 1] : y0[first] - y0[first - 1];
        shiftY[1] = withSiblings ? (y1[first] - y1[first - 1]) - b1[first - 1] : y1[first] - y1[first - 1];
        shiftY[2] = withSiblings ? (y2[first] - y2[first - 1]) - b2[first - 1] : y2[first] - y2[first - 1];
        for (int k = first; k < size; ) {
            int len = Math.min(BLOCK, size - k);
            // The columns are copied in raw (System.arraycopy, a vector stub), then shifted in place by loops
            // over the block alone at constant offsets, which C2 vectorises. Loops from the staged arrays
            // into the block ran one element at a time (perfasm, 2026-11-28: about 0.3 us per column).
            double[] c = block;
            int lagged = k - 1 - deadTime;
            System.arraycopy(s0, lagged, c, U0, len);
            System.arraycopy(s1, lagged, c, U1, len);
            System.arraycopy(s2, lagged, c, U2, len);
            System.arraycopy(y0, k - 1, c, P0, len);
            System.arraycopy(y1, k - 1, c, P1, len);
            System.arraycopy(y2, k - 1, c, P2, len);
            if (withSiblings) {
                change(y0, b0, k, len, O0, shiftY[0]);
                change(y1, b1, k, len, O1, shiftY[1]);
                change(y2, b2, k, len, O2, shiftY[2]);
            } else {
                System.arraycopy(y0, k, c, O0, len);
                System.arraycopy(y1, k, c, O1, len);
                System.arraycopy(y2, k, c, O2, len);
                changes(len);
            }
            shiftRegressors(len);
            n += len;
            sum(len);
            k += len;
        }
        // Every parent state from the first row's on is in the state columns (all but the last) or in the
        // outputs (the last), so a non-finite one makes the plain sum of its column non-finite (an
        // infinity or a NaN never leaves a sum); the states before are in no row, as in the general loop.
        // Then the caller starts again with the general loop, which leaves out the rows that state breaks.
        reduceLanes();
        return finite(sx[3]) && finite(sx[4]) && finite(sx[5]) && finite(sy[0]) && finite(sy[1]) && finite(sy[2]);
    }

    /**
     * The outputs from the raw columns: the parent's change over a cycle (output column, the next state,
     * less the state column, not yet shifted), shifted: the general loop's {@code (y - last) - shift}.
     */
    private void changes(int len) {
        double[] c = block;
        double by0 = shiftY[0];
        double by1 = shiftY[1];
        double by2 = shiftY[2];
        for (int i = 0; i < len; i++) {
            c[i + O0] = (c[i + O0] - c[i + P0]) - by0;
        }
        for (int i = 0; i < len; i++) {
            c[i + O1] = (c[i + O1] - c[i + P1]) - by1;
        }
        for (int i = 0; i < len; i++) {
            c[i + O2] = (c[i + O2] - c[i + P2]) - by2;
        }
    }

    /** Shifts the six regressor columns' first {@code len} rows in place. */
    private void shiftRegressors(int len) {
        double[] c = block;
        double by0 = shiftX[0];
        double by1 = shiftX[1];
        double by2 = shiftX[2];
        double by3 = shiftX[3];
        double by4 = shiftX[4];
        double by5 = shiftX[5];
        for (int i = 0; i < len; i++) {
            c[i + U0] = c[i + U0] - by0;
        }
        for (int i = 0; i < len; i++) {
            c[i + U1] = c[i + U1] - by1;
        }
        for (int i = 0; i < len; i++) {
            c[i + U2] = c[i + U2] - by2;
        }
        for (int i = 0; i < len; i++) {
            c[i + P0] = c[i + P0] - by3;
        }
        for (int i = 0; i < len; i++) {
            c[i + P1] = c[i + P1] - by4;
        }
        for (int i = 0; i < len; i++) {
            c[i + P2] = c[i + P2] - by5;
        }
    }

    /** The change less the siblings' contribution {@code s[k - 1 + i]}, shifted. */
    private void change(double[] y, double[] s, int k, int len, int column, double by) {
        double[] c = block;
        for (int i = 0; i < len; i++) {
            c[column + i] = ((y[k + i] - y[k - 1 + i]) - s[k - 1 + i]) - by;
        }
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
        sum(len);
    }

    /** Adds the block's first {@code len} rows, already shifted, to the lanes and empties the block. */
    private void sum(int len) {
        if (len < BLOCK) {
            // zero rows add nothing: the passes always run over the whole block
            for (int column = 0; column < 9 * BLOCK; column += BLOCK) {
                Arrays.fill(block, column + len, column + BLOCK, 0);
            }
        }
        // A loop per sum, written out (lanesN groups them by their first column): a body small enough
        // for C2 to vectorise; larger bodies (more sums or folds per loop) are not, and run at scalar
        // speed. Why not one helper laneProduct(slot, a, b) driven by a table of column pairs (measured
        // 2026-11-28, JDK 17.0.15): C2's vectoriser needs every offset into the one array to be a
        // constant (two different variable offsets may alias, so it keeps the loop scalar): the
        // table-driven loop took normalRowsTensor from 10.6 to 25 us. Called with constant arguments
        // the helper vectorises only where it is inlined, and C2 stops inlining (NodeCountInliningCutoff)
        // or unrolling once a method holds some 25-50 of these loops: 51 calls in flush, six groups of
        // calls (inlined back into flush) and two groups of 26 calls were 13-15 us against 10.6-12.8
        // us, side by side. Each lanesN is too large to be inlined into flush, so each is compiled on
        // its own with its 8-10 loops, all vectorised.
        if (fma) {
            fmaLanes0();
            fmaLanes1();
            fmaLanes2();
            fmaLanes3();
            fmaLanes4();
            fmaLanes5();
        } else {
            lanes0();
            lanes1();
            lanes2();
            lanes3();
            lanes4();
            lanes5();
        }
        lanesDirty = true;
        fill = 0;
    }

    private static void shift(double[] c, int column, double by, int len) {
        for (int r = column; r < column + len; r++) {
            c[r] = c[r] - by;
        }
    }

    /** Lanes of the sums with column U0 (see {@link #sum}). */
    private void lanes0() {
        double[] c = block;
        for (int r = 0; r < W; r++) {
            c[r + LANES] += c[r + U0] + c[r + U0 + 64] + c[r + U0 + 128] + c[r + U0 + 192]; // sum of U0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 64] += c[r + U0] * c[r + U0]
                    + c[r + U0 + 64] * c[r + U0 + 64]
                    + c[r + U0 + 128] * c[r + U0 + 128]
                    + c[r + U0 + 192] * c[r + U0 + 192]; // U0·U0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 128] += c[r + U0] * c[r + U1]
                    + c[r + U0 + 64] * c[r + U1 + 64]
                    + c[r + U0 + 128] * c[r + U1 + 128]
                    + c[r + U0 + 192] * c[r + U1 + 192]; // U0·U1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 192] += c[r + U0] * c[r + U2]
                    + c[r + U0 + 64] * c[r + U2 + 64]
                    + c[r + U0 + 128] * c[r + U2 + 128]
                    + c[r + U0 + 192] * c[r + U2 + 192]; // U0·U2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 256] += c[r + U0] * c[r + P0]
                    + c[r + U0 + 64] * c[r + P0 + 64]
                    + c[r + U0 + 128] * c[r + P0 + 128]
                    + c[r + U0 + 192] * c[r + P0 + 192]; // U0·P0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 320] += c[r + U0] * c[r + P1]
                    + c[r + U0 + 64] * c[r + P1 + 64]
                    + c[r + U0 + 128] * c[r + P1 + 128]
                    + c[r + U0 + 192] * c[r + P1 + 192]; // U0·P1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 384] += c[r + U0] * c[r + P2]
                    + c[r + U0 + 64] * c[r + P2 + 64]
                    + c[r + U0 + 128] * c[r + P2 + 128]
                    + c[r + U0 + 192] * c[r + P2 + 192]; // U0·P2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 448] += c[r + U0] * c[r + O0]
                    + c[r + U0 + 64] * c[r + O0 + 64]
                    + c[r + U0 + 128] * c[r + O0 + 128]
                    + c[r + U0 + 192] * c[r + O0 + 192]; // U0·O0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 512] += c[r + U0] * c[r + O1]
                    + c[r + U0 + 64] * c[r + O1 + 64]
                    + c[r + U0 + 128] * c[r + O1 + 128]
                    + c[r + U0 + 192] * c[r + O1 + 192]; // U0·O1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 576] += c[r + U0] * c[r + O2]
                    + c[r + U0 + 64] * c[r + O2 + 64]
                    + c[r + U0 + 128] * c[r + O2 + 128]
                    + c[r + U0 + 192] * c[r + O2 + 192]; // U0·O2
        }
    }

    /** Lanes of the sums with column U1 (see {@link #sum}). */
    private void lanes1() {
        double[] c = block;
        for (int r = 0; r < W; r++) {
            c[r + LANES + 640] += c[r + U1] + c[r + U1 + 64] + c[r + U1 + 128] + c[r + U1 + 192]; // sum of U1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 704] += c[r + U1] * c[r + U1]
                    + c[r + U1 + 64] * c[r + U1 + 64]
                    + c[r + U1 + 128] * c[r + U1 + 128]
                    + c[r + U1 + 192] * c[r + U1 + 192]; // U1·U1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 768] += c[r + U1] * c[r + U2]
                    + c[r + U1 + 64] * c[r + U2 + 64]
                    + c[r + U1 + 128] * c[r + U2 + 128]
                    + c[r + U1 + 192] * c[r + U2 + 192]; // U1·U2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 832] += c[r + U1] * c[r + P0]
                    + c[r + U1 + 64] * c[r + P0 + 64]
                    + c[r + U1 + 128] * c[r + P0 + 128]
                    + c[r + U1 + 192] * c[r + P0 + 192]; // U1·P0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 896] += c[r + U1] * c[r + P1]
                    + c[r + U1 + 64] * c[r + P1 + 64]
                    + c[r + U1 + 128] * c[r + P1 + 128]
                    + c[r + U1 + 192] * c[r + P1 + 192]; // U1·P1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 960] += c[r + U1] * c[r + P2]
                    + c[r + U1 + 64] * c[r + P2 + 64]
                    + c[r + U1 + 128] * c[r + P2 + 128]
                    + c[r + U1 + 192] * c[r + P2 + 192]; // U1·P2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1024] += c[r + U1] * c[r + O0]
                    + c[r + U1 + 64] * c[r + O0 + 64]
                    + c[r + U1 + 128] * c[r + O0 + 128]
                    + c[r + U1 + 192] * c[r + O0 + 192]; // U1·O0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1088] += c[r + U1] * c[r + O1]
                    + c[r + U1 + 64] * c[r + O1 + 64]
                    + c[r + U1 + 128] * c[r + O1 + 128]
                    + c[r + U1 + 192] * c[r + O1 + 192]; // U1·O1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1152] += c[r + U1] * c[r + O2]
                    + c[r + U1 + 64] * c[r + O2 + 64]
                    + c[r + U1 + 128] * c[r + O2 + 128]
                    + c[r + U1 + 192] * c[r + O2 + 192]; // U1·O2
        }
    }

    /** Lanes of the sums with column U2 (see {@link #sum}). */
    private void lanes2() {
        double[] c = block;
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1216] += c[r + U2] + c[r + U2 + 64] + c[r + U2 + 128] + c[r + U2 + 192]; // sum of U2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1280] += c[r + U2] * c[r + U2]
                    + c[r + U2 + 64] * c[r + U2 + 64]
                    + c[r + U2 + 128] * c[r + U2 + 128]
                    + c[r + U2 + 192] * c[r + U2 + 192]; // U2·U2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1344] += c[r + U2] * c[r + P0]
                    + c[r + U2 + 64] * c[r + P0 + 64]
                    + c[r + U2 + 128] * c[r + P0 + 128]
                    + c[r + U2 + 192] * c[r + P0 + 192]; // U2·P0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1408] += c[r + U2] * c[r + P1]
                    + c[r + U2 + 64] * c[r + P1 + 64]
                    + c[r + U2 + 128] * c[r + P1 + 128]
                    + c[r + U2 + 192] * c[r + P1 + 192]; // U2·P1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1472] += c[r + U2] * c[r + P2]
                    + c[r + U2 + 64] * c[r + P2 + 64]
                    + c[r + U2 + 128] * c[r + P2 + 128]
                    + c[r + U2 + 192] * c[r + P2 + 192]; // U2·P2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1536] += c[r + U2] * c[r + O0]
                    + c[r + U2 + 64] * c[r + O0 + 64]
                    + c[r + U2 + 128] * c[r + O0 + 128]
                    + c[r + U2 + 192] * c[r + O0 + 192]; // U2·O0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1600] += c[r + U2] * c[r + O1]
                    + c[r + U2 + 64] * c[r + O1 + 64]
                    + c[r + U2 + 128] * c[r + O1 + 128]
                    + c[r + U2 + 192] * c[r + O1 + 192]; // U2·O1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1664] += c[r + U2] * c[r + O2]
                    + c[r + U2 + 64] * c[r + O2 + 64]
                    + c[r + U2 + 128] * c[r + O2 + 128]
                    + c[r + U2 + 192] * c[r + O2 + 192]; // U2·O2
        }
    }

    /** Lanes of the sums with column P0 (see {@link #sum}). */
    private void lanes3() {
        double[] c = block;
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1728] += c[r + P0] + c[r + P0 + 64] + c[r + P0 + 128] + c[r + P0 + 192]; // sum of P0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1792] += c[r + P0] * c[r + P0]
                    + c[r + P0 + 64] * c[r + P0 + 64]
                    + c[r + P0 + 128] * c[r + P0 + 128]
                    + c[r + P0 + 192] * c[r + P0 + 192]; // P0·P0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1856] += c[r + P0] * c[r + P1]
                    + c[r + P0 + 64] * c[r + P1 + 64]
                    + c[r + P0 + 128] * c[r + P1 + 128]
                    + c[r + P0 + 192] * c[r + P1 + 192]; // P0·P1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1920] += c[r + P0] * c[r + P2]
                    + c[r + P0 + 64] * c[r + P2 + 64]
                    + c[r + P0 + 128] * c[r + P2 + 128]
                    + c[r + P0 + 192] * c[r + P2 + 192]; // P0·P2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1984] += c[r + P0] * c[r + O0]
                    + c[r + P0 + 64] * c[r + O0 + 64]
                    + c[r + P0 + 128] * c[r + O0 + 128]
                    + c[r + P0 + 192] * c[r + O0 + 192]; // P0·O0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2048] += c[r + P0] * c[r + O1]
                    + c[r + P0 + 64] * c[r + O1 + 64]
                    + c[r + P0 + 128] * c[r + O1 + 128]
                    + c[r + P0 + 192] * c[r + O1 + 192]; // P0·O1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2112] += c[r + P0] * c[r + O2]
                    + c[r + P0 + 64] * c[r + O2 + 64]
                    + c[r + P0 + 128] * c[r + O2 + 128]
                    + c[r + P0 + 192] * c[r + O2 + 192]; // P0·O2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2176] += c[r + O0] + c[r + O0 + 64] + c[r + O0 + 128] + c[r + O0 + 192]; // sum of O0
        }
    }

    /** Lanes of the sums with column P1 (see {@link #sum}). */
    private void lanes4() {
        double[] c = block;
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2240] += c[r + P1] + c[r + P1 + 64] + c[r + P1 + 128] + c[r + P1 + 192]; // sum of P1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2304] += c[r + P1] * c[r + P1]
                    + c[r + P1 + 64] * c[r + P1 + 64]
                    + c[r + P1 + 128] * c[r + P1 + 128]
                    + c[r + P1 + 192] * c[r + P1 + 192]; // P1·P1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2368] += c[r + P1] * c[r + P2]
                    + c[r + P1 + 64] * c[r + P2 + 64]
                    + c[r + P1 + 128] * c[r + P2 + 128]
                    + c[r + P1 + 192] * c[r + P2 + 192]; // P1·P2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2432] += c[r + P1] * c[r + O0]
                    + c[r + P1 + 64] * c[r + O0 + 64]
                    + c[r + P1 + 128] * c[r + O0 + 128]
                    + c[r + P1 + 192] * c[r + O0 + 192]; // P1·O0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2496] += c[r + P1] * c[r + O1]
                    + c[r + P1 + 64] * c[r + O1 + 64]
                    + c[r + P1 + 128] * c[r + O1 + 128]
                    + c[r + P1 + 192] * c[r + O1 + 192]; // P1·O1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2560] += c[r + P1] * c[r + O2]
                    + c[r + P1 + 64] * c[r + O2 + 64]
                    + c[r + P1 + 128] * c[r + O2 + 128]
                    + c[r + P1 + 192] * c[r + O2 + 192]; // P1·O2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2624] += c[r + O1] + c[r + O1 + 64] + c[r + O1 + 128] + c[r + O1 + 192]; // sum of O1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2688] += c[r + O2] + c[r + O2 + 64] + c[r + O2 + 128] + c[r + O2 + 192]; // sum of O2
        }
    }

    /** Lanes of the sums with column P2 (see {@link #sum}). */
    private void lanes5() {
        double[] c = block;
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2752] += c[r + P2] + c[r + P2 + 64] + c[r + P2 + 128] + c[r + P2 + 192]; // sum of P2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2816] += c[r + P2] * c[r + P2]
                    + c[r + P2 + 64] * c[r + P2 + 64]
                    + c[r + P2 + 128] * c[r + P2 + 128]
                    + c[r + P2 + 192] * c[r + P2 + 192]; // P2·P2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2880] += c[r + P2] * c[r + O0]
                    + c[r + P2 + 64] * c[r + O0 + 64]
                    + c[r + P2 + 128] * c[r + O0 + 128]
                    + c[r + P2 + 192] * c[r + O0 + 192]; // P2·O0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2944] += c[r + P2] * c[r + O1]
                    + c[r + P2 + 64] * c[r + O1 + 64]
                    + c[r + P2 + 128] * c[r + O1 + 128]
                    + c[r + P2 + 192] * c[r + O1 + 192]; // P2·O1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 3008] += c[r + P2] * c[r + O2]
                    + c[r + P2 + 64] * c[r + O2 + 64]
                    + c[r + P2 + 128] * c[r + O2 + 128]
                    + c[r + P2 + 192] * c[r + O2 + 192]; // P2·O2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 3072] += c[r + O0] * c[r + O0]
                    + c[r + O0 + 64] * c[r + O0 + 64]
                    + c[r + O0 + 128] * c[r + O0 + 128]
                    + c[r + O0 + 192] * c[r + O0 + 192]; // O0·O0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 3136] += c[r + O1] * c[r + O1]
                    + c[r + O1 + 64] * c[r + O1 + 64]
                    + c[r + O1 + 128] * c[r + O1 + 128]
                    + c[r + O1 + 192] * c[r + O1 + 192]; // O1·O1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 3200] += c[r + O2] * c[r + O2]
                    + c[r + O2 + 64] * c[r + O2 + 64]
                    + c[r + O2 + 128] * c[r + O2 + 128]
                    + c[r + O2 + 192] * c[r + O2 + 192]; // O2·O2
        }
    }

    /** {@link #lanes0} with fused multiply-adds, two sums per loop where they share a column. */
    private void fmaLanes0() {
        double[] c = block;
        for (int r = 0; r < W; r++) {
            c[r + LANES] = c[r + LANES] + c[r + U0] + c[r + U0 + 64] + c[r + U0 + 128] + c[r + U0 + 192]; // sum of U0
            c[r + LANES + 64] = Math.fma(
                    c[r + U0 + 192],
                    c[r + U0 + 192],
                    Math.fma(
                            c[r + U0 + 128],
                            c[r + U0 + 128],
                            Math.fma(
                                    c[r + U0 + 64],
                                    c[r + U0 + 64],
                                    Math.fma(c[r + U0], c[r + U0], c[r + LANES + 64])))); // U0·U0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 128] = Math.fma(
                    c[r + U0 + 192],
                    c[r + U1 + 192],
                    Math.fma(
                            c[r + U0 + 128],
                            c[r + U1 + 128],
                            Math.fma(
                                    c[r + U0 + 64],
                                    c[r + U1 + 64],
                                    Math.fma(c[r + U0], c[r + U1], c[r + LANES + 128])))); // U0·U1
            c[r + LANES + 192] = Math.fma(
                    c[r + U0 + 192],
                    c[r + U2 + 192],
                    Math.fma(
                            c[r + U0 + 128],
                            c[r + U2 + 128],
                            Math.fma(
                                    c[r + U0 + 64],
                                    c[r + U2 + 64],
                                    Math.fma(c[r + U0], c[r + U2], c[r + LANES + 192])))); // U0·U2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 256] = Math.fma(
                    c[r + U0 + 192],
                    c[r + P0 + 192],
                    Math.fma(
                            c[r + U0 + 128],
                            c[r + P0 + 128],
                            Math.fma(
                                    c[r + U0 + 64],
                                    c[r + P0 + 64],
                                    Math.fma(c[r + U0], c[r + P0], c[r + LANES + 256])))); // U0·P0
            c[r + LANES + 320] = Math.fma(
                    c[r + U0 + 192],
                    c[r + P1 + 192],
                    Math.fma(
                            c[r + U0 + 128],
                            c[r + P1 + 128],
                            Math.fma(
                                    c[r + U0 + 64],
                                    c[r + P1 + 64],
                                    Math.fma(c[r + U0], c[r + P1], c[r + LANES + 320])))); // U0·P1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 384] = Math.fma(
                    c[r + U0 + 192],
                    c[r + P2 + 192],
                    Math.fma(
                            c[r + U0 + 128],
                            c[r + P2 + 128],
                            Math.fma(
                                    c[r + U0 + 64],
                                    c[r + P2 + 64],
                                    Math.fma(c[r + U0], c[r + P2], c[r + LANES + 384])))); // U0·P2
            c[r + LANES + 448] = Math.fma(
                    c[r + U0 + 192],
                    c[r + O0 + 192],
                    Math.fma(
                            c[r + U0 + 128],
                            c[r + O0 + 128],
                            Math.fma(
                                    c[r + U0 + 64],
                                    c[r + O0 + 64],
                                    Math.fma(c[r + U0], c[r + O0], c[r + LANES + 448])))); // U0·O0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 512] = Math.fma(
                    c[r + U0 + 192],
                    c[r + O1 + 192],
                    Math.fma(
                            c[r + U0 + 128],
                            c[r + O1 + 128],
                            Math.fma(
                                    c[r + U0 + 64],
                                    c[r + O1 + 64],
                                    Math.fma(c[r + U0], c[r + O1], c[r + LANES + 512])))); // U0·O1
            c[r + LANES + 576] = Math.fma(
                    c[r + U0 + 192],
                    c[r + O2 + 192],
                    Math.fma(
                            c[r + U0 + 128],
                            c[r + O2 + 128],
                            Math.fma(
                                    c[r + U0 + 64],
                                    c[r + O2 + 64],
                                    Math.fma(c[r + U0], c[r + O2], c[r + LANES + 576])))); // U0·O2
        }
    }

    /** {@link #lanes1} with fused multiply-adds, two sums per loop where they share a column. */
    private void fmaLanes1() {
        double[] c = block;
        for (int r = 0; r < W; r++) {
            c[r + LANES + 640] =
                    c[r + LANES + 640] + c[r + U1] + c[r + U1 + 64] + c[r + U1 + 128] + c[r + U1 + 192]; // sum of U1
            c[r + LANES + 704] = Math.fma(
                    c[r + U1 + 192],
                    c[r + U1 + 192],
                    Math.fma(
                            c[r + U1 + 128],
                            c[r + U1 + 128],
                            Math.fma(
                                    c[r + U1 + 64],
                                    c[r + U1 + 64],
                                    Math.fma(c[r + U1], c[r + U1], c[r + LANES + 704])))); // U1·U1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 768] = Math.fma(
                    c[r + U1 + 192],
                    c[r + U2 + 192],
                    Math.fma(
                            c[r + U1 + 128],
                            c[r + U2 + 128],
                            Math.fma(
                                    c[r + U1 + 64],
                                    c[r + U2 + 64],
                                    Math.fma(c[r + U1], c[r + U2], c[r + LANES + 768])))); // U1·U2
            c[r + LANES + 832] = Math.fma(
                    c[r + U1 + 192],
                    c[r + P0 + 192],
                    Math.fma(
                            c[r + U1 + 128],
                            c[r + P0 + 128],
                            Math.fma(
                                    c[r + U1 + 64],
                                    c[r + P0 + 64],
                                    Math.fma(c[r + U1], c[r + P0], c[r + LANES + 832])))); // U1·P0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 896] = Math.fma(
                    c[r + U1 + 192],
                    c[r + P1 + 192],
                    Math.fma(
                            c[r + U1 + 128],
                            c[r + P1 + 128],
                            Math.fma(
                                    c[r + U1 + 64],
                                    c[r + P1 + 64],
                                    Math.fma(c[r + U1], c[r + P1], c[r + LANES + 896])))); // U1·P1
            c[r + LANES + 960] = Math.fma(
                    c[r + U1 + 192],
                    c[r + P2 + 192],
                    Math.fma(
                            c[r + U1 + 128],
                            c[r + P2 + 128],
                            Math.fma(
                                    c[r + U1 + 64],
                                    c[r + P2 + 64],
                                    Math.fma(c[r + U1], c[r + P2], c[r + LANES + 960])))); // U1·P2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1024] = Math.fma(
                    c[r + U1 + 192],
                    c[r + O0 + 192],
                    Math.fma(
                            c[r + U1 + 128],
                            c[r + O0 + 128],
                            Math.fma(
                                    c[r + U1 + 64],
                                    c[r + O0 + 64],
                                    Math.fma(c[r + U1], c[r + O0], c[r + LANES + 1024])))); // U1·O0
            c[r + LANES + 1088] = Math.fma(
                    c[r + U1 + 192],
                    c[r + O1 + 192],
                    Math.fma(
                            c[r + U1 + 128],
                            c[r + O1 + 128],
                            Math.fma(
                                    c[r + U1 + 64],
                                    c[r + O1 + 64],
                                    Math.fma(c[r + U1], c[r + O1], c[r + LANES + 1088])))); // U1·O1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1152] = Math.fma(
                    c[r + U1 + 192],
                    c[r + O2 + 192],
                    Math.fma(
                            c[r + U1 + 128],
                            c[r + O2 + 128],
                            Math.fma(
                                    c[r + U1 + 64],
                                    c[r + O2 + 64],
                                    Math.fma(c[r + U1], c[r + O2], c[r + LANES + 1152])))); // U1·O2
        }
    }

    /** {@link #lanes2} with fused multiply-adds, two sums per loop where they share a column. */
    private void fmaLanes2() {
        double[] c = block;
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1216] =
                    c[r + LANES + 1216] + c[r + U2] + c[r + U2 + 64] + c[r + U2 + 128] + c[r + U2 + 192]; // sum of U2
            c[r + LANES + 1280] = Math.fma(
                    c[r + U2 + 192],
                    c[r + U2 + 192],
                    Math.fma(
                            c[r + U2 + 128],
                            c[r + U2 + 128],
                            Math.fma(
                                    c[r + U2 + 64],
                                    c[r + U2 + 64],
                                    Math.fma(c[r + U2], c[r + U2], c[r + LANES + 1280])))); // U2·U2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1344] = Math.fma(
                    c[r + U2 + 192],
                    c[r + P0 + 192],
                    Math.fma(
                            c[r + U2 + 128],
                            c[r + P0 + 128],
                            Math.fma(
                                    c[r + U2 + 64],
                                    c[r + P0 + 64],
                                    Math.fma(c[r + U2], c[r + P0], c[r + LANES + 1344])))); // U2·P0
            c[r + LANES + 1408] = Math.fma(
                    c[r + U2 + 192],
                    c[r + P1 + 192],
                    Math.fma(
                            c[r + U2 + 128],
                            c[r + P1 + 128],
                            Math.fma(
                                    c[r + U2 + 64],
                                    c[r + P1 + 64],
                                    Math.fma(c[r + U2], c[r + P1], c[r + LANES + 1408])))); // U2·P1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1472] = Math.fma(
                    c[r + U2 + 192],
                    c[r + P2 + 192],
                    Math.fma(
                            c[r + U2 + 128],
                            c[r + P2 + 128],
                            Math.fma(
                                    c[r + U2 + 64],
                                    c[r + P2 + 64],
                                    Math.fma(c[r + U2], c[r + P2], c[r + LANES + 1472])))); // U2·P2
            c[r + LANES + 1536] = Math.fma(
                    c[r + U2 + 192],
                    c[r + O0 + 192],
                    Math.fma(
                            c[r + U2 + 128],
                            c[r + O0 + 128],
                            Math.fma(
                                    c[r + U2 + 64],
                                    c[r + O0 + 64],
                                    Math.fma(c[r + U2], c[r + O0], c[r + LANES + 1536])))); // U2·O0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1600] = Math.fma(
                    c[r + U2 + 192],
                    c[r + O1 + 192],
                    Math.fma(
                            c[r + U2 + 128],
                            c[r + O1 + 128],
                            Math.fma(
                                    c[r + U2 + 64],
                                    c[r + O1 + 64],
                                    Math.fma(c[r + U2], c[r + O1], c[r + LANES + 1600])))); // U2·O1
            c[r + LANES + 1664] = Math.fma(
                    c[r + U2 + 192],
                    c[r + O2 + 192],
                    Math.fma(
                            c[r + U2 + 128],
                            c[r + O2 + 128],
                            Math.fma(
                                    c[r + U2 + 64],
                                    c[r + O2 + 64],
                                    Math.fma(c[r + U2], c[r + O2], c[r + LANES + 1664])))); // U2·O2
        }
    }

    /** {@link #lanes3} with fused multiply-adds, two sums per loop where they share a column. */
    private void fmaLanes3() {
        double[] c = block;
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1728] =
                    c[r + LANES + 1728] + c[r + P0] + c[r + P0 + 64] + c[r + P0 + 128] + c[r + P0 + 192]; // sum of P0
            c[r + LANES + 1792] = Math.fma(
                    c[r + P0 + 192],
                    c[r + P0 + 192],
                    Math.fma(
                            c[r + P0 + 128],
                            c[r + P0 + 128],
                            Math.fma(
                                    c[r + P0 + 64],
                                    c[r + P0 + 64],
                                    Math.fma(c[r + P0], c[r + P0], c[r + LANES + 1792])))); // P0·P0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1856] = Math.fma(
                    c[r + P0 + 192],
                    c[r + P1 + 192],
                    Math.fma(
                            c[r + P0 + 128],
                            c[r + P1 + 128],
                            Math.fma(
                                    c[r + P0 + 64],
                                    c[r + P1 + 64],
                                    Math.fma(c[r + P0], c[r + P1], c[r + LANES + 1856])))); // P0·P1
            c[r + LANES + 1920] = Math.fma(
                    c[r + P0 + 192],
                    c[r + P2 + 192],
                    Math.fma(
                            c[r + P0 + 128],
                            c[r + P2 + 128],
                            Math.fma(
                                    c[r + P0 + 64],
                                    c[r + P2 + 64],
                                    Math.fma(c[r + P0], c[r + P2], c[r + LANES + 1920])))); // P0·P2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 1984] = Math.fma(
                    c[r + P0 + 192],
                    c[r + O0 + 192],
                    Math.fma(
                            c[r + P0 + 128],
                            c[r + O0 + 128],
                            Math.fma(
                                    c[r + P0 + 64],
                                    c[r + O0 + 64],
                                    Math.fma(c[r + P0], c[r + O0], c[r + LANES + 1984])))); // P0·O0
            c[r + LANES + 2048] = Math.fma(
                    c[r + P0 + 192],
                    c[r + O1 + 192],
                    Math.fma(
                            c[r + P0 + 128],
                            c[r + O1 + 128],
                            Math.fma(
                                    c[r + P0 + 64],
                                    c[r + O1 + 64],
                                    Math.fma(c[r + P0], c[r + O1], c[r + LANES + 2048])))); // P0·O1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2112] = Math.fma(
                    c[r + P0 + 192],
                    c[r + O2 + 192],
                    Math.fma(
                            c[r + P0 + 128],
                            c[r + O2 + 128],
                            Math.fma(
                                    c[r + P0 + 64],
                                    c[r + O2 + 64],
                                    Math.fma(c[r + P0], c[r + O2], c[r + LANES + 2112])))); // P0·O2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2176] =
                    c[r + LANES + 2176] + c[r + O0] + c[r + O0 + 64] + c[r + O0 + 128] + c[r + O0 + 192]; // sum of O0
        }
    }

    /** {@link #lanes4} with fused multiply-adds, two sums per loop where they share a column. */
    private void fmaLanes4() {
        double[] c = block;
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2240] =
                    c[r + LANES + 2240] + c[r + P1] + c[r + P1 + 64] + c[r + P1 + 128] + c[r + P1 + 192]; // sum of P1
            c[r + LANES + 2304] = Math.fma(
                    c[r + P1 + 192],
                    c[r + P1 + 192],
                    Math.fma(
                            c[r + P1 + 128],
                            c[r + P1 + 128],
                            Math.fma(
                                    c[r + P1 + 64],
                                    c[r + P1 + 64],
                                    Math.fma(c[r + P1], c[r + P1], c[r + LANES + 2304])))); // P1·P1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2368] = Math.fma(
                    c[r + P1 + 192],
                    c[r + P2 + 192],
                    Math.fma(
                            c[r + P1 + 128],
                            c[r + P2 + 128],
                            Math.fma(
                                    c[r + P1 + 64],
                                    c[r + P2 + 64],
                                    Math.fma(c[r + P1], c[r + P2], c[r + LANES + 2368])))); // P1·P2
            c[r + LANES + 2432] = Math.fma(
                    c[r + P1 + 192],
                    c[r + O0 + 192],
                    Math.fma(
                            c[r + P1 + 128],
                            c[r + O0 + 128],
                            Math.fma(
                                    c[r + P1 + 64],
                                    c[r + O0 + 64],
                                    Math.fma(c[r + P1], c[r + O0], c[r + LANES + 2432])))); // P1·O0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2496] = Math.fma(
                    c[r + P1 + 192],
                    c[r + O1 + 192],
                    Math.fma(
                            c[r + P1 + 128],
                            c[r + O1 + 128],
                            Math.fma(
                                    c[r + P1 + 64],
                                    c[r + O1 + 64],
                                    Math.fma(c[r + P1], c[r + O1], c[r + LANES + 2496])))); // P1·O1
            c[r + LANES + 2560] = Math.fma(
                    c[r + P1 + 192],
                    c[r + O2 + 192],
                    Math.fma(
                            c[r + P1 + 128],
                            c[r + O2 + 128],
                            Math.fma(
                                    c[r + P1 + 64],
                                    c[r + O2 + 64],
                                    Math.fma(c[r + P1], c[r + O2], c[r + LANES + 2560])))); // P1·O2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2624] =
                    c[r + LANES + 2624] + c[r + O1] + c[r + O1 + 64] + c[r + O1 + 128] + c[r + O1 + 192]; // sum of O1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2688] =
                    c[r + LANES + 2688] + c[r + O2] + c[r + O2 + 64] + c[r + O2 + 128] + c[r + O2 + 192]; // sum of O2
        }
    }

    /** {@link #lanes5} with fused multiply-adds, two sums per loop where they share a column. */
    private void fmaLanes5() {
        double[] c = block;
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2752] =
                    c[r + LANES + 2752] + c[r + P2] + c[r + P2 + 64] + c[r + P2 + 128] + c[r + P2 + 192]; // sum of P2
            c[r + LANES + 2816] = Math.fma(
                    c[r + P2 + 192],
                    c[r + P2 + 192],
                    Math.fma(
                            c[r + P2 + 128],
                            c[r + P2 + 128],
                            Math.fma(
                                    c[r + P2 + 64],
                                    c[r + P2 + 64],
                                    Math.fma(c[r + P2], c[r + P2], c[r + LANES + 2816])))); // P2·P2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 2880] = Math.fma(
                    c[r + P2 + 192],
                    c[r + O0 + 192],
                    Math.fma(
                            c[r + P2 + 128],
                            c[r + O0 + 128],
                            Math.fma(
                                    c[r + P2 + 64],
                                    c[r + O0 + 64],
                                    Math.fma(c[r + P2], c[r + O0], c[r + LANES + 2880])))); // P2·O0
            c[r + LANES + 2944] = Math.fma(
                    c[r + P2 + 192],
                    c[r + O1 + 192],
                    Math.fma(
                            c[r + P2 + 128],
                            c[r + O1 + 128],
                            Math.fma(
                                    c[r + P2 + 64],
                                    c[r + O1 + 64],
                                    Math.fma(c[r + P2], c[r + O1], c[r + LANES + 2944])))); // P2·O1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 3008] = Math.fma(
                    c[r + P2 + 192],
                    c[r + O2 + 192],
                    Math.fma(
                            c[r + P2 + 128],
                            c[r + O2 + 128],
                            Math.fma(
                                    c[r + P2 + 64],
                                    c[r + O2 + 64],
                                    Math.fma(c[r + P2], c[r + O2], c[r + LANES + 3008])))); // P2·O2
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 3072] = Math.fma(
                    c[r + O0 + 192],
                    c[r + O0 + 192],
                    Math.fma(
                            c[r + O0 + 128],
                            c[r + O0 + 128],
                            Math.fma(
                                    c[r + O0 + 64],
                                    c[r + O0 + 64],
                                    Math.fma(c[r + O0], c[r + O0], c[r + LANES + 3072])))); // O0·O0
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 3136] = Math.fma(
                    c[r + O1 + 192],
                    c[r + O1 + 192],
                    Math.fma(
                            c[r + O1 + 128],
                            c[r + O1 + 128],
                            Math.fma(
                                    c[r + O1 + 64],
                                    c[r + O1 + 64],
                                    Math.fma(c[r + O1], c[r + O1], c[r + LANES + 3136])))); // O1·O1
        }
        for (int r = 0; r < W; r++) {
            c[r + LANES + 3200] = Math.fma(
                    c[r + O2 + 192],
                    c[r + O2 + 192],
                    Math.fma(
                            c[r + O2 + 128],
                            c[r + O2 + 128],
                            Math.fma(
                                    c[r + O2 + 64],
                                    c[r + O2 + 64],
                                    Math.fma(c[r + O2], c[r + O2], c[r + LANES + 3200])))); // O2·O2
        }
    }

    /** Adds the lanes into the sums (each slot's lanes in eight interleaved partial sums) and clears them. */
    private void reduceLanes() {
        if (!lanesDirty) {
            return; // all zero: adding them changes no sum
        }
        double[] c = block;
        for (int s = 0; s < SLOTS; s++) {
            int from = LANES + s * W;
            double t0 = 0;
            double t1 = 0;
            double t2 = 0;
            double t3 = 0;
            double t4 = 0;
            double t5 = 0;
            double t6 = 0;
            double t7 = 0;
            for (int r = from; r < from + W; r += 8) {
                t0 += c[r];
                t1 += c[r + 1];
                t2 += c[r + 2];
                t3 += c[r + 3];
                t4 += c[r + 4];
                t5 += c[r + 5];
                t6 += c[r + 6];
                t7 += c[r + 7];
            }
            laneSums[s] = ((t0 + t1) + (t2 + t3)) + ((t4 + t5) + (t6 + t7));
        }
        Arrays.fill(c, LANES, LANES + SLOTS * W, 0);
        lanesDirty = false;
        sx[0] += laneSums[0];
        sxx[0] += laneSums[1];
        sxx[1] += laneSums[2];
        sxx[2] += laneSums[3];
        sxx[3] += laneSums[4];
        sxx[4] += laneSums[5];
        sxx[5] += laneSums[6];
        sxy[0] += laneSums[7];
        sxy[1] += laneSums[8];
        sxy[2] += laneSums[9];
        sx[1] += laneSums[10];
        sxx[7] += laneSums[11];
        sxx[8] += laneSums[12];
        sxx[9] += laneSums[13];
        sxx[10] += laneSums[14];
        sxx[11] += laneSums[15];
        sxy[3] += laneSums[16];
        sxy[4] += laneSums[17];
        sxy[5] += laneSums[18];
        sx[2] += laneSums[19];
        sxx[14] += laneSums[20];
        sxx[15] += laneSums[21];
        sxx[16] += laneSums[22];
        sxx[17] += laneSums[23];
        sxy[6] += laneSums[24];
        sxy[7] += laneSums[25];
        sxy[8] += laneSums[26];
        sx[3] += laneSums[27];
        sxx[21] += laneSums[28];
        sxx[22] += laneSums[29];
        sxx[23] += laneSums[30];
        sxy[9] += laneSums[31];
        sxy[10] += laneSums[32];
        sxy[11] += laneSums[33];
        sy[0] += laneSums[34];
        sx[4] += laneSums[35];
        sxx[28] += laneSums[36];
        sxx[29] += laneSums[37];
        sxy[12] += laneSums[38];
        sxy[13] += laneSums[39];
        sxy[14] += laneSums[40];
        sy[1] += laneSums[41];
        sy[2] += laneSums[42];
        sx[5] += laneSums[43];
        sxx[35] += laneSums[44];
        sxy[15] += laneSums[45];
        sxy[16] += laneSums[46];
        sxy[17] += laneSums[47];
        syy[0] += laneSums[48];
        syy[1] += laneSums[49];
        syy[2] += laneSums[50];
    }

    /**
     * Solves the normal equations of the rows added so far.
     *
     * @return false (parameters NaN) if there are fewer rows than parameters or they are collinear
     */
    public boolean solve() {
        flush();
        reduceLanes();
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
