package dev.cascade.api.control;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One pair's working record for the current cycle, handed to each {@link Filter} in turn. It is a
 * reusable frame of primitive fields owned by the pair: a filter reads and writes it in place and must not
 * keep a reference to it after {@link Filter#process} returns.
 */
@ProviderType
public interface FilterFrame {

    /** @return the id of the pair this cycle belongs to */
    String pair();

    /** @return the cycle number of this pair, counting from 0 */
    long cycle();

    /** @return seconds since this pair's previous cycle */
    double dt();

    /** @return the pair's axis mask (bit 0 = x); filters leave masked axes alone */
    int axisMask();

    /** @return the parent's measured state on {@code axis} */
    double parent(int axis);

    /** @return the error ({@code setpoint - parent}) on {@code axis}, as the previous stages left it */
    double error(int axis);

    /** Replaces the error on {@code axis}. */
    void error(int axis, double value);

    /** @return the adjustment on {@code axis}, as the previous stages left it (0 before the transform) */
    double adjustment(int axis);

    /** Replaces the adjustment on {@code axis}. */
    void adjustment(int axis, double value);

    /** @return the confidence of the tensor in use, in [0, 1] */
    double confidence();
}
