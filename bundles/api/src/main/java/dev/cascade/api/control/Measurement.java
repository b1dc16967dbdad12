package dev.cascade.api.control;

import dev.cascade.api.domain.Quality;
import dev.cascade.api.tensor.Vector3;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One cycle's record, as a value: what the parent was, what the error was, what was applied to the
 * child.
 *
 * @param pair the pair id
 * @param timestamp when the parent was measured, milliseconds since the epoch
 * @param parent the parent's state
 * @param error {@code setpoint - parent}, after the pre filters
 * @param adjustment the increment applied to the child, after safety
 * @param quality the quality of the parent reading
 */
@ProviderType
public record Measurement(
        String pair, long timestamp, Vector3 parent, Vector3 error, Vector3 adjustment, Quality quality) {

    /** Checks that no component is null. */
    public Measurement {
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(adjustment, "adjustment");
        Objects.requireNonNull(quality, "quality");
    }

    /** @return a copy of the view's current values */
    public static Measurement of(MeasurementView view) {
        return new Measurement(
                view.pair(),
                view.timestamp(),
                new Vector3(view.parent(0), view.parent(1), view.parent(2)),
                new Vector3(view.error(0), view.error(1), view.error(2)),
                new Vector3(view.adjustment(0), view.adjustment(1), view.adjustment(2)),
                view.quality());
    }
}
