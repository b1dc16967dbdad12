package dev.cascade.api.domain;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Reaches one domain: reads its 3-dimensional state and applies adjustments to its actuators. Register
 * it as a service with the property {@link #DOMAIN_ID}; pairs name their parent and child by that id.
 *
 * <p>Both methods are called on the loop thread at the pair's rate: they must return quickly and not
 * allocate on every call. An adapter that throws is counted as a fault and the pair applies its stale
 * policy; the loop goes on.
 */
@ConsumerType
public interface DomainAdapter {

    /** Service property: the domain's id (a String), unique on the node. */
    String DOMAIN_ID = "cascade.domain.id";

    /** Service property: which axes the domain has, a bit mask (bit 0 = x); default {@code 0b111}. */
    String AXIS_MASK = "cascade.domain.axes";

    /**
     * Reads the current state into {@code reading}.
     *
     * @param reading the loop's reusable record, reset before each call
     */
    void read(DomainReading reading);

    /**
     * Applies an adjustment as an increment: each actuator adds its component to its current setting
     * (velocity form), so the loop has integral action.
     */
    void apply(double dx, double dy, double dz);
}
