package dev.cascade.tensor.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * Every 3x3 operation against Apache Commons Math, on random matrices and on matrices with condition
 * numbers up to 1e10. Tolerances scale with the condition number, as the accuracy of any algorithm
 * does. Each property draws its matrices from a seeded generator, and jqwik's seed is fixed too.
 */
class Mat3PropertyTest {

    private static final double EPS = 1e-15;

    @Property(tries = 300, seed = "3101")
    void mulVecMatchesCommonsMath(@ForAll long seed) {
        Random random = new Random(seed);
        double[] m = Matrices.any(random, 10);
        double[] v = Matrices.random(random, 10);
        double[] out = new double[3];
        Mat3.mulVec(m, v, out);
        double[] expected = Matrices.matrix(m).operate(new double[] {v[0], v[1], v[2]});
        double tolerance = 1e-14 * Matrices.norm(m) * Matrices.norm(v);
        assertArrayEquals(expected, out, tolerance);
    }

    @Property(tries = 300, seed = "3102")
    void mulAndTransposeMatchCommonsMath(@ForAll long seed) {
        Random random = new Random(seed);
        double[] a = Matrices.any(random, 10);
        double[] b = Matrices.any(random, 10);
        double[] product = new double[9];
        Mat3.mul(a, b, product);
        assertArrayEquals(
                Matrices.rowMajor(Matrices.matrix(a).multiply(Matrices.matrix(b))),
                product,
                1e-14 * Matrices.norm(a) * Matrices.norm(b));
        double[] transposed = new double[9];
        Mat3.transpose(a, transposed);
        assertArrayEquals(Matrices.rowMajor(Matrices.matrix(a).transpose()), transposed, 0);
        // outputs may alias inputs
        double[] copy = a.clone();
        Mat3.mul(copy, b, copy);
        assertArrayEquals(product, copy, 0);
    }

    @Property(tries = 300, seed = "3103")
    void determinantAndNormsMatchCommonsMath(@ForAll long seed) {
        Random random = new Random(seed);
        double[] m = Matrices.any(random, 10);
        RealMatrix cm = Matrices.matrix(m);
        double frobenius = cm.getFrobeniusNorm();
        assertEquals(new LUDecomposition(cm).getDeterminant(), Mat3.det(m), 1e-14 * Math.pow(frobenius, 3));
        assertEquals(frobenius, Mat3.frobenius(m), 1e-15 * frobenius);
        assertEquals(cm.getNorm(), Mat3.norm1(m), 1e-15 * cm.getNorm());
    }

