package dev.cascade.api.network;

import dev.cascade.api.estimation.TensorUpdate;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A pair's last valid tensor as the {@link TensorCache} holds it, with its confidence at the time it was
 * retrieved. Confidence halves every {@code halfLifeMillis} since the cache stored the update, so a
 * tensor that is no longer refreshed (optimizer or transport down) counts for less and less.
 *
 * @param update the update as accepted
 * @param stored when the cache accepted it, milliseconds since the epoch
 * @param confidence the update's confidence decayed to {@code retrieved}
 * @param retrieved when this value was taken, milliseconds since the epoch
 * @param halfLifeMillis the cache's confidence half-life
 */
@ProviderType
public record CachedTensor(TensorUpdate update, long stored, double confidence, long retrieved, long halfLifeMillis) {

    /** Checks the values. */
    public CachedTensor {
        Objects.requireNonNull(update, "update");
        if (halfLifeMillis <= 0) {
            throw new IllegalArgumentException("half-life " + halfLifeMillis + " ms is not positive");
        }
    }

    /** @return the pair id */
    public String pair() {
        return update.pair();
    }

    /** @return the confidence of the update decayed to {@code millis} */
    public double confidenceAt(long millis) {
        return decay(update.confidence(), millis - stored, halfLifeMillis);
    }

    /**
     * @param confidence the confidence at age 0
     * @param ageMillis the age; a negative age (clock moved back) counts as 0
     * @param halfLifeMillis the half-life
     * @return {@code confidence} halved once per half-life of age
     */
    public static double decay(double confidence, long ageMillis, long halfLifeMillis) {
        return confidence * Math.pow(0.5, Math.max(0, ageMillis) / (double) halfLifeMillis);
    }
}
