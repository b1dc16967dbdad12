package dev.cascade.api.monitoring;

import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * How the node's loop threads keep time.
 *
 * @param passes loop passes run (one pass runs every pair that is due)
 * @param cycleTime time one pass took, from its scheduled start to its end, in microseconds, since the loop
 *     started
 * @param lateness how late passes started against their absolute schedule, in microseconds
 * @param missedDeadlines cycle slots missed over all pairs
 */
@ProviderType
public record LoopMetrics(long passes, Histogram cycleTime, Histogram lateness, long missedDeadlines) {
    /** Checks that no component is null. */
    public LoopMetrics {
        Objects.requireNonNull(cycleTime, "cycleTime");
        Objects.requireNonNull(lateness, "lateness");
    }
}
