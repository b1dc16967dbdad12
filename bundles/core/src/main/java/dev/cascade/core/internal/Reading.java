package dev.cascade.core.internal;

import dev.cascade.api.domain.DomainReading;
import dev.cascade.api.domain.Quality;

/** The reusable record a domain adapter fills in; one per pair and side, owned by the loop thread. */
final class Reading implements DomainReading {

    final double[] state = new double[3];
    final int[] saturation = new int[3];
    Quality quality;
    long timestamp;

    /** Clears the record before a read: no state, GOOD, stamped now, no saturation. */
    void reset(long nowMillis) {
        state[0] = Double.NaN;
        state[1] = Double.NaN;
        state[2] = Double.NaN;
        saturation[0] = 0;
        saturation[1] = 0;
        saturation[2] = 0;
        quality = Quality.GOOD;
        timestamp = nowMillis;
    }

    @Override
    public void state(double x, double y, double z) {
        state[0] = x;
        state[1] = y;
        state[2] = z;
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
        if (axis >= 0 && axis < 3) {
            saturation[axis] = Integer.signum(direction);
        }
    }
}
