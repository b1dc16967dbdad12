package dev.cascade.api.monitoring;

import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.Batch;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What an {@link AnalysisHook} is called with.
 *
 * @param phase why it is called
 * @param batch the batch being processed ({@link HookPhase#BEFORE}, {@link HookPhase#AFTER})
 * @param update the update the batch produced ({@link HookPhase#AFTER})
 * @param time when the call was made, milliseconds since the epoch
 */
@ProviderType
public record Analysis(HookPhase phase, Optional<Batch> batch, Optional<TensorUpdate> update, long time) {}
