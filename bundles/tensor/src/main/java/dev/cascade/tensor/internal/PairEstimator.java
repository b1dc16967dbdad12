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
import java.util.List;

/**
 * The estimation of one pair: the rows of its ARX model ({@link RegressionRows}) folded into a
 * recursive-least-squares fit ({@link Rls}), and what follows from the fit: the steady-state gain
 * {@code G = -A⁻¹B}, the controller tensor, the time constants and the confidence.
 *
 * <p>Guards against estimator windup: a row updates the model only when it is informative: the lagged
 * actuator setting moved, or the parent's change or the model's error in predicting it exceeds {@link
 * Tuning#innovationGate()} residual deviations (norm over the 3 axes), or the model is still warming
 * up. A
 * settled loop (input still, parent still within its noise) therefore holds the model; forgetting is
 * limited so that {@code trace(P) ≤ traceMax}; a step that would not be finite is discarded; {@link
 * #reset} starts afresh. While nothing informative comes in, the model holds and the confidence decays
 * with age.
 *
 * <p>The whole state round-trips exactly through {@link #toBytes()} and {@link #fromBytes}. Not
 * thread-safe.
 */
public final class PairEstimator {

    /** Version of the byte format written by {@link #toBytes()}. */
    public static final int FORMAT = 1;

    /** Residual statistics never remember more than about this many rows, so early misfits fade. */
    private static final double STATS_FORGETTING = 0.99;

    private final Tuning tuning;
    private final Rls rls = new Rls();
    private RegressionRows rows;

    private long used;
    private long skipped;
    private long lastInformative;
    private boolean informativeSeen;
    private double weight;
    private final double[] residual = new double[3];
    private final double[] mean = new double[3];
    private final double[] total = new double[3];

    // scratch, so that observing allocates nothing
    private final double[] phi = new double[Rls.N];
    private final double[] dy = new double[3];
    private final double[] error = new double[3];
    private final double[] predicted = new double[3];
    private final double[] y = new double[3];
    private final double[] a = new double[3];
    private final double[] s = new double[3];
    private final double[] m1 = new double[9];
    private final double[] m2 = new double[9];
    private final Svd3 svd = new Svd3();
    private final ControllerTensor controller = new ControllerTensor();

    /** A fresh estimator for a pair with dead time {@code deadTime} cycles. */
    public PairEstimator(Tuning tuning, int deadTime) {
        this.tuning = tuning;
        reset(deadTime);
    }

