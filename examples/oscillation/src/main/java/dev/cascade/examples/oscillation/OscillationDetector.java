package dev.cascade.examples.oscillation;

/**
 * Finds a sustained oscillation in one pair's error. Each axis has a band {@code [-b, b]} around 0; a
 * crossing is counted when the error leaves the band on the side opposite to where it last left it (a
 * Schmitt trigger), so noise inside the band never counts. The axis oscillates when its last {@code n}
 * crossings all lie within the window: that is {@code n / 2} periods of a swing larger than the band.
 * Not thread-safe: one detector per pair, fed from one thread.
 */
final class OscillationDetector {

    private final double[] band;
    private final long windowMillis;
    private final int minCrossings;

    private final int[] side = new int[3];
    private final long[][] crossingTimes;
    private final double[][] halfCyclePeaks;
    private final int[] crossings = new int[3];
    private final double[] peak = new double[3];

    OscillationDetector(double[] band, long windowMillis, int minCrossings) {
        this.band = band.clone();
        this.windowMillis = windowMillis;
        this.minCrossings = minCrossings;
        this.crossingTimes = new long[3][minCrossings];
        this.halfCyclePeaks = new double[3][minCrossings];
    }

    /**
     * Takes one sample of the error.
     *
     * @return the first axis (0, 1, 2) found oscillating at {@code millis}, or -1 if none is
     */
    int sample(long millis, double ex, double ey, double ez) {
        observe(0, millis, ex);
        observe(1, millis, ey);
        observe(2, millis, ez);
        for (int axis = 0; axis < 3; axis++) {
            if (oscillating(axis, millis)) {
                return axis;
            }
        }
        return -1;
    }

    private void observe(int axis, long millis, double e) {
        if (!Double.isFinite(e)) {
            return;
        }
        peak[axis] = Math.max(peak[axis], Math.abs(e));
        int now = e > band[axis] ? 1 : e < -band[axis] ? -1 : 0;
        if (now == 0 || now == side[axis]) {
            return;
        }
        if (side[axis] != 0) {
            int slot = crossings[axis] % minCrossings;
            crossingTimes[axis][slot] = millis;
            // the swing that just ended; the next one starts from this sample
            halfCyclePeaks[axis][slot] = peak[axis];
            crossings[axis]++;
        }
        peak[axis] = Math.abs(e);
        side[axis] = now;
    }

    boolean oscillating(int axis, long millis) {
        int n = crossings[axis];
        if (n < minCrossings) {
            return false;
        }
        long oldest = crossingTimes[axis][n % minCrossings];
        return millis - oldest <= windowMillis;
    }

    /** @return the mean peak of the error over the last crossings' half-cycles on {@code axis} */
    double amplitude(int axis) {
        int stored = Math.min(crossings[axis], minCrossings);
        double sum = 0;
        for (int i = 0; i < stored; i++) {
            sum += halfCyclePeaks[axis][i];
        }
        return stored == 0 ? 0 : sum / stored;
    }

    /** @return the period implied by the last crossings on {@code axis}, in seconds (NaN before enough) */
    double periodSeconds(int axis) {
        int n = crossings[axis];
        if (n < minCrossings) {
            return Double.NaN;
        }
        long oldest = crossingTimes[axis][n % minCrossings];
        long newest = crossingTimes[axis][(n - 1) % minCrossings];
        // n crossings span n - 1 half periods
        return 2.0 * (newest - oldest) / (minCrossings - 1) / 1000.0;
    }
}
