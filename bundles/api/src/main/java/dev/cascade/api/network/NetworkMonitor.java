package dev.cascade.api.network;

import dev.cascade.api.monitoring.Histogram;
import java.util.List;
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
     * @return per pair, its measurements counted from the loop to the optimizer, sorted by pair id; empty
     *     from an implementation that keeps no such accounts
     * @since 1.1.0
     */
    default List<PairAccount> accounts() {
        return List.of();
    }

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
