package dev.cascade.api.tools;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A tool with work of its own (analysis, probing, reporting), registered as a service. The tool manager
 * calls {@link #start} once it has admitted the tool, {@link #update} when its configuration or allocation
 * changes, and {@link #stop} when it is stopped, quarantined or removed. Work belongs on
 * {@link ToolContext#executor()}, never on the caller's thread.
 */
@ConsumerType
public interface Tool {

    /** Starts the tool with its context. */
    void start(ToolContext context);

    /** Hands the tool a changed context; the default restarts it. */
    default void update(ToolContext context) {
        stop();
        start(context);
    }

    /** Stops the tool; it must release what {@link #start} took. */
    void stop();
}
