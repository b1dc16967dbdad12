package dev.cascade.api.estimation;

import dev.cascade.api.tensor.Matrix3;
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
 * @param state the estimator state to resume from
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
        EstimatorState state,
        String source,
        long created) {

    /** Checks that no component is null. */
    public TensorUpdate {
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(gain, "gain");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(source, "source");
    }
}
