package dev.cascade.api.tools;

import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's capacity for tools.
 *
 * @param total what the node grants tools in all (configured)
 * @param used what admitted tools hold of it
 */
@ProviderType
public record ToolCapacity(ToolAllocation total, ToolAllocation used) {
    /** Checks that no component is null. */
    public ToolCapacity {
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(used, "used");
    }
}
