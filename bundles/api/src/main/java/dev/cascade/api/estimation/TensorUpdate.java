package dev.cascade.api.estimation;

import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.util.Map;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A new tensor for a pair, as published by an optimizer and kept by every node's cache.
 *
 * @param pair the pair id
 * @param version strictly increasing per pair
 * @param tensor the controller tensor {@code T}
 * @param gain the estimated plant gain {@code G}
 * @param confidence in [0, 1] at {@code created}
 * @param timeConstants the identified time constant per parent axis, in seconds (NaN where unknown); the
 *     loop derives its automatic gains from them
 * @param state the estimator state to resume from
 * @param folded per producer, the highest batch sequence folded into {@code state}: the de-duplication
 *     state, so whoever resumes from this update folds no batch twice
 * @param source the id of the node that produced it
 * @param created when it was produced, milliseconds since the epoch
 */
@ProviderType
public record TensorUpdate(
        String pair,
        long version,
        Matrix3 tensor,
        Matrix3 gain,
        double confidence,
        Vector3 timeConstants,
        EstimatorState state,
        Map<String, Long> folded,
        String source,
        long created) {

    /** Checks that no component is null and makes {@code folded} immutable. */
    public TensorUpdate {
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(gain, "gain");
        Objects.requireNonNull(timeConstants, "timeConstants");
        Objects.requireNonNull(state, "state");
        folded = Map.copyOf(folded);
        Objects.requireNonNull(source, "source");
    }
}
