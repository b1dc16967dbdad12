package dev.cascade.api.tensor;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An immutable 3-vector: a domain state, an error or an adjustment, one component per axis.
 *
 * @param x axis 0
 * @param y axis 1
 * @param z axis 2
 */
@ProviderType
public record Vector3(double x, double y, double z) {

    /** The zero vector. */
    public static final Vector3 ZERO = new Vector3(0, 0, 0);

    /** Number of axes of every Cascade domain. */
    public static final int AXES = 3;

    /**
     * @param axis 0, 1 or 2
     * @return the component on that axis
     * @throws IndexOutOfBoundsException if the axis is not 0, 1 or 2
     */
    public double get(int axis) {
        return switch (axis) {
            case 0 -> x;
            case 1 -> y;
            case 2 -> z;
            default -> throw new IndexOutOfBoundsException("axis " + axis + " is not 0, 1 or 2");
        };
    }

    /** @return a new array {x, y, z} */
    public double[] toArray() {
        return new double[] {x, y, z};
    }

    /**
     * @param values exactly three components
     * @return the vector of those components
     * @throws IllegalArgumentException if {@code values} does not have length 3
     */
    public static Vector3 of(double... values) {
        if (values.length != AXES) {
            throw new IllegalArgumentException("a Vector3 needs 3 components, got " + values.length);
        }
        return new Vector3(values[0], values[1], values[2]);
    }

    /** @return true if no component is NaN or infinite */
    public boolean isFinite() {
        return Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(z);
    }
}
