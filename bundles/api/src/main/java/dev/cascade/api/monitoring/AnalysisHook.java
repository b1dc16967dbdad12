package dev.cascade.api.monitoring;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Analysis contributed as a whiteboard service, run before processing, after processing, or
 * periodically ({@link #PHASE}). Each call runs off the loop thread under a time budget ({@link
 * #BUDGET_MS}); a hook that overruns or throws is counted and, if it keeps doing so, quarantined.
 */
@ConsumerType
public interface AnalysisHook {

    /** Service property (String): {@code before}, {@code after} or {@code periodic}. */
    String PHASE = "cascade.hook.phase";

    /** Service property (Long): the period of a periodic hook, in milliseconds. */
    String PERIOD_MS = "cascade.hook.periodMs";

    /** Service property (Long): the time budget of one call, in milliseconds. */
    String BUDGET_MS = "cascade.hook.budgetMs";

    /** Runs the analysis. */
    void analyse(Analysis analysis);
}
