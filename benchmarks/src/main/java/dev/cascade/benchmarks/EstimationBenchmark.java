package dev.cascade.benchmarks;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.tensor.Vector3;
import dev.cascade.tensor.internal.BatchFit;
import dev.cascade.tensor.internal.NormalFit;
import dev.cascade.tensor.internal.PairEstimator;
import dev.cascade.tensor.internal.ProcessModel;
import dev.cascade.tensor.internal.ProcessTuning;
import dev.cascade.tensor.internal.Rls;
import dev.cascade.tensor.internal.RlsN;
import dev.cascade.tensor.internal.Tuning;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Estimation: one RLS update of a pair's full model (7 regressors, 3 outputs, one covariance), and a
 * 1000-measurement batch: folded by the estimator (gated RLS per row), fitted in information form
 * ({@link NormalFit}: normal equations and one Cholesky solve), and by Commons Math over the same rows
 * (OLS per output as the issue names it, and the QR reference {@link BatchFit}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class EstimationBenchmark {

    private static final int BATCH = 1000;
    private static final int ROWS = 1024;

    private final Rls rls = new Rls();
    private final double[][] phis = new double[ROWS][Rls.N];
    private final double[][] dys = new double[ROWS][3];
    private final double[] error = new double[3];
    private int next;

    // the process estimator: its fit over 10 regressors, and one measurement folded (filters, block average,
    // a fit every tenth measurement at 10 Hz with 1 s blocks)
    private final RlsN process = new RlsN(ProcessModel.N);
    private final double[][] processPhis = new double[ROWS][ProcessModel.N];
    private final ProcessModel processModel = new ProcessModel(ProcessTuning.DEFAULTS, 0);
    private final EstimatorSettings processSettings = new EstimatorSettings(0, 0.995, 0.1);
    private final double[][] parents = new double[ROWS][3];
    private final double[][] adjustments = new double[ROWS][3];
    private final double[] zero = new double[3];
    private long processTime;

    private final EstimatorSettings settings = new EstimatorSettings(0, 0.99, 1);
    private final PairEstimator estimator = new PairEstimator(Tuning.DEFAULTS, 0);
    private final NormalFit normal = new NormalFit();
    private final double[] row = new double[Rls.N];
    private final double[] out = new double[3];
    private List<Measurement> batch;
    /** The same batch as regression rows: state and setting as regressors (OLS adds the constant). */
    private double[][] x;

    private double[][] y;

    @Setup
    public void setup() {
        Random random = new Random(42);
        double[] state = {20, 10, 5};
        double[] setting = new double[3];
        double[] k = {2.0, 0.5, 0.1, 0.3, 1.5, 0.2, 0.1, 0.4, 1.0};
        double[] a = {-0.18, -0.095, -0.049};
        batch = new ArrayList<>(BATCH + 1);
        x = new double[BATCH][6];
        y = new double[3][BATCH];
        for (int c = 0; c <= BATCH; c++) {
            double[] adjustment = new double[3];
            if (c % 15 == 0) {
                for (int i = 0; i < 3; i++) {
                    adjustment[i] = 2 * random.nextDouble() - 1 - setting[i];
                }
            }
            for (int i = 0; i < 3; i++) {
                setting[i] += adjustment[i];
            }
            batch.add(new Measurement(
                    "pair",
                    c * 1000L,
                    new Vector3(state[0], state[1], state[2]),
                    Vector3.ZERO,
                    Vector3.of(adjustment),
                    Quality.GOOD));
            double[] next = new double[3];
            for (int j = 0; j < 3; j++) {
                double bu = 0;
                for (int i = 0; i < 3; i++) {
                    bu -= a[j] * k[3 * j + i] * setting[i];
                }
                next[j] = state[j] + a[j] * state[j] + bu + 0.01 * random.nextGaussian();
            }
            if (c < BATCH) {
                for (int i = 0; i < 3; i++) {
                    x[c][i] = setting[i];
                    x[c][3 + i] = state[i];
                    y[i][c] = next[i] - state[i];
                }
            }
            state = next;
        }
        process.reset(1e4);
        for (int r = 0; r < ROWS; r++) {
            for (int i = 0; i < ProcessModel.N; i++) {
                processPhis[r][i] = i == ProcessModel.N - 1 ? 1 : random.nextGaussian();
            }
            Measurement m = batch.get(r % BATCH);
            parents[r] =
                    new double[] {m.parent().x(), m.parent().y(), m.parent().z()};
            adjustments[r] = new double[] {
                m.adjustment().x(), m.adjustment().y(), m.adjustment().z()
            };
        }
        checkOlsRows();
        rls.reset(1e4);
        for (int r = 0; r < ROWS; r++) {
            for (int i = 0; i < Rls.N; i++) {
                phis[r][i] = i == 6 ? 1 : random.nextGaussian();
            }
            for (int j = 0; j < 3; j++) {
                dys[r][j] = random.nextGaussian();
            }
        }
    }

    /** The OLS from the measurements fits the rows NormalFit fits: same count, same parameters to 1e-6. */
    private void checkOlsRows() {
        double[][] beta = olsFromMeasurementsCommonsMath();
        if (!normal.fit(batch, settings, List.of()) || olsRows(batch, settings)[0].length != normal.rows()) {
            throw new IllegalStateException("the OLS rows are not NormalFit's: " + normal.rows() + " rows");
        }
        for (int j = 0; j < 3; j++) {
            double scale = 0;
            for (double b : beta[j]) {
                scale = Math.max(scale, Math.abs(b));
            }
            for (int i = 0; i < Rls.N; i++) {
                double ols = beta[j][i == Rls.N - 1 ? 0 : i + 1];
                if (Math.abs(ols - normal.parameter(i, j)) > 1e-6 * scale) {
                    throw new IllegalStateException("OLS and NormalFit disagree at (" + i + ", " + j + "): " + ols
                            + " against " + normal.parameter(i, j));
                }
            }
        }
    }

    @Benchmark
    public double[] rlsUpdateFullModel() {
        int r = next++ & (ROWS - 1);
        rls.update(phis[r], dys[r], 0.99, 7e4, error);
        return error;
    }

    /** The process estimator's fit: 10 regressors (3 actuators x 3 filters, offset), 3 outputs. */
    @Benchmark
    public double[] processUpdateFullModel() {
        int r = next++ & (ROWS - 1);
        process.update(processPhis[r], dys[r], 0.995, 1e5, error);
        return error;
    }

    /** One measurement into the process estimator: filters, block sums, and every tenth a fit. */
    @Benchmark
    public boolean processObserve() {
        int r = next++ & (ROWS - 1);
        processTime += 100;
        return processModel.observe(processTime, parents[r], adjustments[r], true, zero, processSettings);
    }

    @Benchmark
    public double foldBatchTensor() {
        estimator.reset(0);
        estimator.fold(batch, settings, List.of());
        return estimator.covarianceTrace();
    }

    /** The re-fit path: rows built from the measurements, normal equations, one Cholesky solve. */
    @Benchmark
    public double normalBatchTensor() {
        normal.fit(batch, settings, List.of());
        return normal.parameter(0, 0);
    }

    /** The same solve from the very rows (x, y) the Commons Math OLS gets, in one call: no row building. */
    @Benchmark
    public double normalRowsTensor() {
        normal.reset();
        normal.add(x, y);
        normal.solve();
        return normal.parameter(0, 0);
    }

    /** The same rows added one by one through a 7-entry regressor and a 3-entry output. */
    @Benchmark
    public double normalRowByRowTensor() {
        double[][] x = this.x;
        double[][] y = this.y;
        double[] row = this.row;
        double[] out = this.out;
        normal.reset();
        row[6] = 1;
        for (int c = 0; c < BATCH; c++) {
            System.arraycopy(x[c], 0, row, 0, 6);
            out[0] = y[0][c];
            out[1] = y[1][c];
            out[2] = y[2][c];
            normal.add(row, out);
        }
        normal.solve();
        return normal.parameter(0, 0);
    }

    /** The Commons Math reference of the tensor engine: QR of the 7-column design, 3 right-hand sides. */
    @Benchmark
    public BatchFit qrBatchCommonsMath() {
        return BatchFit.of(batch, settings, List.of());
    }

    /**
     * Commons Math OLS starting from the same 1001 measurements as {@link #normalBatchTensor}: the x/y
     * arrays built from the records as the regression defines its rows (see {@link #olsRows}), then one
     * OLS per output, as in {@link #olsBatchCommonsMath}.
     */
    @Benchmark
    public double[][] olsFromMeasurementsCommonsMath() {
        double[][][] rows = olsRows(batch, settings);
        return ols(rows[1], rows[0]);
    }

    /** Commons Math OLS, one regression per output: {@code y} 3 x rows, {@code x} rows x regressors. */
    private static double[][] ols(double[][] y, double[][] x) {
        double[][] beta = new double[3][];
        OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
        for (int j = 0; j < 3; j++) {
            ols.newSampleData(y[j], x);
            beta[j] = ols.estimateRegressionParameters();
        }
        return beta;
    }

    /**
     * The regression's rows (RegressionRows in the tensor engine, whose rules this follows: a row at
     * measurement k from two good, finite parent states one cycle apart and the running actuator setting
     * of k - 1 - deadTime; a gap, a step back in time or an unknown adjustment starts the setting
     * history again) in the shapes OLS takes: {x (rows x 6, the constant implied), y (3 x rows)}. No
     * siblings. Written as a Commons Math user would: one loop, fresh arrays.
     */
    static double[][][] olsRows(List<Measurement> measurements, EstimatorSettings settings) {
        int size = measurements.size();
        int deadTime = settings.deadTime();
        int need = deadTime + 2;
        double maxGap = 1500 * settings.cycleSeconds();
        double[][] x = new double[size][];
        double[][] y = new double[3][size];
        double[][] history = new double[need][3];
        double[] setting = new double[3];
        double[] last = new double[3];
        boolean haveLast = false;
        boolean haveTime = false;
        long lastTime = 0;
        int count = 0;
        int n = 0;
        for (int k = 0; k < size; k++) {
            Measurement m = measurements.get(k);
            long time = m.timestamp();
            boolean contiguous = haveTime && time > lastTime && time - lastTime <= maxGap;
            if (!contiguous && haveTime) {
                count = 0;
                haveLast = false;
            }
            Vector3 p = m.parent();
            boolean valid = m.quality() != Quality.BAD
                    && Double.isFinite(p.x())
                    && Double.isFinite(p.y())
                    && Double.isFinite(p.z());
            if (contiguous && valid && haveLast && count >= need) {
                double[] u = history[(count - 1 - deadTime) % need];
                x[n] = new double[] {u[0], u[1], u[2], last[0], last[1], last[2]};
                y[0][n] = p.x() - last[0];
                y[1][n] = p.y() - last[1];
                y[2][n] = p.z() - last[2];
                n++;
            }
            lastTime = time;
            haveTime = true;
            Vector3 a = m.adjustment();
            if (Double.isFinite(a.x()) && Double.isFinite(a.y()) && Double.isFinite(a.z())) {
                setting[0] += a.x();
                setting[1] += a.y();
                setting[2] += a.z();
                double[] slot = history[count % need];
                slot[0] = setting[0];
                slot[1] = setting[1];
                slot[2] = setting[2];
                count++;
            } else {
                count = 0;
            }
            if (valid) {
                last[0] = p.x();
                last[1] = p.y();
                last[2] = p.z();
                haveLast = true;
            } else {
                haveLast = false;
            }
        }
        return new double[][][] {
            Arrays.copyOf(x, n), {Arrays.copyOf(y[0], n), Arrays.copyOf(y[1], n), Arrays.copyOf(y[2], n)}
        };
    }

    @Benchmark
    public double[][] olsBatchCommonsMath() {
        return ols(y, x);
    }
}
