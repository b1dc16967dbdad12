package dev.cascade.api.monitoring;

import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * How the node's loop threads keep time.
 *
 * @param passes loop passes run (one pass runs every pair that is due)
 * @param cycleTime time each pass's work took, from its actual start to its end, in microseconds, since the
 *     loop started (how late it started is {@code lateness}; {@link dev.cascade.api.control.ControlLoop#loop(java.time.Duration)} gives
 *     both over a recent window)
 * @param lateness how late passes started against their absolute schedule (actual start minus scheduled
 *     start), in microseconds, since the loop started
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
