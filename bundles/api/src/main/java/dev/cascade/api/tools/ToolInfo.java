package dev.cascade.api.tools;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A tool as the tool manager sees it.
 *
 * @param name the tool's name (component name)
 * @param bundle the symbolic name of the bundle that registered it
 * @param kind the SPI it implements, e.g. {@code Filter}, {@code Tool}
 * @param state its state
 * @param reason why it is in that state (which resource, asked vs left; the fault), empty if none
 * @param contract what it declared (or the defaults)
 * @param usage what it was measured to use
 */
@ProviderType
public record ToolInfo(
        String name,
        String bundle,
        String kind,
        ToolState state,
        String reason,
        ToolAllocation contract,
        ToolUsage usage) {}
