package dev.cascade.api.network;

import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's network as operators and monitoring see it, at one moment.
 *
 * @param transport the name of the transport in use (configured)
 * @param state the transport's health, {@link TransportState#OFFLINE} while it is absent
 * @param collected measurements recorded by the loop
 * @param overwritten measurements overwritten in a full ring buffer before they were batched
 * @param batchesCut batches cut from the ring buffers
 * @param batchesSent batches the transport accepted (first sends and re-sends from the spool)
 * @param spoolDepth batches waiting in the on-disk spool
 * @param spoolDropped batches dropped because the spool was full (the oldest go first) or unreadable
 * @param updatesReceived tensor updates received from the transport
 * @param updatesRejected updates the cache rejected
 * @param latencyLastMillis the last update latency, batch cut to tensor in use (NaN before the first)
 * @param latencyP99Millis the 99th percentile of the last 1000 update latencies (NaN before the first)
 */
@ProviderType
public record NetworkMetrics(
        String transport,
        TransportState state,
        long collected,
        long overwritten,
        long batchesCut,
        long batchesSent,
        long spoolDepth,
        long spoolDropped,
        long updatesReceived,
        long updatesRejected,
        double latencyLastMillis,
        double latencyP99Millis) {

    /** Checks that no component is null. */
    public NetworkMetrics {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(state, "state");
    }
}
