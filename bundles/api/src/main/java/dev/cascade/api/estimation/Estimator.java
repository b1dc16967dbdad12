package dev.cascade.api.estimation;

import dev.cascade.api.network.Batch;
import dev.cascade.api.tensor.Vector3;
import java.util.List;
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
     * Folds one batch into a pair's estimation. Folding a stream of measurements batch by batch, with
     * the state handed from one fold to the next, gives the same result as folding it in one batch.
     *
     * <p>When a parent has several children, each pair's change of the parent is partly caused by its
     * siblings. {@code siblings} carries, per measurement, what the siblings' own estimates predict
     * their adjustments did to the parent over the cycle that starts at that measurement; the
     * estimator takes it off the parent's change before it attributes the rest to this pair.
     *
     * @param previous the state to resume from; empty for a pair with no estimation yet, or to reset it
     * @param batch measurements of one pair, in time order
     * @param settings the pair's estimation settings
     * @param siblings empty when the pair has no siblings, else one vector per measurement of {@code
     *     batch}, in the same order
     * @return the estimate after the fold, with the new state
     * @throws IllegalArgumentException if {@code previous} was written by another estimator or an
     *     unknown format version, or {@code siblings} is neither empty nor as long as the batch
     */
    Estimate fold(Optional<EstimatorState> previous, Batch batch, EstimatorSettings settings, List<Vector3> siblings);

    /**
     * What the pair whose state this is does to its parent, in the form this estimator takes a
     * sibling's contribution off in {@link #fold}: the caller runs it over the pair's adjustments and
     * hands the sum over a pair's siblings to that pair's fold. The default, for an estimator that does
     * not take siblings into account, is empty.
     *
     * @param state a state this estimator wrote
     * @param settings the estimation settings of the pair whose state it is
     * @return the response, or empty while the state holds no model
     * @throws IllegalArgumentException if {@code state} was written by another estimator or an unknown
     *     format version
     * @since 1.1.0
     */
    default Optional<InputResponse> response(EstimatorState state, EstimatorSettings settings) {
        return Optional.empty();
    }
}
