package dev.cascade.api.network;

import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One pair's measurements, counted where they pass on this node: recorded by the loop, cut into batches,
 * and folded by this node's optimizer. The optimizer's counts carry on over restarts of the optimizer (not
 * of its bundle). While nothing is in flight (the pair stopped, the ring empty, the spool drained) and this
 * node is the pair's only producer and its optimizer, {@code collected == overwritten + measurementsFolded}:
 * no measurement lost on the way, none folded twice.
 *
 * @param pair the pair id
 * @param collected measurements the loop recorded for the pair
 * @param overwritten of those, measurements overwritten in a full ring before they were batched
 * @param waiting measurements in the ring now, not yet cut into a batch
 * @param batchesCut batches cut from the pair's ring
 * @param measurementsCut measurements in those batches
 * @param batchesFolded batches of the pair (from every producer) folded by this node's optimizer
 * @param measurementsFolded measurements in those batches
 * @param duplicates batches of the pair recognised as already folded, and skipped
 * @since 1.1.0
 */
@ProviderType
public record PairAccount(
        String pair,
        long collected,
        long overwritten,
        long waiting,
        long batchesCut,
        long measurementsCut,
        long batchesFolded,
        long measurementsFolded,
        long duplicates) {

    /** Checks that the pair id is there. */
    public PairAccount {
        Objects.requireNonNull(pair, "pair");
    }
}
