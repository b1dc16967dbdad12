package dev.cascade.api.estimation;

import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What an {@link Estimator} concluded after folding a batch.
 *
 * @param gain the estimated steady-state plant gain {@code G}
 * @param tensor the controller tensor {@code T}, a regularised inverse of {@code G}
 * @param confidence in [0, 1]
 * @param timeConstants the identified time constant per parent axis, in seconds (NaN where unknown)
 * @param state the estimator's state after the fold, to resume from
 */
@ProviderType
public record Estimate(Matrix3 gain, Matrix3 tensor, double confidence, Vector3 timeConstants, EstimatorState state) {

    /** Checks the values: no nulls, confidence in [0, 1]. */
    public Estimate {
        Objects.requireNonNull(gain, "gain");
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(timeConstants, "timeConstants");
        Objects.requireNonNull(state, "state");
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence " + confidence + " is not in [0, 1]");
        }
    }
}
