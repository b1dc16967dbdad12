package dev.cascade.tensor.internal;

/**
 * How the estimator guards itself; the same on every node (it is the estimator component's
 * configuration, not part of a pair's state).
 *
 * @param initialCovariance {@code p0}: the covariance {@code P = p0·I} of a fresh model, large for
 *     "nothing known"
 * @param traceMax forgetting never lets {@code trace(P)} grow beyond this (anti-windup)
 * @param excitationThreshold a row counts as excited when the lagged actuator setting moved by more
 *     than this on some axis
 * @param innovationGate without excitation, a row still updates the model when the parent's change, or
 *     the model's error in predicting it, exceeds this many residual standard deviations (3-axis norm)
 *     (the parent is settling, or the plant or a disturbance changed)
 * @param warmup rows that always update the model, before the residual level is known
 * @param ageTimeConstant seconds without an informative row after which confidence has fallen by e
 */
public record Tuning(
        double initialCovariance,
        double traceMax,
        double excitationThreshold,
        double innovationGate,
        int warmup,
        double ageTimeConstant) {

    /** The defaults of the estimator component. */
    public static final Tuning DEFAULTS = new Tuning(1e4, 7e4, 0, 5, 20, 600);

    /** Checks the values. */
    public Tuning {
        positive("initial covariance", initialCovariance);
        positive("trace bound", traceMax);
        if (!(excitationThreshold >= 0)) {
            throw new IllegalArgumentException("excitation threshold " + excitationThreshold + " must be >= 0");
        }
        positive("innovation gate", innovationGate);
        if (warmup < 0) {
            throw new IllegalArgumentException("warm-up " + warmup + " rows must be >= 0");
        }
        positive("age time constant", ageTimeConstant);
        if (traceMax < initialCovariance * Rls.N) {
            throw new IllegalArgumentException("trace bound " + traceMax + " is below the trace of a fresh model "
                    + initialCovariance * Rls.N + " (7 x initial covariance); raise it to at least that");
        }
    }

    private static void positive(String what, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " " + value + " must be a positive number");
        }
    }
}
