package dev.cascade.api.network;

import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The optimizer running on this node, at one moment. The counts are the node's since the network bundle
 * started: they carry on when the optimizer component is stopped and started again.
 *
 * @param estimator the name of the estimator it folds with (configured)
 * @param running true while it is subscribed to batches (its transport and estimator are present)
 * @param batchesFolded batches folded into an estimator
 * @param measurementsFolded measurements in those batches
 * @param duplicates batches recognised by (pair, producer, sequence) as already folded, and skipped
 * @param failures batches that could not be folded (unknown pair, estimator error)
 * @param updatesPublished tensor updates published
 */
@ProviderType
public record OptimizerMetrics(
        String estimator,
        boolean running,
        long batchesFolded,
        long measurementsFolded,
        long duplicates,
        long failures,
        long updatesPublished) {

    /** Checks that no component is null. */
    public OptimizerMetrics {
        Objects.requireNonNull(estimator, "estimator");
    }
}
