package dev.cascade.api.network;

import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An operator's order that a pair's estimation start over: the optimizer that estimates the pair forgets
 * its estimator state, every node's {@link TensorCache} drops the pair's tensor, and the loop goes back to
 * the pair's configured initial tensor (or, with none, to learning from scratch), bumplessly.
 *
 * <p>It travels in two legs, each keyed by pair like the traffic it is ordered with: as a request beside
 * the batches ({@link Transport#sendReset}, version 0), to the optimizer, which is the only writer of the
 * pair's updates; then from the optimizer beside the updates ({@link Transport#publishReset}) with the
 * version it assigns, above every update it published before. A cache that applied a reset refuses
 * updates of that version or older, so an update published before the reset cannot bring the old tensor
 * back. A Kafka transport can carry the second leg as a record on the compacted update topic.
 *
 * @param pair the pair id
 * @param version 0 on the request; the version the optimizer assigned once published
 * @param source the id of the node that requested it
 * @param requested when it was requested, milliseconds since the epoch
 * @since 1.1.0
 */
@ProviderType
public record TensorReset(String pair, long version, String source, long requested) {

    /** Checks that no component is null and the version is not negative. */
    public TensorReset {
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(source, "source");
        if (version < 0) {
            throw new IllegalArgumentException("reset of pair " + pair + ": version " + version + " is negative");
        }
    }

    /**
     * @param assigned the version the optimizer gives it
     * @return this reset with that version, to publish
     */
    public TensorReset withVersion(long assigned) {
        return new TensorReset(pair, assigned, source, requested);
    }
}
