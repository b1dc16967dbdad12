package dev.cascade.api.control;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Receives every completed cycle from the loop. Implemented by Cascade's network (a ring buffer per
 * pair that is cut into batches off the loop thread).
 */
@ProviderType
public interface MeasurementCollector {

    /**
     * Records one cycle. Called on the loop thread: cheap, allocation-free, never blocking; when the
     * buffer is full the oldest entry is overwritten and counted.
     */
    void collect(MeasurementView measurement);
}
