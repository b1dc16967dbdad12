package dev.cascade.api.tools;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** Admits, accounts and constrains every tool on the node; operators act on tools through it. */
@ProviderType
public interface ToolManager {

    /** @return every tool the manager tracks, sorted by name */
    List<ToolInfo> tools();

    /** @return the node's capacity for tools and what admitted tools hold of it */
    ToolCapacity capacity();

    /**
     * Quarantines a tool: it is bypassed until released.
     *
     * @throws IllegalArgumentException if no tool has that name
     */
    void quarantine(String name, String reason);

    /**
     * Quarantines the tool registered as the service with this {@code service.id}, e.g. because it blocked
     * its caller; does nothing for a service the manager does not track.
     */
    void quarantine(long serviceId, String reason);

    /**
     * Releases a quarantined or stopped tool, subject to admission.
     *
     * @throws IllegalArgumentException if no tool has that name
     */
    void release(String name);

    /**
     * Stops a tool and frees its allocation.
     *
     * @throws IllegalArgumentException if no tool has that name
     */
    void stop(String name);

    /**
     * Whether the loop may call the service with this {@code service.id}: true for an admitted tool (active
     * or throttled) and for a service the manager does not track; false for a rejected, quarantined or
     * stopped tool.
     */
    boolean permits(long serviceId);

    /**
     * Reports a fault of a tool seen by its caller (a throw, an overrun, a non-finite result). Cheap and
     * non-blocking, callable from the loop thread; repeated faults quarantine the tool.
     */
    void fault(long serviceId, String what);

    /**
     * Reports the calls the loop made into the service with this {@code service.id} so far, for every pair:
     * all of them, and those it timed (a sample) with their total time. Called by the loop's own threads
     * (not the loop thread) about once a second with running totals; the manager keeps the latest.
     *
     * @param calls calls so far
     * @param timedCalls timed calls so far (one cycle in 64, and every call of a new or suspect filter)
     * @param timedNanos their time so far, nanoseconds
     * @since 1.1
     */
    default void calls(long serviceId, long calls, long timedCalls, long timedNanos) {}

    /**
     * Calls {@code listener} (on a manager thread) whenever a tool's state changes.
     *
     * @return closing it removes the listener
     */
    AutoCloseable onChange(Runnable listener);

    /**
     * Starts a stopped tool again, subject to admission.
     *
     * @throws IllegalArgumentException if no tool has that name
     */
    void start(String name);
}
