package dev.cascade.api.network;

import dev.cascade.api.estimation.TensorUpdate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Carries batches from controllers to optimizers and tensor updates from optimizers to every node.
 * Cascade ships {@code inproc} (the embedded default) and {@code kafka}; the node uses the one its
 * configuration names by {@link #NAME}.
 *
 * <p>Batches and updates are keyed by pair, so a transport may partition by pair; updates of a pair carry
 * increasing versions, so a receiver can drop an older one.
 */
@ConsumerType
public interface Transport {

    /** Service property (String): the transport's name, e.g. {@code inproc}, {@code kafka}. */
    String NAME = "cascade.transport.name";

    /**
     * Sends a batch to the optimizers. Never blocks the caller.
     *
     * @return completes when the transport has accepted the batch durably, or fails
     */
    CompletionStage<Void> send(Batch batch);

    /**
     * Publishes a tensor update to every node. Never blocks the caller.
     *
     * @return completes when the update is accepted, or fails
     */
    CompletionStage<Void> publish(TensorUpdate update);

    /**
     * Subscribes an optimizer to the batches this node should fold.
     *
     * @return closing it ends the subscription
     */
    AutoCloseable subscribeBatches(Consumer<Batch> receiver);

    /**
     * Subscribes to every tensor update (for the cache and the loop).
     *
     * @return closing it ends the subscription
     */
    AutoCloseable subscribeUpdates(Consumer<TensorUpdate> receiver);

    /** @return the transport's current health */
    TransportState state();

    /**
     * Sends a {@link TensorReset} request to the optimizer that estimates its pair, ordered with the pair's
     * batches. Never blocks the caller. A transport written before resets existed does not carry them.
     *
     * @return completes when the transport has accepted the request, or fails
     * @since 1.1.0
     */
    default CompletionStage<Void> sendReset(TensorReset request) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException("transport " + getClass().getName() + " does not carry resets"));
    }

    /**
     * Subscribes an optimizer to the reset requests for the pairs it estimates.
     *
     * @return closing it ends the subscription
     * @since 1.1.0
     */
    default AutoCloseable subscribeResetRequests(Consumer<TensorReset> receiver) {
        return () -> {};
    }

    /**
     * Publishes a reset, with the version the optimizer assigned, to every node, ordered with the pair's
     * updates. Never blocks the caller.
     *
     * @return completes when the reset is accepted, or fails
     * @since 1.1.0
     */
    default CompletionStage<Void> publishReset(TensorReset reset) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException("transport " + getClass().getName() + " does not carry resets"));
    }

    /**
     * Subscribes to every published reset (for the cache and the loop).
     *
     * @return closing it ends the subscription
     * @since 1.1.0
     */
    default AutoCloseable subscribeResets(Consumer<TensorReset> receiver) {
        return () -> {};
    }
}
