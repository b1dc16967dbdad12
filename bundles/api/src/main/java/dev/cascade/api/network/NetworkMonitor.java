package dev.cascade.api.network;

import dev.cascade.api.monitoring.Histogram;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Reports on the node's network: batching, transport, spool, update latency, and the local optimizer. */
@ProviderType
public interface NetworkMonitor {

    /** @return the network's metrics now */
    NetworkMetrics metrics();

    /** @return the optimizer's metrics now; empty when no optimizer runs on this node */
    Optional<OptimizerMetrics> optimizer();

    /**
     * The distribution of update latencies, batch cut to tensor in use, since the network started.
     *
     * <p>The default, for implementations that do not record a distribution, reports nothing recorded.
     *
     * @return a snapshot, in milliseconds
     * @since 1.0.0
     */
    default Histogram updateLatency() {
        return Histogram.empty("milliseconds");
    }
}
