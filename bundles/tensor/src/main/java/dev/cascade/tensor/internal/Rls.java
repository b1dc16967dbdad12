package dev.cascade.tensor.internal;

/**
 * Recursive least squares for {@link #N} regressors and {@link #OUTPUTS} outputs that share one
 * covariance {@code P} (all outputs see the same regressor), with exponential forgetting limited by a
 * bound on {@code trace(P)}.
 *
 * <p>Parameters are stored regressor-major: {@code theta[OUTPUTS * i + j]}
 * is the weight of regressor {@code i} in output {@code j}, so output {@code j} is predicted as {@code
 * Σ_i theta[3i + j] φ_i}. One {@link #update} costs about 150 multiply-adds and allocates nothing.
 */
public final class Rls {

    /** Regressors: 3 actuator settings, 3 parent states, 1 constant. */
    public static final int N = 7;

    /** Outputs: the parent's change on its 3 axes. */
    public static final int OUTPUTS = 3;

    final double[] theta = new double[N * OUTPUTS];
    final double[] p = new double[N * N];
    private final double[] pPhi = new double[N];

    /** Starts from no knowledge: zero parameters, {@code P = p0 · I}. */
    public void reset(double p0) {
        java.util.Arrays.fill(theta, 0);
        java.util.Arrays.fill(p, 0);
        for (int i = 0; i < N; i++) {
            p[N * i + i] = p0;
        }
    }

    /** {@code out[j]} = the model's prediction of output {@code j} for regressor {@code phi}. */
    public void predict(double[] phi, double[] out) {
        double o0 = 0, o1 = 0, o2 = 0;
        for (int i = 0; i < N; i++) {
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
        for (int i = 0; i < N; i++) {
            t += p[N * i + i];
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
        for (int i = 0; i < N; i++) {
            double f = phi[i];
            e0 -= theta[3 * i] * f;
            e1 -= theta[3 * i + 1] * f;
            e2 -= theta[3 * i + 2] * f;
            double s = 0;
            int row = N * i;
            for (int k = 0; k < N; k++) {
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
        for (int i = 0; i < N; i++) {
            double k = pPhi[i] * inv;
            theta[3 * i] += k * e0;
            theta[3 * i + 1] += k * e1;
            theta[3 * i + 2] += k * e2;
            // P := (P - Pφ φᵀP / den) / λ, computed on the upper triangle and mirrored to stay symmetric
            for (int c = i; c < N; c++) {
                double v = (p[N * i + c] - k * pPhi[c]) * invLam;
                p[N * i + c] = v;
                p[N * c + i] = v;
            }
        }
        return true;
    }
}
