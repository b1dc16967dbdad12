package dev.cascade.tensor.internal;

/**
 * {@link Rls} for any number {@code n} of regressors (fixed per instance), for the {@code process} model's
 * 10; {@link Rls} keeps its fixed 7 because loops of a constant length are about a quarter faster (76 vs 98
 * ns per update of the 7-regressor model, same JMH run). 3 outputs share one covariance {@code P}, with
 * exponential forgetting limited by a bound on {@code trace(P)}; a random-walk parameter ({@link #drift})
 * and a step on one parameter alone ({@link #updateOne}).
 *
 * <p>Parameters are stored regressor-major: {@code theta[OUTPUTS * i + j]}
 * is the weight of regressor {@code i} in output {@code j}, so output {@code j} is predicted as {@code
 * Σ_i theta[3i + j] φ_i}. One {@link #update} costs about 2n² multiply-adds and allocates nothing.
 */
public final class RlsN {

    /** Outputs: the parent's 3 axes. */
    public static final int OUTPUTS = 3;

    /** The number of regressors of this instance. */
    final int n;

    final double[] theta;
    final double[] p;
    private final double[] pPhi;

    /** A fit over {@code n} regressors. */
    public RlsN(int n) {
        this.n = n;
        this.theta = new double[n * OUTPUTS];
        this.p = new double[n * n];
        this.pPhi = new double[n];
    }

    /** Starts from no knowledge: zero parameters, {@code P = p0 · I}. */
    public void reset(double p0) {
        java.util.Arrays.fill(theta, 0);
        java.util.Arrays.fill(p, 0);
        for (int i = 0; i < n; i++) {
            p[n * i + i] = p0;
        }
    }

    /** {@code out[j]} = the model's prediction of output {@code j} for regressor {@code phi}. */
    public void predict(double[] phi, double[] out) {
        double o0 = 0, o1 = 0, o2 = 0;
        for (int i = 0; i < n; i++) {
            double f = phi[i];
            o0 += theta[3 * i] * f;
            o1 += theta[3 * i + 1] * f;
            o2 += theta[3 * i + 2] * f;
        }
        out[0] = o0;
        out[1] = o1;
        out[2] = o2;
    }

    /** @return the trace of the covariance {@code P} */
    public double trace() {
        double t = 0;
        for (int i = 0; i < n; i++) {
            t += p[n * i + i];
        }
        return t;
    }

    /**
     * One update with regressor {@code phi} and observed outputs {@code y}. Forgetting is limited so that
     * {@code trace(P)} stays at or below {@code traceMax}: the effective factor is {@code max(lambda,
     * trace(P) / traceMax)}, capped at 1. A step whose result would not be finite is discarded.
     *
     * @param error receives the a-priori prediction error {@code y - θᵀφ}
     * @return true if the update was applied
     */
    public boolean update(double[] phi, double[] y, double lambda, double traceMax, double[] error) {
        double e0 = y[0], e1 = y[1], e2 = y[2];
        double r = 0;
        for (int i = 0; i < n; i++) {
            double f = phi[i];
            e0 -= theta[3 * i] * f;
            e1 -= theta[3 * i + 1] * f;
            e2 -= theta[3 * i + 2] * f;
            double s = 0;
            int row = n * i;
            for (int k = 0; k < n; k++) {
                s += p[row + k] * phi[k];
            }
            pPhi[i] = s;
            r += f * s;
        }
        error[0] = e0;
        error[1] = e1;
        error[2] = e2;
        double lam = Math.min(1, Math.max(lambda, trace() / traceMax));
        double den = lam + r;
        if (!(den > 0) || !Double.isFinite(e0 + e1 + e2) || !Double.isFinite(r)) {
            return false;
        }
        double inv = 1 / den;
        double invLam = 1 / lam;
        for (int i = 0; i < n; i++) {
            double k = pPhi[i] * inv;
            theta[3 * i] += k * e0;
            theta[3 * i + 1] += k * e1;
            theta[3 * i + 2] += k * e2;
            // P := (P - Pφ φᵀP / den) / λ, computed on the upper triangle and mirrored to stay symmetric
            for (int c = i; c < n; c++) {
                double v = (p[n * i + c] - k * pPhi[c]) * invLam;
                p[n * i + c] = v;
                p[n * c + i] = v;
            }
        }
        return true;
    }

    /**
     * A random walk of parameter {@code i} (the offset of a model whose disturbance drifts): {@code P_ii
     * += q}, so the fit keeps following it while the other parameters hold their information.
     */
    public void drift(int i, double q) {
        p[n * i + i] += q;
    }

    /**
     * A step that moves only parameter {@code i}, whose regressor is the constant 1, for a row that carries
     * no information about the others: the row is taken as a measurement of parameter {@code i} alone
     * (a Kalman step with regressor {@code e_i}), so {@code P} loses {@code P e_i e_iᵀ P / (1 + P_ii)} and
     * stays positive definite; the other parameters are held.
     *
     * @param error receives the a-priori prediction error
     */
    public void updateOne(int i, double[] phi, double[] y, double[] error) {
        predict(phi, error);
        double pii = p[n * i + i];
        double den = 1 + pii;
        for (int j = 0; j < OUTPUTS; j++) {
            double e = y[j] - error[j];
            error[j] = e;
            if (Double.isFinite(e)) {
                theta[OUTPUTS * i + j] += pii / den * e;
            }
        }
        for (int r = 0; r < n; r++) {
            pPhi[r] = p[n * r + i];
        }
        for (int r = 0; r < n; r++) {
            double k = pPhi[r] / den;
            for (int c = r; c < n; c++) {
                double v = p[n * r + c] - k * pPhi[c];
                p[n * r + c] = v;
                p[n * c + r] = v;
            }
        }
    }

    /** @return true if every diagonal entry of {@code P} is positive and finite */
    public boolean covarianceValid() {
        for (int i = 0; i < n; i++) {
            double d = p[n * i + i];
            if (!(d > 0) || Double.isInfinite(d)) {
                return false;
            }
        }
        return true;
    }

    /** Forgets what {@code P} knew, keeping the parameters: {@code P = p0 · I}. */
    public void resetCovariance(double p0) {
        java.util.Arrays.fill(p, 0);
        for (int i = 0; i < n; i++) {
            p[n * i + i] = p0;
        }
    }
}
