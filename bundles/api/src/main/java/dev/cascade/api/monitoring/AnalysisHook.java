package dev.cascade.api.monitoring;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Analysis contributed as a whiteboard service, run before processing, after processing, or
 * periodically ({@link #PHASE}). Each call runs off the loop thread under a time budget ({@link
 * #BUDGET_MS}); a hook that overruns or throws is counted and, if it keeps doing so, quarantined.
 *
 * <p>How calls are made: each hook has a thread of its own in the hook runner, and at most one call in
 * flight. A call still running when its budget ends is cut off (its thread is interrupted, so a hook
 * should return when interrupted) and counted as an overrun; a call due while the previous one still runs
 * is skipped and counted. Overruns and throws are reported to the tool manager as faults, which
 * quarantines a hook that keeps faulting; a quarantined hook is not called. Neither the loop nor the
 * optimizer ever waits on a hook.
 */
@ConsumerType
public interface AnalysisHook {

    /** Service property (String): {@code before}, {@code after} or {@code periodic}. */
    String PHASE = "cascade.hook.phase";

    /**
     * Service property (Long): the period of a periodic hook, in milliseconds; {@link #DEFAULT_PERIOD_MS}
     * when absent.
     */
    String PERIOD_MS = "cascade.hook.periodMs";

    /** Service property (Long): the time budget of one call, in milliseconds; {@link #DEFAULT_BUDGET_MS} when absent. */
    String BUDGET_MS = "cascade.hook.budgetMs";

    /**
     * The period of a periodic hook that declares none, in milliseconds.
     *
     * @since 1.0.0
     */
    long DEFAULT_PERIOD_MS = 1000;

    /**
     * The budget of a hook that declares none, in milliseconds.
     *
     * @since 1.0.0
     */
    long DEFAULT_BUDGET_MS = 100;

    /** Runs the analysis. */
    void analyse(Analysis analysis);
}
