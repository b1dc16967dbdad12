package dev.cascade.api.estimation;

import org.osgi.annotation.versioning.ProviderType;

/**
 * How a pair's estimation is set up: the pair's configuration, handed to {@link Estimator#fold} with
 * every batch.
 *
 * @param deadTime cycles between an adjustment and the first cycle in which the parent can feel it,
 *     0 when it acts within the next cycle; at most {@link #MAX_DEAD_TIME}
 * @param forgetting forgetting factor in (0, 1]: how much of the past each excited cycle keeps (1
 *     forgets nothing; 0.99 remembers about the last 100 excited cycles)
 * @param cycleSeconds the pair's cycle time in seconds, to turn cycles into time constants and to
 *     recognise gaps between measurements
 */
@ProviderType
public record EstimatorSettings(int deadTime, double forgetting, double cycleSeconds) {

    /** The longest dead time an estimator must support, in cycles. */
    public static final int MAX_DEAD_TIME = 1000;

    /** Checks the values. */
    public EstimatorSettings {
        if (deadTime < 0 || deadTime > MAX_DEAD_TIME) {
            throw new IllegalArgumentException("dead time " + deadTime + " cycles is outside 0.." + MAX_DEAD_TIME);
        }
        if (!(forgetting > 0 && forgetting <= 1)) {
            throw new IllegalArgumentException("forgetting factor " + forgetting + " is not in (0, 1]");
        }
        if (!(cycleSeconds > 0 && Double.isFinite(cycleSeconds))) {
            throw new IllegalArgumentException("cycle time " + cycleSeconds + " s is not a positive number");
        }
    }
}
