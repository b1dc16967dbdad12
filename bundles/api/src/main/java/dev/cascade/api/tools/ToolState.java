package dev.cascade.api.tools;

import org.osgi.annotation.versioning.ProviderType;

/** Where a tool stands with the tool manager. */
@ProviderType
public enum ToolState {
    /** Admitted and running within its contract. */
    ACTIVE,
    /** Admitted, but slowed down because it exceeded its contract. */
    THROTTLED,
    /** Installed, not admitted: the node's remaining capacity does not cover its contract. */
    REJECTED,
    /** Bypassed after repeated faults or overruns, until an operator releases it. */
    QUARANTINED,
    /** Stopped by an operator. */
    STOPPED
}
