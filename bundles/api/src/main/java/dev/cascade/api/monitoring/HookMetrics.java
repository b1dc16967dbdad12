package dev.cascade.api.monitoring;

import dev.cascade.api.tools.ToolState;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One analysis hook as monitoring runs it.
 *
 * @param name the hook's tool name
 * @param phase when it runs
 * @param budgetMillis its time budget per call
 * @param calls calls started
 * @param overruns calls cut off because they ran past the budget
 * @param faults calls that threw
 * @param skipped calls not made because the previous call had not ended
 * @param state its state as the tool manager keeps it
 */
@ProviderType
public record HookMetrics(
        String name,
        HookPhase phase,
        long budgetMillis,
        long calls,
        long overruns,
        long faults,
        long skipped,
        ToolState state) {
    /** Checks that no component is null. */
    public HookMetrics {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(state, "state");
    }
}