    @Property(tries = 300, seed = "3104")
    void singularValuesNormAndConditionMatchCommonsMath(@ForAll long seed) {
        Random random = new Random(seed);
        double[] m = Matrices.any(random, 10);
        SingularValueDecomposition reference = new SingularValueDecomposition(Matrices.matrix(m));
        double[] expected = reference.getSingularValues();
        Svd3 svd = new Svd3().decompose(m);
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i], svd.sigma(i), 1e-13 * expected[0], "singular value " + i);
        }
        assertEquals(reference.getNorm(), svd.norm2(), 1e-14 * expected[0]);
        double kappa = reference.getConditionNumber();
        assertEquals(kappa, svd.condition(), 1e-12 * kappa * kappa);
        // U Σ Vᵀ rebuilds the matrix and U, V are orthogonal
        RealMatrix u = Matrices.matrix(svd.u());
        RealMatrix v = Matrices.matrix(svd.v());
        RealMatrix s = MatrixUtils.createRealDiagonalMatrix(new double[] {svd.sigma(0), svd.sigma(1), svd.sigma(2)});
        assertArrayEquals(m, Matrices.rowMajor(u.multiply(s).multiply(v.transpose())), 1e-13 * expected[0]);
        assertArrayEquals(
                Matrices.rowMajor(MatrixUtils.createRealIdentityMatrix(3)),
                Matrices.rowMajor(u.transpose().multiply(u)),
                1e-13);
        assertArrayEquals(
                Matrices.rowMajor(MatrixUtils.createRealIdentityMatrix(3)),
                Matrices.rowMajor(v.transpose().multiply(v)),
                1e-13);
    }

    @Property(tries = 300, seed = "3105")
    void inverseAndSolveMatchCommonsMath(@ForAll long seed) {
        Random random = new Random(seed);
        double[] m = Matrices.any(random, 10);
        RealMatrix cm = Matrices.matrix(m);
        double kappa = new SingularValueDecomposition(cm).getConditionNumber();
        LUDecomposition lu = new LUDecomposition(cm, 0);
        double[] expected = Matrices.rowMajor(lu.getSolver().getInverse());
        double[] inverse = new double[9];
        double rcond = Mat3.invert(m, inverse);
        assertTrue(rcond > 0, "a matrix with condition number " + kappa + " must invert");
        assertArrayEquals(expected, inverse, 1e-14 * kappa * Matrices.norm(expected));

        double[] b = Matrices.random(random, 1);
        double[] x = new double[3];
        assertTrue(Mat3.solve(m, b, x, new double[9]) > 0);
        double[] xExpected = lu.getSolver()
                .solve(new ArrayRealVector(new double[] {b[0], b[1], b[2]}))
                .toArray();
        assertArrayEquals(xExpected, x, 1e-14 * kappa * Matrices.norm(expected) * Matrices.norm(b));
        // 1/rcond in the 1-norm lies within a factor 3 of the 2-norm condition number for 3x3
        assertTrue(1 / rcond >= kappa / 3 && 1 / rcond <= 3 * kappa, "1/rcond " + 1 / rcond + " vs kappa " + kappa);
    }

    @Property(tries = 200, seed = "3106")
    void singularMatricesAreReportedNotInverted(@ForAll long seed) {
        Random random = new Random(seed);
        double scale = Math.pow(10, 4 * random.nextDouble() - 2);
        double[] m = random.nextBoolean()
                ? Matrices.withSingularValues(random, scale, scale * random.nextDouble(), 0)
                : Matrices.withSingularValues(random, scale, scale * 1e-15 * random.nextDouble(), 0);
        double[] inverse = new double[9];
        assertEquals(0, Mat3.invert(m, inverse), "rank-deficient matrix inverted");
        for (double v : inverse) {
            assertTrue(Double.isNaN(v), "a singular matrix's inverse must be NaN, not a number");
        }
        double[] x = new double[3];
        assertEquals(0, Mat3.solve(m, new double[] {1, 2, 3}, x, new double[9]));
        assertTrue(Double.isNaN(x[0]));
    }

    @Property(tries = 300, seed = "3107")
    void tikhonovMatchesNormalEquationsInCommonsMath(@ForAll long seed) {
        Random random = new Random(seed);
        double[] g = Matrices.any(random, 8);
        RealMatrix cm = Matrices.matrix(g);
        double[] sigma = new SingularValueDecomposition(cm).getSingularValues();
        // any μ from σ1² down to σ1²·1e-6
        double mu = sigma[0] * sigma[0] * Math.pow(10, -6 * random.nextDouble());
        RealMatrix normal = cm.transpose()
                .multiply(cm)
                .add(MatrixUtils.createRealIdentityMatrix(3).scalarMultiply(mu));
        double[] expected = Matrices.rowMajor(
                new LUDecomposition(normal).getSolver().getInverse().multiply(cm.transpose()));
        double[] t = new double[9];
        new Svd3().decompose(g).tikhonov(mu, t);
        double conditionOfNormal = (sigma[0] * sigma[0] + mu) / mu;
        assertArrayEquals(expected, t, 1e-14 * conditionOfNormal * Matrices.norm(expected));
    }

    @Property(tries = 300, seed = "3108")
    void controllerTensorIsBoundedAndFollowsTheRule(@ForAll long seed) {
        Random random = new Random(seed);
        double[] g = Matrices.any(random, 10);
        Svd3 svd = new Svd3().decompose(g);
        double s1 = svd.sigma(0), s2 = svd.sigma(1), s3 = svd.sigma(2);
        double[] t = new double[9];
        ControllerTensor controller = new ControllerTensor();
        double mu = controller.tensor(g, t);
        double tNorm = new Svd3().decompose(t).norm2();
        if (s1 / s3 >= ControllerTensor.KAPPA_FULL) {
            assertTrue(mu >= s3 * s3 && mu <= s2 * s2, "μ " + mu + " outside [σ3², σ2²]");
            // no direction is amplified by more than 1/(2√μ) ≤ 1/(2σ3) and not much beyond 1/σ2
            assertTrue(tNorm <= 1 / (2 * Math.sqrt(mu)) * (1 + 1e-9));
            assertTrue(tNorm <= 1 / s2 * (1 + 1e-9), "‖T‖ " + tNorm + " beyond 1/σ2 " + 1 / s2);
        } else {
            // a well-conditioned plant is inverted nearly exactly: T·G is within 10% of the identity
            double[] tg = new double[9];
            Mat3.mul(t, g, tg);
            double[] identity = {1, 0, 0, 0, 1, 0, 0, 0, 1};
            assertTrue(Matrices.distance(tg, identity) <= 1.0, "T·G far from I: " + Matrices.distance(tg, identity));
        }
    }
}
