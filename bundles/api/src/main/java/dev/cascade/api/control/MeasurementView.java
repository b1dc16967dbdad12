package dev.cascade.api.control;

import dev.cascade.api.domain.Quality;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A read-only, primitive view of the cycle just completed, handed to the {@link MeasurementCollector}
 * without allocating. Valid only during the call; {@link Measurement#of(MeasurementView)} copies it.
 */
@ProviderType
public interface MeasurementView {

    /** @return the pair id */
    String pair();

    /** @return when the parent was measured, milliseconds since the epoch */
    long timestamp();

    /** @return the parent's state on {@code axis} */
    double parent(int axis);

    /** @return the error on {@code axis} */
    double error(int axis);

    /** @return the adjustment applied to the child on {@code axis} */
    double adjustment(int axis);

    /** @return the quality of the parent reading */
    Quality quality();
}