    /** Forgets everything: the model, its statistics and the measurement history. */
    public void reset(int deadTime) {
        rows = new RegressionRows(deadTime);
        rls.reset(tuning.initialCovariance());
        used = 0;
        skipped = 0;
        lastInformative = 0;
        informativeSeen = false;
        weight = 0;
        java.util.Arrays.fill(residual, 0);
        java.util.Arrays.fill(mean, 0);
        java.util.Arrays.fill(total, 0);
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
        if (settings.deadTime() != rows.deadTime) {
            // the model keeps its meaning (B acts on the setting d cycles back); only the history restarts
            rows = new RegressionRows(settings.deadTime());
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
     * @return true if it completed a row that updated the model
     */
    public boolean observe(
            long time,
            double[] parent,
            double[] adjustment,
            boolean good,
            double[] sibling,
            EstimatorSettings settings) {
        double maxGap = 1500 * settings.cycleSeconds();
        if (!rows.next(time, parent, adjustment, good, sibling, maxGap, phi, dy)) {
            return false;
        }
        rls.predict(phi, predicted);
        boolean informative = used < tuning.warmup() || rows.laggedStep > tuning.excitationThreshold();
        if (!informative && weight > 0) {
            // the parent moved beyond its noise (dynamics to learn from), or the model mispredicts it;
            // measured in the 3-axis norm of residual deviations, so noise alone passes about once in 1e5
            double moved = 0, mispredicted = 0;
            for (int j = 0; j < 3; j++) {
                double variance = residual[j] / weight;
                moved += dy[j] * dy[j] / variance;
                double e = dy[j] - predicted[j];
                mispredicted += e * e / variance;
            }
            double gate = tuning.innovationGate() * tuning.innovationGate();
            informative = moved > gate || mispredicted > gate;
        }
        if (!informative) {
            skipped++;
            return false;
        }
        if (!rls.update(phi, dy, settings.forgetting(), tuning.traceMax(), error)) {
            skipped++;
            return false;
        }
        used++;
        lastInformative = time;
        informativeSeen = true;
        double lambda = Math.min(settings.forgetting(), STATS_FORGETTING);
        weight = lambda * weight + 1;
        for (int j = 0; j < 3; j++) {
            residual[j] = lambda * residual[j] + error[j] * error[j];
            double before = mean[j];
            mean[j] += (dy[j] - before) / weight;
            total[j] = lambda * total[j] + (dy[j] - before) * (dy[j] - mean[j]);
        }
        return true;
    }

    /** @return rows that updated the model since the last reset */
    public long used() {
        return used;
    }

    /** @return rows that were not informative (or not finite) and left the model as it was */
    public long skipped() {
        return skipped;
    }

    /** @return the trace of the parameter covariance */
    public double covarianceTrace() {
        return rls.trace();
    }

    /** @return the dead time the history is kept for, in cycles */
    public int deadTime() {
        return rows.deadTime;
    }

    /** {@code out = A}, the parent's own dynamics: its change per cycle per unit of state. */
    public void dynamics(double[] out) {
        for (int j = 0; j < 3; j++) {
            for (int m = 0; m < 3; m++) {
                out[3 * j + m] = rls.theta[3 * (3 + m) + j];
            }
        }
    }

    /** {@code out = B}, the parent's change per cycle per unit of actuator setting. */
    public void input(double[] out) {
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 3; i++) {
                out[3 * j + i] = rls.theta[3 * i + j];
            }
        }
    }

    /**
     * {@code out = G = -A⁻¹B}, the steady-state gain from actuator setting to parent state.
     *
     * @return false when {@code A} is singular or nearly so (no information yet, or an integrating
     *     plant without a steady state); {@code out} is then all NaN
     */
    public boolean gain(double[] out) {
        dynamics(m1);
        if (Mat3.invert(m1, m1) == 0) {
            java.util.Arrays.fill(out, Double.NaN);
            return false;
        }
        input(m2);
        Mat3.mul(m1, m2, out);
        for (int i = 0; i < 9; i++) {
            out[i] = -out[i];
        }
        return Mat3.isFinite(out);
    }

    /**
     * {@code out = T}, the regularised inverse of {@link #gain} by the rule of {@link ControllerTensor}.
     *
     * @return false when there is no gain; {@code out} is then zero
     */
    public boolean tensor(double[] out) {
        if (!gain(m2)) {
            java.util.Arrays.fill(out, 0);
            return false;
        }
        controller.tensor(m2, out);
        return true;
    }

    /**
     * The time constant of parent axis {@code axis}, from the diagonal of {@code A}: a first-order axis
     * with time constant τ moves by {@code (e^(-dt/τ) - 1)} of its distance per cycle, so {@code τ =
     * -dt / ln(1 + A_ii)}.
     *
     * @return seconds; NaN when the axis does not settle ({@code A_ii} outside (-1, 0))
     */
    public double timeConstant(int axis, double cycleSeconds) {
        double aii = rls.theta[3 * (3 + axis) + axis];
        if (!(aii > -1 && aii < 0)) {
            return Double.NaN;
        }
        return -cycleSeconds / Math.log1p(aii);
    }

    /** @return mean over the axes of R², the share of the parent's change the model explains */
    public double rSquared() {
        double sum = 0;
        for (int j = 0; j < 3; j++) {
            sum += total[j] > 0 ? 1 - residual[j] / total[j] : 0;
        }
        return sum / 3;
    }

