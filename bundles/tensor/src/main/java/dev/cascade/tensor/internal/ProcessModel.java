package dev.cascade.tensor.internal;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.tensor.Vector3;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * The estimation of one pair for process plants (channels of seconds to minutes, dead times, noise,
 * drift): the {@code process} estimator's model.
 *
 * <pre>
 *   ȳ(m) = Σ_f Θ_f · x̄_f(m) + c(m) + ε(m)        x_f(k) = α_f x_f(k-1) + (1 - α_f) u(k-1-d),  α_f = e^(-dt/τ_f)
 *   G    = Σ_f Θ_f                                  each filter has unit steady-state gain
 * </pre>
 *
 * Every cycle the actuator setting {@code u} (the running sum of the adjustments), delayed by the
 * configured dead time {@code d}, is passed through {@link #FILTERS} first-order filters with time
 * constants {@code τ_f} (spanning the plant's); the parent's state {@code y} and the filter outputs are
 * averaged over blocks of {@link ProcessTuning#sampleSeconds()} ({@code ȳ}, {@code x̄}). A block is one
 * row of a linear regression of the parent's <em>level</em> on the filtered settings and an offset {@code
 * c}: 3 x {@code FILTERS} + 1 regressors, 3 outputs, one recursive-least-squares fit ({@link RlsN}).
 *
 * <p>Why this form: the regressors are built from the settings alone, which the pair knows exactly, so
 * measurement noise on the parent does not bias the fit (a one-step ARX regresses on the noisy parent
 * state and finds time constants far too short); each input reaches each axis through its own mix of
 * filters, so channels with different time constants and dead times are fitted, which one pole per axis
 * cannot do; the block average gives each row a signal beyond the noise. A slow disturbance (drift) is
 * followed by the offset, a random walk ({@link ProcessTuning#offsetDrift()}), not by the gain.
 *
 * <p>Guards: a row updates the whole model only if an actuator's block mean moved by more than {@link
 * ProcessTuning#excitationThreshold()} within the last {@code 3·τ_max} (the response is still
 * unfolding), or the model is warming up; otherwise only the offset follows the row (a scalar step), so
 * a settled loop holds its gain and its covariance (no windup). Forgetting ({@link
 * EstimatorSettings#forgetting()} per row) is limited so that {@code trace(P) ≤ traceMax}; a step that
 * would not be finite is discarded; a gap longer than {@link #MAX_GAP_CYCLES} cycles between time stamps
 * (measurements lost), or time stamps going backwards, restart the filters from the current
 * setting, forget the offset and wait {@code 3·τ_max} before it learns again.
 *
 * <p>Siblings: their predicted contributions to the parent's change are summed over time and taken off
 * the parent's level before it enters a block. The whole state round-trips exactly through {@link
 * #toBytes()}. Not thread-safe; {@link #observe} allocates nothing.
 */
public final class ProcessModel {

    /** Version of the byte format written by {@link #toBytes()}. */
    public static final int FORMAT = 1;

    /** Filters per actuator. */
    public static final int FILTERS = 3;

    /** Regressors: 3 actuators x {@link #FILTERS} filters, and the offset. */
    public static final int N = 3 * FILTERS + 1;

    private static final int OFFSET = N - 1;

    /** More cycles than this between two measurements' time stamps: measurements were lost. */
    static final int MAX_GAP_CYCLES = 10;

    /** Residual statistics never remember more than about this many rows. */
    private static final double STATS_FORGETTING = 0.99;

    private final ProcessTuning tuning;
    private final double[] taus;
    private final RlsN rls = new RlsN(N);

    // the setting history (dead time) and the filters
    private int deadTime;
    private double[] history;
    private int head;
    private int count;
    private final double[] setting = new double[3];
    private final double[] siblingSum = new double[3];
    private final double[] x = new double[3 * FILTERS];
    private boolean started;
    private boolean haveLastTime;
    private long lastTime;

    // the block being averaged
    private final double[] blockX = new double[3 * FILTERS];
    private final double[] blockY = new double[3];
    private final double[] blockU = new double[3];
    private int blockCycles;
    private int blockGood;
    private final double[] lastBlockU = new double[3];
    private boolean haveLastBlock;

    // rows
    private long rows;
    private long lastExcited = Long.MIN_VALUE / 2;
    private long settleUntil;
    private boolean offsetKnown;
    private long used;
    private long skipped;
    private long covarianceResets;
    private long lastInformative;
    private boolean informativeSeen;
    private double weight;
    private final double[] residual = new double[3];
    private final double[] mean = new double[3];
    private final double[] total = new double[3];

    // scratch
    private double alphaFor = Double.NaN;
    private final double[] alpha = new double[FILTERS];
    private final double[] phi = new double[N];
    private final double[] yRow = new double[3];
    private final double[] uRow = new double[3];
    private final double[] error = new double[3];
    private final double[] y = new double[3];
    private final double[] a = new double[3];
    private final double[] s = new double[3];
    private final double[] m1 = new double[9];
    private final double[] m2 = new double[9];
    private final Svd3 svd = new Svd3();
    private final ControllerTensor controller = new ControllerTensor();

    /** A fresh model for a pair with dead time {@code deadTime} cycles. */
    public ProcessModel(ProcessTuning tuning, int deadTime) {
        this.tuning = tuning;
        this.taus = tuning.filterTimeConstants();
        reset(deadTime);
    }

    /** Forgets everything. */
    public void reset(int deadTime) {
        rls.reset(tuning.initialCovariance());
        history(deadTime);
        Arrays.fill(setting, 0);
        Arrays.fill(siblingSum, 0);
        haveLastTime = false;
        lastTime = 0;
        restart();
        rows = 0;
        lastExcited = Long.MIN_VALUE / 2;
        settleUntil = 0;
        offsetKnown = false;
        used = 0;
        skipped = 0;
        lastInformative = 0;
        informativeSeen = false;
        weight = 0;
        Arrays.fill(residual, 0);
        Arrays.fill(mean, 0);
        Arrays.fill(total, 0);
    }

    private void history(int d) {
        deadTime = d;
        history = new double[3 * (d + 1)];
        head = 0;
        count = 0;
    }

    /** The filters start again from the current setting; the block in progress is dropped. */
    private void restart() {
        started = false;
        Arrays.fill(x, 0);
        clearBlock();
        haveLastBlock = false;
        count = 0;
        head = 0;
        Arrays.fill(history, 0);
    }

    private void clearBlock() {
        Arrays.fill(blockX, 0);
        Arrays.fill(blockY, 0);
        Arrays.fill(blockU, 0);
        blockCycles = 0;
        blockGood = 0;
    }

    /**
     * Folds measurements of the pair, in time order.
     *
     * @param siblings empty, or one contribution per measurement
     */
    public void fold(List<Measurement> measurements, EstimatorSettings settings, List<Vector3> siblings) {
        if (!siblings.isEmpty() && siblings.size() != measurements.size()) {
            throw new IllegalArgumentException("got " + siblings.size() + " sibling contributions for "
                    + measurements.size() + " measurements; give one per measurement, or none");
        }
        if (settings.deadTime() != deadTime) {
            // the gain keeps its meaning; the history restarts with the new length
            history(settings.deadTime());
            restart();
            settle(settings);
        }
        for (int k = 0; k < measurements.size(); k++) {
            Measurement m = measurements.get(k);
            copy(m.parent(), y);
            copy(m.adjustment(), a);
            copy(siblings.isEmpty() ? Vector3.ZERO : siblings.get(k), s);
            observe(m.timestamp(), y, a, m.quality() != Quality.BAD, s, settings);
        }
    }

    /**
     * Folds one measurement; allocates nothing.
     *
     * @param parent the parent's state, measured before {@code adjustment} was applied
     * @param adjustment the increment applied after the measurement
     * @param sibling the siblings' predicted contribution to the parent's change over the coming cycle
     * @return true if it completed a row that updated the whole model
     */
    public boolean observe(
            long time,
            double[] parent,
            double[] adjustment,
            boolean good,
            double[] sibling,
            EstimatorSettings settings) {
        double dt = settings.cycleSeconds();
        // a late cycle or a parent sample read twice (same time stamp) loses nothing: every measurement carries
        // its adjustment. Only a stretch without measurements (lost from the ring or the spool), or time
        // running backwards, means the setting history is broken.
        boolean contiguous = haveLastTime && time >= lastTime && time - lastTime <= MAX_GAP_CYCLES * 1000 * dt;
        if (haveLastTime && !contiguous) {
            // adjustments were lost: the plant's memory of the setting is unknown
            restart();
            rls.drift(OFFSET, tuning.initialCovariance());
            settle(settings);
        }
        haveLastTime = true;
        lastTime = time;
        if (!started) {
            for (int f = 0; f < FILTERS; f++) {
                for (int i = 0; i < 3; i++) {
                    x[3 * f + i] = setting[i];
                }
            }
            started = true;
        }
        if (alphaFor != dt) {
            for (int f = 0; f < FILTERS; f++) {
                alpha[f] = Math.exp(-dt / taus[f]);
            }
            alphaFor = dt;
        }
        boolean valid = good && Double.isFinite(parent[0]) && Double.isFinite(parent[1]) && Double.isFinite(parent[2]);
        if (valid) {
            for (int j = 0; j < 3; j++) {
                blockY[j] += parent[j] - siblingSum[j];
            }
            blockGood++;
        }
        for (int k = 0; k < 3 * FILTERS; k++) {
            blockX[k] += x[k];
        }
        blockCycles++;

        if (Double.isFinite(adjustment[0]) && Double.isFinite(adjustment[1]) && Double.isFinite(adjustment[2])) {
            for (int i = 0; i < 3; i++) {
                setting[i] += adjustment[i];
                history[3 * head + i] = setting[i];
                blockU[i] += setting[i];
            }
            head = (head + 1) % (deadTime + 1);
            count = Math.min(count + 1, deadTime + 1);
        } else {
            // an unknown adjustment: the setting is unknown from here on
            restart();
            rls.drift(OFFSET, tuning.initialCovariance());
            settle(settings);
            return false;
        }
        for (int i = 0; i < 3; i++) {
            siblingSum[i] += Double.isFinite(sibling[i]) ? sibling[i] : 0;
        }
        // the setting that acts on the next cycle: d cycles back (the oldest known while the history fills)
        int back = Math.min(deadTime, count - 1);
        int slot = Math.floorMod(head - 1 - back, deadTime + 1);
        for (int f = 0; f < FILTERS; f++) {
            double af = alpha[f];
            for (int i = 0; i < 3; i++) {
                int k = 3 * f + i;
                x[k] = af * x[k] + (1 - af) * history[3 * slot + i];
            }
        }
        int block = Math.max(1, (int) Math.round(tuning.sampleSeconds() / dt));
        if (blockCycles < block) {
            return false;
        }
        boolean complete = blockGood == blockCycles;
        double inv = 1.0 / blockCycles;
        for (int k = 0; k < 3 * FILTERS; k++) {
            phi[k] = blockX[k] * inv;
        }
        phi[OFFSET] = 1;
        for (int j = 0; j < 3; j++) {
            yRow[j] = blockY[j] * inv;
            uRow[j] = blockU[j] * inv;
        }
        clearBlock();
        return complete && row(time, settings);
    }

    private void settle(EstimatorSettings settings) {
        settleUntil = rows + window();
    }

    /** @return rows after an excited block that still update the model: 3 x the slowest filter */
    private long window() {
        return (long) Math.ceil(3 * tuning.slowest() / tuning.sampleSeconds());
    }

    private boolean row(long time, EstimatorSettings settings) {
        rows++;
        if (haveLastBlock) {
            double moved = 0;
            for (int i = 0; i < 3; i++) {
                moved = Math.max(moved, Math.abs(uRow[i] - lastBlockU[i]));
            }
            if (moved > tuning.excitationThreshold()) {
                lastExcited = rows;
            }
        }
        System.arraycopy(uRow, 0, lastBlockU, 0, 3);
        haveLastBlock = true;
        if (!offsetKnown) {
            // the first row fixes the offset: the plant is taken as settled where the pair found it
            for (int j = 0; j < 3; j++) {
                rls.theta[3 * OFFSET + j] = yRow[j];
            }
            offsetKnown = true;
            return false;
        }
        rls.drift(OFFSET, tuning.offsetDrift());
        boolean informative = rows > settleUntil && (used < tuning.warmup() || rows - lastExcited <= window());
        if (!informative) {
            rls.updateOne(OFFSET, phi, yRow, error);
            skipped++;
            return false;
        }
        if (!rls.update(phi, yRow, settings.forgetting(), tuning.traceMax(), error)) {
            skipped++;
            return false;
        }
        if (!rls.covarianceValid()) {
            // rounding has cost P its positive definiteness: keep the parameters, forget their certainty
            rls.resetCovariance(tuning.initialCovariance());
            covarianceResets++;
        }
        used++;
        lastInformative = time;
        informativeSeen = true;
        if (used <= tuning.warmup()) {
            return true; // a fresh model's errors say nothing about the fit yet
        }
        double lambda = Math.min(settings.forgetting(), STATS_FORGETTING);
        weight = lambda * weight + 1;
        for (int j = 0; j < 3; j++) {
            residual[j] = lambda * residual[j] + error[j] * error[j];
            double before = mean[j];
            mean[j] += (yRow[j] - before) / weight;
            total[j] = lambda * total[j] + (yRow[j] - before) * (yRow[j] - mean[j]);
        }
        return true;
    }

    /** @return rows that updated the whole model since the last reset */
    public long used() {
        return used;
    }

    /** @return rows that moved only the offset, or were not finite */
    public long skipped() {
        return skipped;
    }

    /** @return how often rounding made the covariance indefinite and it was reset (not in the state) */
    public long covarianceResets() {
        return covarianceResets;
    }

    /** @return the trace of the parameter covariance */
    public double covarianceTrace() {
        return rls.trace();
    }

    /** @return the dead time the history is kept for, in cycles */
    public int deadTime() {
        return deadTime;
    }

    /**
     * {@code out = Θ_f}, filter {@code f}'s share of the gain (parent axis by actuator), row-major.
     *
     * @return false before the model has been updated (no information yet): {@code out} is then zero
     */
    public boolean filterGain(int f, double[] out) {
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 3; i++) {
                out[3 * j + i] = rls.theta[3 * (3 * f + i) + j];
            }
        }
        if (used == 0 || !Mat3.isFinite(out)) {
            Arrays.fill(out, 0);
            return false;
        }
        return true;
    }

    /** @return the time constant of filter {@code f} in seconds */
    public double filterTimeConstant(int f) {
        return taus[f];
    }

    /**
     * {@code out = G = Σ_f Θ_f}, the steady-state gain from actuator setting to parent state, row-major.
     *
     * @return false before the model has been updated (no information yet): {@code out} is then zero
     */
    public boolean gain(double[] out) {
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 3; i++) {
                double g = 0;
                for (int f = 0; f < FILTERS; f++) {
                    g += rls.theta[3 * (3 * f + i) + j];
                }
                out[3 * j + i] = g;
            }
        }
        if (used == 0 || !Mat3.isFinite(out)) {
            Arrays.fill(out, 0);
            return false;
        }
        return true;
    }

    /**
     * {@code out = T}, the regularised inverse of {@link #gain} by the rule of {@link ControllerTensor}.
     *
     * @return false when there is no gain; {@code out} is then zero
     */
    public boolean tensor(double[] out) {
        if (!gain(m2)) {
            Arrays.fill(out, 0);
            return false;
        }
        controller.tensor(m2, out);
        return true;
    }

    /**
     * The time constant of parent axis {@code axis}: the filters' time constants weighted by how much of
     * the axis's response (summed over the actuators, in absolute value) each carries, plus the dead time.
     *
     * @return seconds; NaN before the model has been updated
     */
    public double timeConstant(int axis, double cycleSeconds) {
        if (used == 0) {
            return Double.NaN;
        }
        double weighted = 0, sum = 0;
        for (int f = 0; f < FILTERS; f++) {
            for (int i = 0; i < 3; i++) {
                double w = Math.abs(rls.theta[3 * (3 * f + i) + axis]);
                weighted += w * taus[f];
                sum += w;
            }
        }
        return sum > 0 ? weighted / sum + deadTime * cycleSeconds : Double.NaN;
    }

    /** @return mean over the axes of R², the share of the parent's variation the model predicted */
    public double rSquared() {
        double sum = 0;
        for (int j = 0; j < 3; j++) {
            sum += total[j] > 0 ? 1 - residual[j] / total[j] : 0;
        }
        return sum / 3;
    }

    /** @return the residual standard deviation of the parent's block mean on {@code axis} */
    public double residualDeviation(int axis) {
        return weight > 0 ? Math.sqrt(residual[axis] / weight) : Double.NaN;
    }

    /** {@code out[3i + i'] = Σ_f Σ_f' P[(f,i),(f',i')]}: the covariance of G's columns per unit residual. */
    private void gainCovariance(double[] out) {
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) {
                double sum = 0;
                for (int f = 0; f < FILTERS; f++) {
                    for (int g = 0; g < FILTERS; g++) {
                        sum += rls.p[N * (3 * f + i) + 3 * g + k];
                    }
                }
                out[3 * i + k] = sum;
            }
        }
    }

    /**
     * @return the relative standard error of {@code G} (Frobenius): {@code √(Σ_j σ_j² · Σ_i S_ii) / ‖G‖},
     *     with σ the residual deviations and {@code S} the covariance of G's columns per unit residual
     */
    public double relativeError() {
        if (weight == 0 || !gain(m2)) {
            return Double.POSITIVE_INFINITY;
        }
        double variance = (residual[0] + residual[1] + residual[2]) / weight;
        gainCovariance(m1);
        double norm = Mat3.frobenius(m2);
        return norm > 0 ? Math.sqrt(variance * (m1[0] + m1[4] + m1[8])) / norm : Double.POSITIVE_INFINITY;
    }

    /** @return {@code λmin / λmax} of the covariance of G's columns: how evenly the actuators were excited */
    public double excitationRatio() {
        gainCovariance(m1);
        svd.decompose(m1);
        return svd.sigma(0) > 0 ? svd.sigma(2) / svd.sigma(0) : 0;
    }

    /** The confidence at the time of the newest measurement, by {@link Confidence}; 0 while there is no gain. */
    public double confidence() {
        if (!gain(m2)) {
            return 0;
        }
        double condition = svd.decompose(m2).condition();
        double age = informativeSeen ? (lastTime - lastInformative) / 1000.0 : Double.POSITIVE_INFINITY;
        return Confidence.of(
                rSquared(),
                relativeError(),
                tuning.halfError(),
                excitationRatio(),
                Math.max(0, used - tuning.warmup()),
                condition,
                age,
                tuning.ageTimeConstant());
    }

    /** @return the whole state, format {@link #FORMAT}; doubles are written bit for bit */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(2048);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(deadTime);
            out.writeInt(head);
            out.writeInt(count);
            writeAll(out, history);
            writeAll(out, setting);
            writeAll(out, siblingSum);
            writeAll(out, x);
            out.writeBoolean(started);
            out.writeBoolean(haveLastTime);
            out.writeLong(lastTime);
            writeAll(out, blockX);
            writeAll(out, blockY);
            writeAll(out, blockU);
            out.writeInt(blockCycles);
            out.writeInt(blockGood);
            writeAll(out, lastBlockU);
            out.writeBoolean(haveLastBlock);
            out.writeLong(rows);
            out.writeLong(lastExcited);
            out.writeLong(settleUntil);
            out.writeBoolean(offsetKnown);
            writeAll(out, rls.theta);
            writeAll(out, rls.p);
            out.writeLong(used);
            out.writeLong(skipped);
            out.writeLong(lastInformative);
            out.writeBoolean(informativeSeen);
            out.writeDouble(weight);
            writeAll(out, residual);
            writeAll(out, mean);
            writeAll(out, total);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * @return the model that {@code data} (written by {@link #toBytes()}, format {@link #FORMAT})
     *     describes
     * @throws IllegalArgumentException if {@code data} is not such a state
     */
    public static ProcessModel fromBytes(ProcessTuning tuning, byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int deadTime = in.readInt();
            if (deadTime < 0 || deadTime > EstimatorSettings.MAX_DEAD_TIME) {
                throw new IllegalArgumentException("estimator state has dead time " + deadTime + ", expected 0.."
                        + EstimatorSettings.MAX_DEAD_TIME + "; the state is corrupt");
            }
            ProcessModel e = new ProcessModel(tuning, deadTime);
            e.head = in.readInt();
            e.count = in.readInt();
            if (e.head < 0 || e.head > deadTime || e.count < 0 || e.count > deadTime + 1) {
                throw new IllegalArgumentException("estimator state has a setting history of " + e.count
                        + " entries at " + e.head + " for dead time " + deadTime + "; the state is corrupt");
            }
            readAll(in, e.history);
            readAll(in, e.setting);
            readAll(in, e.siblingSum);
            readAll(in, e.x);
            e.started = in.readBoolean();
            e.haveLastTime = in.readBoolean();
            e.lastTime = in.readLong();
            readAll(in, e.blockX);
            readAll(in, e.blockY);
            readAll(in, e.blockU);
            e.blockCycles = in.readInt();
            e.blockGood = in.readInt();
            readAll(in, e.lastBlockU);
            e.haveLastBlock = in.readBoolean();
            e.rows = in.readLong();
            e.lastExcited = in.readLong();
            e.settleUntil = in.readLong();
            e.offsetKnown = in.readBoolean();
            readAll(in, e.rls.theta);
            readAll(in, e.rls.p);
            e.used = in.readLong();
            e.skipped = in.readLong();
            e.lastInformative = in.readLong();
            e.informativeSeen = in.readBoolean();
            e.weight = in.readDouble();
            readAll(in, e.residual);
            readAll(in, e.mean);
            readAll(in, e.total);
            if (in.available() != 0) {
                throw new IllegalArgumentException(
                        "estimator state has " + in.available() + " bytes more than format " + FORMAT + " holds");
            }
            if (e.blockCycles < 0 || e.blockGood < 0 || e.blockGood > e.blockCycles) {
                throw new IllegalArgumentException("estimator state has a block of " + e.blockCycles + " cycles with "
                        + e.blockGood + " good ones; the state is corrupt");
            }
            return e;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "estimator state of " + data.length + " bytes is truncated for format " + FORMAT, e);
        }
    }

    private static void writeAll(DataOutputStream out, double[] values) throws IOException {
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    private static void readAll(DataInputStream in, double[] values) throws IOException {
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readDouble();
        }
    }

    private static void copy(Vector3 v, double[] out) {
        out[0] = v.x();
        out[1] = v.y();
        out[2] = v.z();
    }
}
