package dev.cascade.api.monitoring;

import dev.cascade.api.tensor.Vector3;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One point of a pair's history, sampled by monitoring.
 *
 * @param time when, milliseconds since the epoch
 * @param error the error then
 * @param adjustment the last adjustment applied then
 * @param confidence the confidence then
 * @param rmsError the windowed RMS error then
 */
@ProviderType
public record PairSample(long time, Vector3 error, Vector3 adjustment, double confidence, double rmsError) {
    /** Checks that no component is null. */
    public PairSample {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(adjustment, "adjustment");
    }
}