    /** @return the residual standard deviation of the parent's change on {@code axis} */
    public double residualDeviation(int axis) {
        return weight > 0 ? Math.sqrt(residual[axis] / weight) : Double.NaN;
    }

    /**
     * @return the relative standard error of the estimated A and B: {@code √(Σσ²·tr P_AA)/‖A‖ +
     *     √(Σσ²·tr P_BB)/‖B‖}, with σ the residual deviations
     */
    public double relativeError() {
        if (weight == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double variance = (residual[0] + residual[1] + residual[2]) / weight;
        double traceB = rls.p[0] + rls.p[Rls.N + 1] + rls.p[2 * Rls.N + 2];
        double traceA = rls.p[3 * Rls.N + 3] + rls.p[4 * Rls.N + 4] + rls.p[5 * Rls.N + 5];
        dynamics(m1);
        input(m2);
        return Math.sqrt(variance * traceA) / Mat3.frobenius(m1) + Math.sqrt(variance * traceB) / Mat3.frobenius(m2);
    }

    /** @return {@code λmin / λmax} of the actuator block of the covariance */
    public double excitationRatio() {
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                m1[3 * r + c] = rls.p[Rls.N * r + c];
            }
        }
        svd.decompose(m1);
        return svd.sigma(0) > 0 ? svd.sigma(2) / svd.sigma(0) : 0;
    }

    /**
     * The confidence at the time of the newest measurement, by the formula of {@link Confidence}; 0
     * while there is no gain.
     */
    public double confidence() {
        if (!gain(m2)) {
            return 0;
        }
        double condition = svd.decompose(m2).condition();
        double age = informativeSeen ? (rows.lastTime - lastInformative) / 1000.0 : Double.POSITIVE_INFINITY;
        return Confidence.of(
                rSquared(), relativeError(), excitationRatio(), used, condition, age, tuning.ageTimeConstant());
    }

    /** @return the whole state, format {@link #FORMAT}; doubles are written bit for bit */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(rows.deadTime);
            out.writeInt(rows.count);
            out.writeInt(rows.head);
            writeAll(out, rows.settings);
            writeAll(out, rows.setting);
            writeAll(out, rows.lastY);
            writeAll(out, rows.lastSibling);
            out.writeBoolean(rows.haveLastY);
            out.writeBoolean(rows.haveLastTime);
            out.writeLong(rows.lastTime);
            out.writeDouble(rows.laggedStep);
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
     * @return the estimator that {@code data} (written by {@link #toBytes()}, format {@link #FORMAT})
     *     describes
     * @throws IllegalArgumentException if {@code data} is not such a state
     */
    public static PairEstimator fromBytes(Tuning tuning, byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int deadTime = in.readInt();
            if (deadTime < 0 || deadTime > EstimatorSettings.MAX_DEAD_TIME) {
                throw new IllegalArgumentException("estimator state has dead time " + deadTime + ", expected 0.."
                        + EstimatorSettings.MAX_DEAD_TIME + "; the state is corrupt");
            }
            PairEstimator e = new PairEstimator(tuning, deadTime);
            RegressionRows rows = e.rows;
            rows.count = in.readInt();
            rows.head = in.readInt();
            readAll(in, rows.settings);
            readAll(in, rows.setting);
            readAll(in, rows.lastY);
            readAll(in, rows.lastSibling);
            rows.haveLastY = in.readBoolean();
            rows.haveLastTime = in.readBoolean();
            rows.lastTime = in.readLong();
            rows.laggedStep = in.readDouble();
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
            if (rows.count < 0 || rows.count > deadTime + 2 || rows.head < 0 || rows.head >= deadTime + 2) {
                throw new IllegalArgumentException("estimator state has a setting history of " + rows.count
                        + " entries at " + rows.head + " for dead time " + deadTime + "; the state is corrupt");
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
