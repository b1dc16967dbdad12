package dev.cascade.tensor.internal;

/**
 * Singular value decomposition {@code A = U Σ Vᵀ} of a 3x3 matrix by one-sided Jacobi rotations
 * (Hestenes): the columns of {@code A} are rotated pairwise until they are orthogonal; their norms are
 * then the singular values. Unlike the eigenvalues of {@code AᵀA}, this keeps the small singular values
 * accurate relative to their own size, which is what the condition number and the regularisation
 * need.
 *
 * <p>An instance owns its result arrays and is reused: {@link #decompose} allocates nothing. Not
 * thread-safe; one per thread. Singular values come sorted, largest first.
 */
public final class Svd3 {

    private static final int MAX_SWEEPS = 60;
    private static final double EPS = 1e-15;

    private final double[] u = new double[9];
    private final double[] s = new double[3];
    private final double[] v = new double[9];

    /**
     * Decomposes {@code a} (row-major, 9 entries); read the result with {@link #sigma}, {@link #u()},
     * {@link #v()}.
     *
     * @return this
     * @throws IllegalArgumentException if an entry of {@code a} is NaN or infinite
     */
    public Svd3 decompose(double[] a) {
        if (!Mat3.isFinite(a)) {
            throw new IllegalArgumentException("cannot decompose a matrix with a NaN or infinite entry");
        }
        System.arraycopy(a, 0, u, 0, 9);
        v[0] = 1;
        v[1] = 0;
        v[2] = 0;
        v[3] = 0;
        v[4] = 1;
        v[5] = 0;
        v[6] = 0;
        v[7] = 0;
        v[8] = 1;
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = rotate(0, 1);
            rotated |= rotate(0, 2);
            rotated |= rotate(1, 2);
            if (!rotated) {
                break;
            }
        }
        for (int c = 0; c < 3; c++) {
            double norm = Math.sqrt(u[c] * u[c] + u[3 + c] * u[3 + c] + u[6 + c] * u[6 + c]);
            s[c] = norm;
            if (norm > 0) {
                u[c] /= norm;
                u[3 + c] /= norm;
                u[6 + c] /= norm;
            }
        }
        sortDescending();
        completeU();
        return this;
    }

    /** @return singular value {@code i} (0 is the largest) */
    public double sigma(int i) {
        return s[i];
    }

    /** @return the left singular vectors as columns, row-major; the array is this instance's own */
    public double[] u() {
        return u;
    }

    /** @return the right singular vectors as columns, row-major; the array is this instance's own */
    public double[] v() {
        return v;
    }

    /** @return the 2-norm (largest singular value) of the last decomposed matrix */
    public double norm2() {
        return s[0];
    }

    /**
     * @return the 2-norm condition number {@code σmax / σmin} of the last decomposed matrix; infinite for
     *     a singular one
     */
    public double condition() {
        return s[2] == 0 ? Double.POSITIVE_INFINITY : s[0] / s[2];
    }

    /**
     * Writes the Tikhonov-regularised pseudo-inverse {@code (AᵀA + μI)⁻¹Aᵀ = V diag(σ / (σ² + μ)) Uᵀ} of
     * the last decomposed matrix. Along a direction with {@code σ² ≫ μ} it inverts ({@code 1/σ}); along
     * one with {@code σ² ≪ μ} it damps ({@code σ/μ}), so its gain never exceeds {@code 1 / (2√μ)}.
     *
     * @param mu the regularisation, ≥ 0; with 0 a zero singular value contributes nothing (the
     *     Moore-Penrose pseudo-inverse)
     * @param out 9 entries, row-major
     */
    public void tikhonov(double mu, double[] out) {
        if (!(mu >= 0)) {
            throw new IllegalArgumentException("regularisation " + mu + " must be a number >= 0");
        }
        double f0 = factor(s[0], mu), f1 = factor(s[1], mu), f2 = factor(s[2], mu);
        for (int r = 0; r < 3; r++) {
            double v0 = v[3 * r] * f0, v1 = v[3 * r + 1] * f1, v2 = v[3 * r + 2] * f2;
            for (int c = 0; c < 3; c++) {
                out[3 * r + c] = v0 * u[3 * c] + v1 * u[3 * c + 1] + v2 * u[3 * c + 2];
            }
        }
    }

    private static double factor(double sigma, double mu) {
        return sigma == 0 ? 0 : sigma / (sigma * sigma + mu);
    }

    /** Rotates columns p and q of u (and v) to make them orthogonal; false if they already were. */
    private boolean rotate(int p, int q) {
        double alpha = 0, beta = 0, gamma = 0;
        for (int r = 0; r < 3; r++) {
            double up = u[3 * r + p], uq = u[3 * r + q];
            alpha += up * up;
            beta += uq * uq;
            gamma += up * uq;
        }
        if (gamma == 0 || Math.abs(gamma) <= EPS * Math.sqrt(alpha * beta)) {
            return false;
        }
        double zeta = (beta - alpha) / (2 * gamma);
        double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        if (zeta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(1 + t * t);
        double sn = c * t;
        for (int r = 0; r < 3; r++) {
            double up = u[3 * r + p], uq = u[3 * r + q];
            u[3 * r + p] = c * up - sn * uq;
            u[3 * r + q] = sn * up + c * uq;
            double vp = v[3 * r + p], vq = v[3 * r + q];
            v[3 * r + p] = c * vp - sn * vq;
            v[3 * r + q] = sn * vp + c * vq;
        }
        return true;
    }

    private void sortDescending() {
        // three elements: a fixed sequence of compare-and-swap sorts them
        swapIfSmaller(0, 1);
        swapIfSmaller(1, 2);
        swapIfSmaller(0, 1);
    }

    private void swapIfSmaller(int i, int j) {
        if (s[i] >= s[j]) {
            return;
        }
        double t = s[i];
        s[i] = s[j];
        s[j] = t;
        for (int r = 0; r < 3; r++) {
            t = u[3 * r + i];
            u[3 * r + i] = u[3 * r + j];
            u[3 * r + j] = t;
            t = v[3 * r + i];
            v[3 * r + i] = v[3 * r + j];
            v[3 * r + j] = t;
        }
    }

    /**
     * A zero singular value leaves a zero column in u; give it a unit vector orthogonal to the others so
     * that U stays orthogonal (its value does not change A = U Σ Vᵀ).
     */
    private void completeU() {
        if (s[2] > 0) {
            return;
        }
        if (s[1] == 0) {
            if (s[0] == 0) {
                u[0] = 1;
                u[3] = 0;
                u[6] = 0;
            }
            // any unit vector orthogonal to column 0
            double x = u[0], y = u[3], z = u[6];
            double ax = Math.abs(x), ay = Math.abs(y), az = Math.abs(z);
            double ox, oy, oz;
            if (ax <= ay && ax <= az) {
                ox = 0;
                oy = -z;
                oz = y;
            } else if (ay <= az) {
                ox = -z;
                oy = 0;
                oz = x;
            } else {
                ox = -y;
                oy = x;
                oz = 0;
            }
            double n = Math.sqrt(ox * ox + oy * oy + oz * oz);
            u[1] = ox / n;
            u[4] = oy / n;
            u[7] = oz / n;
        }
        // column 2 = column 0 x column 1
        u[2] = u[3] * u[7] - u[6] * u[4];
        u[5] = u[6] * u[1] - u[0] * u[7];
        u[8] = u[0] * u[4] - u[3] * u[1];
    }
}
