package dev.cascade.core.internal;

import dev.cascade.api.domain.DomainReading;
import dev.cascade.api.domain.Quality;

/**
 * The reusable record a domain adapter fills in; one per pair, owned by the loop thread, used for the
 * parent's read and then for the child's. Plain fields: one small object, no arrays.
 */
final class Reading implements DomainReading {

    double s0, s1, s2;
    int sat0, sat1, sat2;
    Quality quality;
    long timestamp;

    /** Clears what the loop takes from the parent's read: no state, GOOD, stamped now. */
    void resetState(long nowMillis) {
        s0 = Double.NaN;
        s1 = Double.NaN;
        s2 = Double.NaN;
        quality = Quality.GOOD;
        timestamp = nowMillis;
    }

    /** Clears what the loop takes from the child's read: no saturation. */
    void resetSaturation() {
        sat0 = 0;
        sat1 = 0;
        sat2 = 0;
    }

    @Override
    public void state(double x, double y, double z) {
        s0 = x;
        s1 = y;
        s2 = z;
    }

    @Override
    public void quality(Quality quality) {
        this.quality = quality == null ? Quality.BAD : quality;
    }

    @Override
    public void timestamp(long epochMillis) {
        this.timestamp = epochMillis;
    }

    @Override
    public void saturated(int axis, int direction) {
        switch (axis) {
            case 0 -> sat0 = Integer.signum(direction);
            case 1 -> sat1 = Integer.signum(direction);
            case 2 -> sat2 = Integer.signum(direction);
            default -> {
                // no such axis: ignored, as documented on DomainReading
            }
        }
    }
}
