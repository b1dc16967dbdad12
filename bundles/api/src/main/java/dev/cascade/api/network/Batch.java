package dev.cascade.api.network;

import dev.cascade.api.control.Measurement;
import java.util.List;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Measurements of one pair, sent together. {@code (pair, producer, sequence)} identifies a batch, so a
 * batch re-sent after an outage is recognised and folded once.
 *
 * @param pair the pair id; the transport's key
 * @param producer the id of the node that cut it
 * @param sequence strictly increasing per (pair, producer)
 * @param measurements in time order; not empty
 * @param cut when the batch was cut, milliseconds since the epoch
 */
@ProviderType
public record Batch(String pair, String producer, long sequence, List<Measurement> measurements, long cut) {

    /** Checks the values and makes the list immutable. */
    public Batch {
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(producer, "producer");
        measurements = List.copyOf(measurements);
        if (measurements.isEmpty()) {
            throw new IllegalArgumentException("batch " + pair + "/" + producer + "/" + sequence + " is empty");
        }
    }
}
