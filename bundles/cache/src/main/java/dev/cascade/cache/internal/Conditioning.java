package dev.cascade.cache.internal;

import dev.cascade.api.tensor.Matrix3;

/**
 * Norm and condition number of a 3x3 matrix, for validation only (off the loop thread). The singular
 * values come from the eigenvalues of {@code MᵀM} by cyclic Jacobi rotations: small, exact enough for
 * a limit check, and free of any dependency on the tensor engine's private code.
 */
final class Conditioning {

    private Conditioning() {}

    static double frobenius(Matrix3 m) {
        double sum = 0;
        for (double v : m.toRowMajor()) {
            sum += v * v;
        }
        return Math.sqrt(sum);
    }

    static double frobeniusDistance(Matrix3 a, Matrix3 b) {
        double[] x = a.toRowMajor();
        double[] y = b.toRowMajor();
        double sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (x[i] - y[i]) * (x[i] - y[i]);
        }
        return Math.sqrt(sum);
    }

    /** @return σmax / σmin, infinite for a singular matrix */
    static double condition(Matrix3 m) {
        double[] e = singularValuesSquared(m);
        double max = Math.max(e[0], Math.max(e[1], e[2]));
        double min = Math.min(e[0], Math.min(e[1], e[2]));
        if (max == 0) {
            return Double.POSITIVE_INFINITY;
        }
        // relative to the largest, a squared singular value below 1e-28 is rounding noise: singular
        if (min <= max * 1e-28) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.sqrt(max / min);
    }

    /** @return the eigenvalues of MᵀM (the squared singular values), unordered */
    static double[] singularValuesSquared(Matrix3 m) {
        double[] r = m.toRowMajor();
        double[][] a = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                a[i][j] = r[i] * r[j] + r[3 + i] * r[3 + j] + r[6 + i] * r[6 + j];
            }
        }
        for (int sweep = 0; sweep < 50; sweep++) {
            double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
            double diag = a[0][0] * a[0][0] + a[1][1] * a[1][1] + a[2][2] * a[2][2];
            if (off <= 1e-30 * diag) {
                break;
            }
            for (int p = 0; p < 2; p++) {
                for (int q = p + 1; q < 3; q++) {
                    rotate(a, p, q);
                }
            }
        }
        return new double[] {Math.max(0, a[0][0]), Math.max(0, a[1][1]), Math.max(0, a[2][2])};
    }

    /** One Jacobi rotation that zeroes a[p][q] of the symmetric matrix a. */
    private static void rotate(double[][] a, int p, int q) {
        if (a[p][q] == 0) {
            return;
        }
        double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        for (int k = 0; k < 3; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < 3; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
    }
}
