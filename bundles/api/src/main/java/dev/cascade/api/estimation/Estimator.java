package dev.cascade.api.estimation;

import dev.cascade.api.network.Batch;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Estimates a pair's plant gain from its measurements. Cascade ships a recursive-least-squares
 * estimator; a tool may register another with a distinct {@link #NAME}, and a pair's configuration
 * chooses one by name.
 *
 * <p>An estimator is stateless: the state of each pair comes in and goes out as an {@link
 * EstimatorState}, so estimation of a pair can move between nodes. It runs off the loop thread.
 */
@ConsumerType
public interface Estimator {

    /** Service property (String): the estimator's name, written into every state it produces. */
    String NAME = "cascade.estimator.name";

    /**
     * Folds one batch into a pair's estimation.
     *
     * @param previous the state to resume from; empty for a pair with no estimation yet
     * @param batch measurements of one pair, in time order
     * @return the estimate after the fold, with the new state
     * @throws IllegalArgumentException if {@code previous} was written by another estimator or an
     *     unknown format version
     */
    Estimate fold(Optional<EstimatorState> previous, Batch batch);
}
