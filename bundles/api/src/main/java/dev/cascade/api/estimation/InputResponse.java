package dev.cascade.api.estimation;

import dev.cascade.api.tensor.Matrix3;
import java.util.List;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a pair's actuator setting does to its parent's change per cycle, in the form in which its
 * siblings' estimator takes it off (the {@code siblings} of {@link Estimator#fold}). A linear filter
 * that any node can run over the pair's adjustments:
 *
 * <pre>
 *   s(k)     = direct · u(k - d) + Σ_m gain_m · z_m(k)
 *   z_m(k+1) = pole_m · z_m(k) + (1 - pole_m) · u(k - d)
 * </pre>
 *
 * {@code u(k)} is the pair's setting after the adjustment of its {@code k}-th cycle (the running sum of
 * its adjustments), {@code d} = {@link #deadTime()} cycles, and every {@code z_m} starts at the first
 * setting known (the plant taken as settled there). {@code s(k)} is the predicted contribution to the
 * parent's change over cycle {@code k}, in the parent's units per cycle of the pair.
 *
 * @param deadTime the dead time {@code d} in cycles of the pair
 * @param direct the term acting directly on the delayed setting
 * @param modes the filtered terms; empty for a model without them
 * @since 1.1.0
 */
@ProviderType
public record InputResponse(int deadTime, Matrix3 direct, List<Mode> modes) {

    /**
     * One filtered term of an {@link InputResponse}.
     *
     * @param pole the filter's pole in [0, 1): the part of {@code z} that remains after a cycle
     * @param gain the matrix that maps {@code z} to the contribution
     */
    public record Mode(double pole, Matrix3 gain) {

        /** Checks the values. */
        public Mode {
            Objects.requireNonNull(gain, "gain");
            if (!(pole >= 0 && pole < 1)) {
                throw new IllegalArgumentException("pole " + pole + " is not in [0, 1)");
            }
        }
    }

    /** Checks the values and makes {@code modes} immutable. */
    public InputResponse {
        if (deadTime < 0 || deadTime > EstimatorSettings.MAX_DEAD_TIME) {
            throw new IllegalArgumentException(
                    "dead time " + deadTime + " cycles is outside 0.." + EstimatorSettings.MAX_DEAD_TIME);
        }
        Objects.requireNonNull(direct, "direct");
        modes = List.copyOf(modes);
    }
}
