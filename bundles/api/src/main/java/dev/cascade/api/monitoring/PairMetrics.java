package dev.cascade.api.monitoring;

import dev.cascade.api.control.PairStatus;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.util.Objects;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One pair as monitoring sees it.
 *
 * @param status the loop's snapshot of the pair (error, RMS, integral of absolute error, adjustment,
 *     confidence, tensor version, cycles, missed deadlines)
 * @param tensor the controller tensor {@code T} in use
 * @param gain the estimated plant gain {@code G}, once an update arrived
 * @param timeConstants the identified time constants in seconds, once an update arrived
 */
@ProviderType
public record PairMetrics(PairStatus status, Matrix3 tensor, Optional<Matrix3> gain, Optional<Vector3> timeConstants) {
    /** Checks that no component is null. */
    public PairMetrics {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(gain, "gain");
        Objects.requireNonNull(timeConstants, "timeConstants");
    }

    /** @return the pair id */
    public String id() {
        return status.id();
    }
}
