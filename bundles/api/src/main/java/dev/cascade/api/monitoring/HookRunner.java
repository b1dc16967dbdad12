package dev.cascade.api.monitoring;

import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.Batch;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs the {@link AnalysisHook}s of phases {@link HookPhase#BEFORE} and {@link HookPhase#AFTER} for whoever
 * processes batches (the optimizer). Provided by monitoring; a processor that finds no runner simply runs
 * no hooks. Both methods only hand the call over: they return at once and never wait on a hook, whatever it
 * does.
 *
 * @since 1.0.0
 */
@ProviderType
public interface HookRunner {

    /** Hands {@code batch} to every admitted {@link HookPhase#BEFORE} hook, before it is folded. */
    void before(Batch batch);

    /**
     * Hands {@code batch}, once folded, and the update it produced (empty while the estimator has no model
     * yet) to every admitted {@link HookPhase#AFTER} hook.
     */
    void after(Batch batch, Optional<TensorUpdate> update);
}
