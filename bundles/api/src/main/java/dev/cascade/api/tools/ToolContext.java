package dev.cascade.api.tools;

import java.util.Map;
import java.util.concurrent.Executor;
import org.osgi.annotation.versioning.ProviderType;

/** What the tool manager gives a {@link Tool} when it starts it or updates it. */
@ProviderType
public interface ToolContext {

    /** @return the tool's name (its component name) */
    String name();

    /** @return the tool's configuration (its Config Admin properties), read-only */
    Map<String, Object> configuration();

    /** @return the resources the node granted the tool */
    ToolAllocation allocation();

    /**
     * @return the tool's own bounded executor, sized by its allocation; its threads are accounted to the
     *     tool and interrupted when the tool is quarantined or stopped
     */
    Executor executor();
}
