package dev.cascade.demo.internal;

import dev.cascade.api.domain.DomainReading;
import dev.cascade.api.domain.Quality;

/** A {@link DomainReading} that keeps what an adapter wrote, as the loop's reusable record does. */
final class RecordingReading implements DomainReading {

    final double[] state = new double[3];
    final int[] saturation = new int[3];
    Quality quality;
    long timestamp = -1;

    @Override
    public void state(double x, double y, double z) {
        state[0] = x;
        state[1] = y;
        state[2] = z;
    }

    @Override
    public void quality(Quality quality) {
        this.quality = quality;
    }

    @Override
    public void timestamp(long epochMillis) {
        this.timestamp = epochMillis;
    }

    @Override
    public void saturated(int axis, int direction) {
        saturation[axis] = direction;
    }
}
