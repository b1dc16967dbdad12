package dev.cascade.api.monitoring;

import java.util.List;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A distribution of recorded values at one moment (recorded with HdrHistogram by the part that measures).
 *
 * @param unit the unit of every value here, e.g. {@code microseconds}, {@code milliseconds}
 * @param count values recorded
 * @param mean their mean (NaN when none)
 * @param max the largest (NaN when none)
 * @param p50 the median (NaN when none)
 * @param p90 the 90th percentile (NaN when none)
 * @param p99 the 99th percentile (NaN when none)
 * @param p999 the 99.9th percentile (NaN when none)
 * @param buckets counts per bucket, ascending, for plotting; each counts the values above the previous
 *     bucket's bound up to and including its own
 */
@ProviderType
public record Histogram(
        String unit,
        long count,
        double mean,
        double max,
        double p50,
        double p90,
        double p99,
        double p999,
        List<Bucket> buckets) {

    /**
     * One bucket of a {@link Histogram}.
     *
     * @param upTo the bucket's upper bound, inclusive, in the histogram's unit
     * @param count values in the bucket
     */
    public record Bucket(double upTo, long count) {}

    /** Checks the unit and copies the buckets. */
    public Histogram {
        Objects.requireNonNull(unit, "unit");
        buckets = List.copyOf(buckets);
    }

    /**
     * @param unit the unit
     * @return a histogram with nothing recorded
     */
    public static Histogram empty(String unit) {
        return new Histogram(
                unit, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, List.of());
    }
}
