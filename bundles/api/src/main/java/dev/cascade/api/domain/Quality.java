package dev.cascade.api.domain;

import org.osgi.annotation.versioning.ProviderType;

/** How far a domain reading can be trusted. */
@ProviderType
public enum Quality {
    /** A fresh, valid reading. */
    GOOD,
    /** Valid but doubtful (e.g. a sensor near its range limit); the loop uses it with care. */
    UNCERTAIN,
    /** Not usable; the pair applies its stale policy. */
    BAD
}
