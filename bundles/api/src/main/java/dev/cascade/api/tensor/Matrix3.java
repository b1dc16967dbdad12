package dev.cascade.api.tensor;

import java.util.Arrays;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An immutable 3x3 matrix in row-major order: a correlation tensor {@code T} or a plant gain {@code G}.
 * Arithmetic beyond the basics lives in the tensor engine; this type carries values across bundles and
 * over the network.
 */
@ProviderType
public final class Matrix3 {

    /** The identity matrix. */
    public static final Matrix3 IDENTITY = new Matrix3(1, 0, 0, 0, 1, 0, 0, 0, 1);

    /** The zero matrix. */
    public static final Matrix3 ZERO = new Matrix3(0, 0, 0, 0, 0, 0, 0, 0, 0);

    private final double[] m;

    /** Builds a matrix from its nine entries, row by row ({@code mRC} is row R, column C). */
    public Matrix3(
            double m00,
            double m01,
            double m02,
            double m10,
            double m11,
            double m12,
            double m20,
            double m21,
            double m22) {
        this.m = new double[] {m00, m01, m02, m10, m11, m12, m20, m21, m22};
    }

    private Matrix3(double[] rowMajor) {
        this.m = rowMajor;
    }

    /**
     * @param rowMajor nine entries, row by row; copied
     * @return the matrix
     * @throws IllegalArgumentException if {@code rowMajor} does not have length 9
     */
    public static Matrix3 ofRowMajor(double... rowMajor) {
        if (rowMajor.length != 9) {
            throw new IllegalArgumentException("a Matrix3 needs 9 entries, got " + rowMajor.length);
        }
        return new Matrix3(rowMajor.clone());
    }

    /** @return the diagonal matrix with {@code d} on its diagonal */
    public static Matrix3 diagonal(Vector3 d) {
        return new Matrix3(d.x(), 0, 0, 0, d.y(), 0, 0, 0, d.z());
    }

    /**
     * @param row 0..2
     * @param column 0..2
     * @return the entry
     * @throws IndexOutOfBoundsException for a row or column outside 0..2
     */
    public double get(int row, int column) {
        if (row < 0 || row > 2 || column < 0 || column > 2) {
            throw new IndexOutOfBoundsException("entry (" + row + ", " + column + ") is outside 0..2");
        }
        return m[row * 3 + column];
    }

    /** @return a new array of the nine entries, row by row */
    public double[] toRowMajor() {
        return m.clone();
    }

    /** @return this matrix times {@code v} */
    public Vector3 times(Vector3 v) {
        return new Vector3(
                m[0] * v.x() + m[1] * v.y() + m[2] * v.z(),
                m[3] * v.x() + m[4] * v.y() + m[5] * v.z(),
                m[6] * v.x() + m[7] * v.y() + m[8] * v.z());
    }

    /** @return true if no entry is NaN or infinite */
    public boolean isFinite() {
        for (double v : m) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matrix3 other && Arrays.equals(m, other.m);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(m);
    }

    @Override
    public String toString() {
        return "Matrix3[" + m[0] + ", " + m[1] + ", " + m[2] + "; " + m[3] + ", " + m[4] + ", " + m[5] + "; " + m[6]
                + ", " + m[7] + ", " + m[8] + "]";
    }
}
