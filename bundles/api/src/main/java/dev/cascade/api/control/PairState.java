package dev.cascade.api.control;

import org.osgi.annotation.versioning.ProviderType;

/** The lifecycle state of a pair. */
@ProviderType
public enum PairState {
    /** Configured, but its parent or child domain is not (yet) there. */
    WAITING,
    /** Closing the loop every cycle. */
    RUNNING,
    /** Running but holding its output (stale parent data, or confidence below the floor). */
    HOLDING,
    /** Rejected configuration or removed; the reason says which. */
    STOPPED
}
