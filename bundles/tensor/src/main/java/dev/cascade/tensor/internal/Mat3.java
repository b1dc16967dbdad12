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
     * {@code out = m⁻¹} by Gaussian elimination with partial pivoting (backward stable, unlike the
     * adjugate, whose determinant loses all digits long before the matrix is singular), unless {@code
     * m} is singular or nearly so.
     *
     * @return the reciprocal condition number of {@code m} in the 1-norm (in (0, 1]) when the inverse was
     *     written; 0 when {@code m} counts as singular ({@code rcond < MIN_RCOND}, a zero pivot, or not
     *     finite), and then {@code out} is all NaN
     */
    public static double invert(double[] m, double[] out) {
        double norm = norm1(m);
        double a00 = m[0],
                a01 = m[1],
                a02 = m[2],
                a10 = m[3],
                a11 = m[4],
                a12 = m[5],
                a20 = m[6],
                a21 = m[7],
                a22 = m[8];
        // the identity as right-hand side, rows permuted along with m's
        double b00 = 1, b01 = 0, b02 = 0, b10 = 0, b11 = 1, b12 = 0, b20 = 0, b21 = 0, b22 = 1;
        double t;
        if (Math.abs(a10) > Math.abs(a00) && Math.abs(a10) >= Math.abs(a20)) {
            t = a00;
            a00 = a10;
            a10 = t;
            t = a01;
            a01 = a11;
            a11 = t;
            t = a02;
            a02 = a12;
            a12 = t;
            t = b00;
            b00 = b10;
            b10 = t;
            t = b01;
            b01 = b11;
            b11 = t;
            t = b02;
            b02 = b12;
            b12 = t;
        } else if (Math.abs(a20) > Math.abs(a00)) {
            t = a00;
            a00 = a20;
            a20 = t;
            t = a01;
            a01 = a21;
            a21 = t;
            t = a02;
            a02 = a22;
            a22 = t;
            t = b00;
            b00 = b20;
            b20 = t;
            t = b01;
            b01 = b21;
            b21 = t;
            t = b02;
            b02 = b22;
            b22 = t;
        }
        if (a00 == 0 || !Double.isFinite(norm)) {
            fill(out, Double.NaN);
            return 0;
        }
        double l = a10 / a00;
        a11 -= l * a01;
        a12 -= l * a02;
        b10 -= l * b00;
        b11 -= l * b01;
        b12 -= l * b02;
        l = a20 / a00;
        a21 -= l * a01;
        a22 -= l * a02;
        b20 -= l * b00;
        b21 -= l * b01;
        b22 -= l * b02;
        if (Math.abs(a21) > Math.abs(a11)) {
            t = a11;
            a11 = a21;
            a21 = t;
            t = a12;
            a12 = a22;
            a22 = t;
            t = b10;
            b10 = b20;
            b20 = t;
            t = b11;
            b11 = b21;
            b21 = t;
            t = b12;
            b12 = b22;
            b22 = t;
        }
        if (a11 == 0) {
            fill(out, Double.NaN);
            return 0;
        }
        l = a21 / a11;
        a22 -= l * a12;
        b20 -= l * b10;
        b21 -= l * b11;
        b22 -= l * b12;
        if (a22 == 0) {
            fill(out, Double.NaN);
            return 0;
        }
        // back substitution, one column of the inverse per right-hand side column
        double x20 = b20 / a22, x21 = b21 / a22, x22 = b22 / a22;
        double x10 = (b10 - a12 * x20) / a11, x11 = (b11 - a12 * x21) / a11, x12 = (b12 - a12 * x22) / a11;
        double x00 = (b00 - a01 * x10 - a02 * x20) / a00;
        double x01 = (b01 - a01 * x11 - a02 * x21) / a00;
        double x02 = (b02 - a01 * x12 - a02 * x22) / a00;
        double inverseNorm = Math.max(
                Math.abs(x00) + Math.abs(x10) + Math.abs(x20),
                Math.max(Math.abs(x01) + Math.abs(x11) + Math.abs(x21), Math.abs(x02) + Math.abs(x12) + Math.abs(x22)));
        double rcond = 1 / (norm * inverseNorm);
        if (!(rcond >= MIN_RCOND) || !Double.isFinite(inverseNorm)) {
            fill(out, Double.NaN);
            return 0;
        }
        out[0] = x00;
        out[1] = x01;
        out[2] = x02;
        out[3] = x10;
        out[4] = x11;
        out[5] = x12;
        out[6] = x20;
        out[7] = x21;
        out[8] = x22;
        return rcond;
    }

    /**
     * Solves {@code m * x = b} through {@link #invert}, unless {@code m} is singular or nearly so.
     *
     * @param scratch 9 entries the caller owns (receives {@code m⁻¹}), so that solving allocates nothing
     * @return the reciprocal condition number of {@code m} as in {@link #invert}; 0 when {@code m} counts
     *     as singular, and then {@code x} is all NaN
     */
    public static double solve(double[] m, double[] b, double[] x, double[] scratch) {
        double rcond = invert(m, scratch);
        if (rcond == 0) {
            fill(x, Double.NaN);
            return 0;
        }
        mulVec(scratch, b, x);
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
