package dev.cascade.api.control;

import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.monitoring.Histogram;
import dev.cascade.api.monitoring.LoopMetrics;
import dev.cascade.api.monitoring.LoopWindow;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's control loop, as operators and tools see it. Pairs themselves are defined through Config
 * Admin factory configurations; this service reports on them and accepts live setpoint changes.
 */
@ProviderType
public interface ControlLoop {

    /** @return every configured pair, sorted by id */
    List<PairStatus> pairs();

    /** @return the pair with that id, if configured */
    Optional<PairStatus> pair(String id);

    /**
     * Changes a pair's setpoint, bumplessly.
     *
     * @throws IllegalArgumentException if no such pair exists or a component is not finite
     */
    void setpoint(String id, Vector3 setpoint);

    /**
     * @return the controller tensor {@code T} the pair with that id uses now, if such a pair is configured on
     *     this node
     */
    Optional<Matrix3> tensor(String id);

    /**
     * @return how the pair with that id is to be estimated (dead time, forgetting factor, cycle time),
     *     if such a pair is configured on this node
     * @since 1.0.0
     */
    Optional<EstimatorSettings> estimatorSettings(String id);

    /**
     * How the loop keeps time: per pass (one pass runs every pair that is due) its cycle time (the pass's
     * work, from its actual start to its end) and its lateness (actual start minus scheduled start), recorded since the loop started, and the deadlines missed
     * over all pairs. The loop records without allocating or locking; readers pay for the snapshot.
     *
     * <p>The default, for implementations that do not measure, reports nothing recorded.
     *
     * @return a snapshot of the loop's timing
     * @since 1.0.0
     */
    default LoopMetrics loop() {
        long missed = 0;
        for (PairStatus p : pairs()) {
            missed += p.missedDeadlines();
        }
        return new LoopMetrics(0, Histogram.empty("microseconds"), Histogram.empty("microseconds"), missed);
    }

    /**
     * How the loop kept time over a recent window: the same distributions as {@link #loop()}, but of the
     * passes in the last {@code last} only. The loop cuts its timing into intervals of about a second and
     * keeps the last {@link LoopWindow#MAX_SECONDS} of them; the window is the newest {@code last} (in whole
     * seconds, rounded up) of the intervals that have ended, with their actual start and end, so two readers
     * can line windows up against what happened in between. Percentiles keep the recording's precision
     * (HdrHistogram, 2 significant digits).
     *
     * <p>The default, for implementations that do not measure, reports nothing recorded.
     *
     * @param last how far back, more than 0 and at most {@link LoopWindow#MAX_SECONDS} seconds
     * @return the loop's timing over that window (shorter while the loop has run less than {@code last})
     * @throws IllegalArgumentException if {@code last} is not positive or longer than a minute
     * @since 1.1.0
     */
    default LoopWindow loop(Duration last) {
        LoopWindow.seconds(last);
        return LoopWindow.empty(Instant.now());
    }

    /**
     * The loop's timing pooled over chosen intervals of the last few minutes: as {@link #loop(Duration)}, but
     * of the passes of only those of the newest {@code last} intervals whose start {@code include} accepts,
     * reaching back up to {@link LoopWindow#MAX_POOLED_SECONDS}. For
     * comparing conditions that alternate in time (with and without a tool, say) on the same loop: pooling
     * the intervals of each condition lets slow drift of the machine fall on both alike, and the percentiles
     * are those of the pooled passes, not averages of per-interval percentiles.
     *
     * <p>The default, for implementations that do not measure, reports nothing recorded.
     *
     * @param last how far back, more than 0 and at most {@link LoopWindow#MAX_POOLED_SECONDS} seconds
     * @param include which intervals to pool, by their start ({@link LoopWindow#start()} of a one-second window)
     * @return the pooled timing; its start is the first pooled interval's start and its end the last one's
     *     end (an empty window at the end of the newest interval when none is accepted)
     * @throws IllegalArgumentException if {@code last} is not positive or longer than {@link
     *     LoopWindow#MAX_POOLED_SECONDS}
     * @since 1.2.0
     */
    default LoopWindow loop(Duration last, Predicate<Instant> include) {
        LoopWindow.pooledSeconds(last);
        java.util.Objects.requireNonNull(include, "include");
        return LoopWindow.empty(Instant.now());
    }
}
