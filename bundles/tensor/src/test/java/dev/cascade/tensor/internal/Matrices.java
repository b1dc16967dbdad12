package dev.cascade.tensor.internal;

import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/** Test matrices: random, and with a chosen condition number; all from a seeded {@link Random}. */
final class Matrices {

    private Matrices() {}

    /** Entries uniform in [-scale, scale]. */
    static double[] random(Random random, double scale) {
        double[] m = new double[9];
        for (int i = 0; i < 9; i++) {
            m[i] = (2 * random.nextDouble() - 1) * scale;
        }
        return m;
    }

    /** {@code U diag(s1, s2, s3) Vᵀ} with random orthogonal U and V. */
    static double[] withSingularValues(Random random, double s1, double s2, double s3) {
        RealMatrix u = orthogonal(random);
        RealMatrix v = orthogonal(random);
        RealMatrix s = new Array2DRowRealMatrix(new double[][] {{s1, 0, 0}, {0, s2, 0}, {0, 0, s3}});
        return rowMajor(u.multiply(s).multiply(v.transpose()));
    }

    /**
     * Random entries half the time; otherwise a matrix with condition number 10^k, k uniform in [0,
     * maxDecades], and a random scale.
     */
    static double[] any(Random random, double maxDecades) {
        if (random.nextBoolean()) {
            return random(random, Math.pow(10, 4 * random.nextDouble() - 2));
        }
        double scale = Math.pow(10, 4 * random.nextDouble() - 2);
        double kappa = Math.pow(10, maxDecades * random.nextDouble());
        double middle = Math.pow(kappa, random.nextDouble());
        return withSingularValues(random, scale, scale / middle, scale / kappa);
    }

    static RealMatrix orthogonal(Random random) {
        return new QRDecomposition(new Array2DRowRealMatrix(new double[][] {
                    {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()},
                    {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()},
                    {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()}
                }))
                .getQ();
    }

    static RealMatrix matrix(double[] m) {
        return new Array2DRowRealMatrix(new double[][] {{m[0], m[1], m[2]}, {m[3], m[4], m[5]}, {m[6], m[7], m[8]}});
    }

    static double[] rowMajor(RealMatrix m) {
        double[] out = new double[9];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                out[3 * r + c] = m.getEntry(r, c);
            }
        }
        return out;
    }

    /** @return the Frobenius norm of {@code a - b} */
    static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    static double norm(double[] a) {
        return distance(a, new double[a.length]);
    }
}
