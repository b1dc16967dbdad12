package dev.cascade.api.network;

import dev.cascade.api.estimation.TensorUpdate;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Keeps, per pair, the last valid tensor with its confidence, persisted so that a restarted node resumes
 * with its last good tensors. Updates from the transport go in through {@link #store}; the loop follows
 * {@link #subscribe}.
 */
@ProviderType
public interface TensorCache {

    /**
     * Checks an update against the pair's current tensor: finite, norm and condition within limits,
     * version newer, change in one step within limits, not too old.
     *
     * @return why the update would be rejected; empty when it is valid
     */
    Optional<String> validate(TensorUpdate update);

    /**
     * Validates and keeps an update, persists it and notifies the subscribers. A rejected update is
     * logged and counted; the previous tensor stays.
     *
     * @return true if the update was accepted
     */
    boolean store(TensorUpdate update);

    /** @return the pair's tensor with its confidence now, if the cache has one */
    Optional<CachedTensor> retrieve(String pair);

    /** @return every pair's tensor with its confidence now, sorted by pair id */
    List<CachedTensor> all();

    /** @return how many updates were rejected since the cache started */
    long rejected();

    /**
     * Calls {@code listener} with every accepted tensor, on the thread that stored it. It is not called
     * for the tensors already held; {@link #all()} gives those.
     *
     * @return closing it ends the subscription
     */
    AutoCloseable subscribe(Consumer<CachedTensor> listener);

    /**
     * Applies a published {@link TensorReset}: drops the pair's tensor (also from disk) and from then on
     * refuses the pair's updates of the reset's version or older; notifies the reset subscribers. A reset
     * older than the pair's tensor is ignored. (A default method only so that caches written before
     * resets existed keep compiling; Cascade's cache implements it.)
     *
     * @return true if the reset was applied
     * @throws UnsupportedOperationException if this cache does not support resets
     * @since 1.1.0
     */
    default boolean reset(TensorReset reset) {
        throw new UnsupportedOperationException("cache " + getClass().getName() + " does not support resets");
    }

    /**
     * Calls {@code listener} with every reset applied, on the thread that applied it, after the tensor was
     * dropped.
     *
     * @return closing it ends the subscription
     * @since 1.1.0
     */
    default AutoCloseable subscribeResets(Consumer<TensorReset> listener) {
        return () -> {};
    }
}
