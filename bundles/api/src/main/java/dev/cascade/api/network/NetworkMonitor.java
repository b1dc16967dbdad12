package dev.cascade.api.network;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Reports on the node's network: batching, transport, spool, update latency, and the local optimizer. */
@ProviderType
public interface NetworkMonitor {

    /** @return the network's metrics now */
    NetworkMetrics metrics();

    /** @return the optimizer's metrics now; empty when no optimizer runs on this node */
    Optional<OptimizerMetrics> optimizer();
}
