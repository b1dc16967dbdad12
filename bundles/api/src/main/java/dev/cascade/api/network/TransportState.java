package dev.cascade.api.network;

import org.osgi.annotation.versioning.ProviderType;

/** The health of a transport, as operators see it. */
@ProviderType
public enum TransportState {
    /** Sending and receiving normally. */
    CONNECTED,
    /** Reachable but slow or partly failing; batches may spool. */
    DEGRADED,
    /** Unreachable; the loop runs on cached tensors and batches spool to disk. */
    OFFLINE
}
