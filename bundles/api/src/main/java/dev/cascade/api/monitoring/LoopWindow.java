package dev.cascade.api.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * How the node's loop threads kept time over a recent window: the loop cuts its timing into intervals of
 * about a second and keeps the last minute of them, so a reader sees the distributions of just that window
 * (as a Prometheus summary's sliding window), not everything since the loop started.
 *
 * @param start when the window's first interval began
 * @param end when its last interval ended (the window holds only whole, ended intervals)
 * @param cycleTime time each pass of the window took, from its actual start to its end, in microseconds; its
 *     count is the passes the window holds
 * @param lateness how late each pass of the window started against its absolute schedule, in microseconds
 * @since 1.1.0
 */
@ProviderType
public record LoopWindow(Instant start, Instant end, Histogram cycleTime, Histogram lateness) {

    /** The longest window the loop keeps. */
    public static final int MAX_SECONDS = 60;

    /**
     * How far back the loop keeps its intervals for pooling chosen ones ({@code ControlLoop.loop(Duration,
     * Predicate)}): longer than {@link #MAX_SECONDS}, so that conditions alternating over a few minutes can
     * be pooled.
     *
     * @since 1.2.0
     */
    public static final int MAX_POOLED_SECONDS = 300;

    /** Checks that no component is null and that the window does not end before it starts. */
    public LoopWindow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(cycleTime, "cycleTime");
        Objects.requireNonNull(lateness, "lateness");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("a window cannot end (" + end + ") before it starts (" + start + ")");
        }
    }

    /**
     * @param at when
     * @return a window with nothing recorded, starting and ending at {@code at}
     */
    public static LoopWindow empty(Instant at) {
        return new LoopWindow(at, at, Histogram.empty("microseconds"), Histogram.empty("microseconds"));
    }

    /**
     * Checks a requested window length.
     *
     * @param last the requested length
     * @return the whole seconds it spans, rounded up, 1 to {@link #MAX_SECONDS}
     * @throws IllegalArgumentException if {@code last} is not positive or longer than {@link #MAX_SECONDS}
     */
    public static int seconds(Duration last) {
        return seconds(last, MAX_SECONDS);
    }

    /**
     * Checks a requested reach for pooling.
     *
     * @param last the requested length
     * @return the whole seconds it spans, rounded up, 1 to {@link #MAX_POOLED_SECONDS}
     * @throws IllegalArgumentException if {@code last} is not positive or longer than {@link #MAX_POOLED_SECONDS}
     * @since 1.2.0
     */
    public static int pooledSeconds(Duration last) {
        return seconds(last, MAX_POOLED_SECONDS);
    }

    private static int seconds(Duration last, int max) {
        Objects.requireNonNull(last, "last");
        if (last.isNegative() || last.isZero() || last.compareTo(Duration.ofSeconds(max)) > 0) {
            throw new IllegalArgumentException(
                    "window " + last + " is not valid; use more than 0 s and at most " + max + " s");
        }
        long millis = last.toMillis();
        return (int) Math.max(1, (millis + 999) / 1000);
    }
}
