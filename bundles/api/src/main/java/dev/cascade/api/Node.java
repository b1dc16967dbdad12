package dev.cascade.api;

import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The Cascade node this framework runs: its identity in a distributed deployment. Batches carry
 * {@link #id()} as their producer, updates as their source.
 */
@ProviderType
public interface Node {

    /** @return the node id, unique among the nodes sharing a transport; never empty */
    String id();

    /** @return the Cascade version this node runs, e.g. {@code 0.1.0} */
    String version();

    /** @return when the node's core started */
    Instant startedAt();
}
