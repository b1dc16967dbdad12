package dev.cascade.api.tools;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** Admits, accounts and constrains every tool on the node; operators act on tools through it. */
@ProviderType
public interface ToolManager {

    /** @return every tool the manager tracks, sorted by name */
    List<ToolInfo> tools();

    /**
     * Quarantines a tool: it is bypassed until released.
     *
     * @throws IllegalArgumentException if no tool has that name
     */
    void quarantine(String name, String reason);

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
}
