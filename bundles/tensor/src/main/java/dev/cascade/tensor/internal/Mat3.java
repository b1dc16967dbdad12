package dev.cascade.tensor.internal;

/**
 * Fixed-size arithmetic for the hot path: 3x3 matrices as {@code double[9]} in row-major order
 * ({@code m[3 * row + column]}) and 3-vectors as {@code double[3]}. Every method is unrolled, works on
 * primitives and allocates nothing; results go into an array the caller owns. Each method reads all
 * its inputs before it writes, so an output may be one of the inputs.
 *
 * <p>Inversion is honest: a matrix whose reciprocal condition number (in the 1-norm) is below {@link
 * #MIN_RCOND} is reported as singular and its "inverse" is filled with NaN, so nobody uses garbage by
 * accident. Spectral quantities (2-norm, condition number, the regularised inverse) need an SVD and
 * live in {@link Svd3}.
 */
public final class Mat3 {

    /**
     * Below this reciprocal condition number a matrix counts as singular. At 1e-13 a solution still has
     * about three correct digits; anything worse is rounding noise, not an inverse.
     */
    public static final double MIN_RCOND = 1e-13;

    private Mat3() {}

    /** {@code out = m * v}. */
    public static void mulVec(double[] m, double[] v, double[] out) {
        double x = v[0], y = v[1], z = v[2];
        out[0] = m[0] * x + m[1] * y + m[2] * z;
        out[1] = m[3] * x + m[4] * y + m[5] * z;
        out[2] = m[6] * x + m[7] * y + m[8] * z;
    }

