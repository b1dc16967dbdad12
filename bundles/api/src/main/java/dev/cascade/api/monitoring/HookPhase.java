package dev.cascade.api.monitoring;

import org.osgi.annotation.versioning.ProviderType;

/** When an {@link AnalysisHook} runs. */
@ProviderType
public enum HookPhase {
    /** Before a batch is folded into its pair's estimation. */
    BEFORE,
    /** After a batch was folded, with the update it produced. */
    AFTER,
    /** Every {@link AnalysisHook#PERIOD_MS} milliseconds. */
    PERIODIC
}
