package dev.cascade.api.network;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Operators' actions on the estimation of pairs, carried to the optimizers through the node's transport.
 * The network provides it.
 *
 * @since 1.1.0
 */
@ProviderType
public interface Estimation {

    /**
     * Makes a pair's estimation start over (see {@link TensorReset}): the optimizer forgets the pair's
     * estimator state, the cache drops its tensor, and the loop returns to the configured initial tensor,
     * or learns from scratch when the pair has none.
     *
     * @param pair the pair id
     * @return completes with the reset as applied once this node's cache dropped the tensor and the loop
     *     went back to the initial one; fails when the transport or an optimizer is not there to carry it
     */
    CompletionStage<TensorReset> reset(String pair);
}