    /** {@code out = a * b}. */
    public static void mul(double[] a, double[] b, double[] out) {
        double a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7], a8 = a[8];
        double b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4], b5 = b[5], b6 = b[6], b7 = b[7], b8 = b[8];
        out[0] = a0 * b0 + a1 * b3 + a2 * b6;
        out[1] = a0 * b1 + a1 * b4 + a2 * b7;
        out[2] = a0 * b2 + a1 * b5 + a2 * b8;
        out[3] = a3 * b0 + a4 * b3 + a5 * b6;
        out[4] = a3 * b1 + a4 * b4 + a5 * b7;
        out[5] = a3 * b2 + a4 * b5 + a5 * b8;
        out[6] = a6 * b0 + a7 * b3 + a8 * b6;
        out[7] = a6 * b1 + a7 * b4 + a8 * b7;
        out[8] = a6 * b2 + a7 * b5 + a8 * b8;
    }

    /** {@code out = mᵀ}. */
    public static void transpose(double[] m, double[] out) {
        double m1 = m[1], m2 = m[2], m3 = m[3], m5 = m[5], m6 = m[6], m7 = m[7];
        out[0] = m[0];
        out[4] = m[4];
        out[8] = m[8];
        out[1] = m3;
        out[2] = m6;
        out[3] = m1;
        out[5] = m7;
        out[6] = m2;
        out[7] = m5;
    }

    /** @return the determinant of {@code m} */
    public static double det(double[] m) {
        return m[0] * (m[4] * m[8] - m[5] * m[7])
                - m[1] * (m[3] * m[8] - m[5] * m[6])
                + m[2] * (m[3] * m[7] - m[4] * m[6]);
    }

    /** @return the Frobenius norm of {@code m}, the square root of the sum of squared entries */
    public static double frobenius(double[] m) {
        double s = m[0] * m[0]
                + m[1] * m[1]
                + m[2] * m[2]
                + m[3] * m[3]
                + m[4] * m[4]
                + m[5] * m[5]
                + m[6] * m[6]
                + m[7] * m[7]
                + m[8] * m[8];
        return Math.sqrt(s);
    }

    /** @return the 1-norm of {@code m}, its largest absolute column sum */
    public static double norm1(double[] m) {
        double c0 = Math.abs(m[0]) + Math.abs(m[3]) + Math.abs(m[6]);
        double c1 = Math.abs(m[1]) + Math.abs(m[4]) + Math.abs(m[7]);
        double c2 = Math.abs(m[2]) + Math.abs(m[5]) + Math.abs(m[8]);
        return Math.max(c0, Math.max(c1, c2));
    }

    /**
     * {@code out = m⁻¹} by the adjugate, unless {@code m} is singular or nearly so.
     *
     * @return the reciprocal condition number of {@code m} in the 1-norm (in (0, 1]) when the inverse was
     *     written; 0 when {@code m} counts as singular ({@code rcond < MIN_RCOND}, or not finite), and
     *     then {@code out} is all NaN
     */
    public static double invert(double[] m, double[] out) {
        double m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5], m6 = m[6], m7 = m[7], m8 = m[8];
        double c00 = m4 * m8 - m5 * m7;
        double c01 = m5 * m6 - m3 * m8;
        double c02 = m3 * m7 - m4 * m6;
        double det = m0 * c00 + m1 * c01 + m2 * c02;
        double norm = norm1(m);
        if (det == 0 || !Double.isFinite(det) || !Double.isFinite(norm)) {
            fill(out, Double.NaN);
            return 0;
        }
        double r = 1 / det;
        double i0 = c00 * r, i1 = (m2 * m7 - m1 * m8) * r, i2 = (m1 * m5 - m2 * m4) * r;
        double i3 = c01 * r, i4 = (m0 * m8 - m2 * m6) * r, i5 = (m2 * m3 - m0 * m5) * r;
        double i6 = c02 * r, i7 = (m1 * m6 - m0 * m7) * r, i8 = (m0 * m4 - m1 * m3) * r;
        double inverseNorm = Math.max(
                Math.abs(i0) + Math.abs(i3) + Math.abs(i6),
                Math.max(Math.abs(i1) + Math.abs(i4) + Math.abs(i7), Math.abs(i2) + Math.abs(i5) + Math.abs(i8)));
        double rcond = 1 / (norm * inverseNorm);
        if (!(rcond >= MIN_RCOND)) {
            fill(out, Double.NaN);
            return 0;
        }
        out[0] = i0;
        out[1] = i1;
        out[2] = i2;
        out[3] = i3;
        out[4] = i4;
        out[5] = i5;
        out[6] = i6;
        out[7] = i7;
        out[8] = i8;
        return rcond;
    }

    /**
     * Solves {@code m * x = b} by Cramer's rule, unless {@code m} is singular or nearly so.
     *
     * @return the reciprocal condition number of {@code m} as in {@link #invert}; 0 when {@code m} counts
     *     as singular, and then {@code x} is all NaN
     */
    public static double solve(double[] m, double[] b, double[] x) {
        double m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5], m6 = m[6], m7 = m[7], m8 = m[8];
        double b0 = b[0], b1 = b[1], b2 = b[2];
        double c00 = m4 * m8 - m5 * m7;
        double c01 = m5 * m6 - m3 * m8;
        double c02 = m3 * m7 - m4 * m6;
        double det = m0 * c00 + m1 * c01 + m2 * c02;
        double norm = norm1(m);
        if (det == 0 || !Double.isFinite(det) || !Double.isFinite(norm)) {
            fill(x, Double.NaN);
            return 0;
        }
        double r = 1 / det;
        double i0 = c00 * r, i1 = (m2 * m7 - m1 * m8) * r, i2 = (m1 * m5 - m2 * m4) * r;
        double i3 = c01 * r, i4 = (m0 * m8 - m2 * m6) * r, i5 = (m2 * m3 - m0 * m5) * r;
        double i6 = c02 * r, i7 = (m1 * m6 - m0 * m7) * r, i8 = (m0 * m4 - m1 * m3) * r;
        double inverseNorm = Math.max(
                Math.abs(i0) + Math.abs(i3) + Math.abs(i6),
                Math.max(Math.abs(i1) + Math.abs(i4) + Math.abs(i7), Math.abs(i2) + Math.abs(i5) + Math.abs(i8)));
        double rcond = 1 / (norm * inverseNorm);
        if (!(rcond >= MIN_RCOND)) {
            fill(x, Double.NaN);
            return 0;
        }
        x[0] = i0 * b0 + i1 * b1 + i2 * b2;
        x[1] = i3 * b0 + i4 * b1 + i5 * b2;
        x[2] = i6 * b0 + i7 * b1 + i8 * b2;
        return rcond;
    }

    /** @return true if every entry of {@code a} is finite */
    public static boolean isFinite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static void fill(double[] a, double value) {
        for (int i = 0; i < a.length; i++) {
            a[i] = value;
        }
    }
}
