package dev.cascade.core.internal;

import dev.cascade.api.monitoring.Histogram;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Turns an HdrHistogram into the API's {@link Histogram}. A copy of the same small class lives in the
 * network bundle: only the API is shared between bundles, and the API does not depend on HdrHistogram.
 */
final class HdrSnapshots {

    /** Bucket bounds in microseconds (1 us to 1 s, 1-2-5 steps, then everything above). */
    static final double[] MICROSECOND_BOUNDS = {
        1,
        2,
        5,
        10,
        20,
        50,
        100,
        200,
        500,
        1_000,
        2_000,
        5_000,
        10_000,
        20_000,
        50_000,
        100_000,
        200_000,
        500_000,
        1_000_000,
        Double.POSITIVE_INFINITY
    };

    private HdrSnapshots() {}

    /**
     * @param h the recorded values
     * @param divisor what one unit of {@code unit} is in recorded values (1000 for nanoseconds recorded,
     *     microseconds shown)
     * @param unit the unit of the result
     * @param bounds ascending bucket bounds in {@code unit}, the last one {@code +Inf}
     */
    static Histogram of(org.HdrHistogram.Histogram h, double divisor, String unit, double[] bounds) {
        long count = h.getTotalCount();
        if (count == 0) {
            return Histogram.empty(unit);
        }
        long[] counts = new long[bounds.length];
        for (HistogramIterationValue v : h.recordedValues()) {
            // the lowest value of the histogram's bin: a value recorded exactly at a bound stays in its bucket
            // (bucket edges are as exact as the histogram's two significant digits)
            double value = h.lowestEquivalentValue(v.getValueIteratedTo()) / divisor;
            int i = 0;
            while (i < bounds.length - 1 && value > bounds[i]) {
                i++;
            }
            counts[i] += v.getCountAddedInThisIterationStep();
        }
        List<Histogram.Bucket> buckets = new ArrayList<>(bounds.length);
        for (int i = 0; i < bounds.length; i++) {
            buckets.add(new Histogram.Bucket(bounds[i], counts[i]));
        }
        return new Histogram(
                unit,
                count,
                h.getMean() / divisor,
                h.getMaxValue() / divisor,
                h.getValueAtPercentile(50) / divisor,
                h.getValueAtPercentile(90) / divisor,
                h.getValueAtPercentile(99) / divisor,
                h.getValueAtPercentile(99.9) / divisor,
                buckets);
    }
}
