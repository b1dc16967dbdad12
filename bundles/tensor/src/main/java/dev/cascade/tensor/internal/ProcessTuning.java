package dev.cascade.tensor.internal;

/**
 * How the {@code process} estimator ({@link ProcessModel}) samples, filters and guards itself; the same on
 * every node (the estimator component's configuration, not part of a pair's state).
 *
 * @param sampleSeconds the model's time base: measurements are averaged over blocks of this length (at
 *     least one cycle), so that a row sees the plant move beyond its noise
 * @param filterTimeConstants the time constants, seconds, of the {@link ProcessModel#FILTERS} first-order
 *     filters through which each actuator setting enters the model; they should span the plant's time
 *     constants (a slower and a faster one than any channel's do no harm)
 * @param initialCovariance {@code p0}: the covariance {@code P = p0·I} of a fresh model
 * @param traceMax forgetting never lets {@code trace(P)} grow beyond this (anti-windup)
 * @param excitationThreshold a block counts as excited when the block mean of an actuator setting moved
 *     by more than this (actuator units) since the previous block; rows up to {@code 3 × the slowest
 *     filter time constant} after an excited block update the model (the response is still unfolding),
 *     later ones move only the offset
 * @param offsetDrift {@code q}: the variance, relative to the residual's, that the offset may drift per
 *     row (a random walk), so that a slow disturbance is followed by the offset and not blamed on the gain
 * @param warmup rows that always update a fresh model and do not count towards its residual statistics
 * @param ageTimeConstant seconds without an informative row after which confidence has fallen by e
 * @param halfError the relative standard error of {@code G} at which the precision factor of confidence
 *     is one half
 */
public record ProcessTuning(
        double sampleSeconds,
        double[] filterTimeConstants,
        double initialCovariance,
        double traceMax,
        double excitationThreshold,
        double offsetDrift,
        int warmup,
        double ageTimeConstant,
        double halfError) {

    /** The defaults of the estimator component. */
    public static final ProcessTuning DEFAULTS =
            new ProcessTuning(1.0, new double[] {2, 6, 20}, 1e4, 1e5, 0, 0.1, 30, 600, 0.2);

    /** Checks the values. */
    public ProcessTuning {
        positive("sample time", sampleSeconds);
        if (filterTimeConstants.length != ProcessModel.FILTERS) {
            throw new IllegalArgumentException("filter time constants: got " + filterTimeConstants.length
                    + " values, give " + ProcessModel.FILTERS + " positive numbers of seconds");
        }
        filterTimeConstants = filterTimeConstants.clone();
        for (double tau : filterTimeConstants) {
            positive("filter time constant", tau);
        }
        positive("initial covariance", initialCovariance);
        positive("trace bound", traceMax);
        if (!(excitationThreshold >= 0) || Double.isInfinite(excitationThreshold)) {
            throw new IllegalArgumentException("excitation threshold " + excitationThreshold + " must be >= 0");
        }
        if (!(offsetDrift >= 0) || Double.isInfinite(offsetDrift)) {
            throw new IllegalArgumentException("offset drift " + offsetDrift + " must be >= 0");
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warm-up " + warmup + " rows must be >= 0");
        }
        positive("age time constant", ageTimeConstant);
        positive("half error", halfError);
        if (traceMax < initialCovariance * ProcessModel.N) {
            throw new IllegalArgumentException("trace bound " + traceMax + " is below the trace of a fresh model "
                    + initialCovariance * ProcessModel.N + " (" + ProcessModel.N
                    + " x initial covariance); raise it to at least that");
        }
    }

    /** @return the slowest filter time constant, seconds */
    double slowest() {
        double max = 0;
        for (double tau : filterTimeConstants) {
            max = Math.max(max, tau);
        }
        return max;
    }

    @Override
    public double[] filterTimeConstants() {
        return filterTimeConstants.clone();
    }

    private static void positive(String what, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " " + value + " must be a positive number");
        }
    }
}
