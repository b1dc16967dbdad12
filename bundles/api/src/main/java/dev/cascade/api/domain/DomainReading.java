package dev.cascade.api.domain;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The reusable record a {@link DomainAdapter} fills in on every cycle. The loop owns it and hands the
 * same instance in each time, so reading a domain allocates nothing. Fields the adapter does not set keep
 * their defaults: quality {@link Quality#GOOD}, timestamp = the time of the read, no saturation.
 */
@ProviderType
public interface DomainReading {

    /** Sets the state, one value per axis; a masked axis may be left at 0. */
    void state(double x, double y, double z);

    /** Sets the quality of this reading. */
    void quality(Quality quality);

    /** Sets when the state was observed, in milliseconds since the epoch. */
    void timestamp(long epochMillis);

    /**
     * Reports that an actuator axis is saturated, so the loop stops integrating further into it
     * (anti-windup).
     *
     * @param axis 0, 1 or 2
     * @param direction {@code +1} at the upper limit, {@code -1} at the lower limit, {@code 0} free
     */
    void saturated(int axis, int direction);
}
