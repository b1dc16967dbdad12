package dev.cascade.tensor.internal;

import dev.cascade.api.estimation.Estimate;
import dev.cascade.api.estimation.Estimator;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.estimation.EstimatorState;
import dev.cascade.api.estimation.InputResponse;
import dev.cascade.api.network.Batch;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Cascade's recursive-least-squares estimator, {@code cascade.estimator.name=rls}: folds a pair's batch
 * into its {@link PairEstimator} and reports gain, tensor, confidence and time constants. Stateless
 * between calls; every call works on its own estimator, so calls for different pairs may run in
 * parallel.
 */
@Component(
        configurationPid = RlsEstimator.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = Estimator.NAME + "=" + RlsEstimator.NAME)
@Designate(ocd = RlsEstimator.Config.class)
public final class RlsEstimator implements Estimator {

    /** The estimator's name, written into every state it produces. */
    public static final String NAME = "rls";

    /** The configuration PID: {@code etc/dev.cascade.tensor.rls.cfg}. */
    public static final String PID = "dev.cascade.tensor.rls";

    @ObjectClassDefinition(
            name = "Cascade RLS estimator",
            description = "Guards of the recursive-least-squares gain estimator; the same on every node.")
    @interface Config {
        @AttributeDefinition(description = "Covariance P = p0·I of a fresh model; large means nothing is known.")
        double initialCovariance() default 1e4;

        @AttributeDefinition(
                description = "Forgetting never lets trace(P) grow beyond this (anti-windup); at least 7 x p0.")
        double traceMax() default 7e4;

        @AttributeDefinition(
                description = "A cycle is excited when the lagged actuator setting moved by more than this.")
        double excitationThreshold() default 0;

        @AttributeDefinition(
                description = "Without excitation, a cycle still updates the model when its prediction error"
                        + " exceeds this many residual standard deviations (norm over the 3 axes).")
        double innovationGate() default 5;

        @AttributeDefinition(description = "Cycles that always update a fresh model.")
        int warmup() default 20;

        @AttributeDefinition(
                description = "Seconds without an informative cycle after which confidence has fallen by e.")
        double ageTimeConstant() default 600;
    }

    private final Tuning tuning;

    /**
     * @throws IllegalArgumentException on a bad configuration; the component then stays inactive
     */
    @Activate
    public RlsEstimator(Config config) {
        this(new Tuning(
                config.initialCovariance(),
                config.traceMax(),
                config.excitationThreshold(),
                config.innovationGate(),
                config.warmup(),
                config.ageTimeConstant()));
    }

    /** An estimator with the given guards. */
    public RlsEstimator(Tuning tuning) {
        this.tuning = tuning;
    }

    @Override
    public Estimate fold(
            Optional<EstimatorState> previous, Batch batch, EstimatorSettings settings, List<Vector3> siblings) {
        PairEstimator estimator =
                previous.map(this::restore).orElseGet(() -> new PairEstimator(tuning, settings.deadTime()));
        estimator.fold(batch.measurements(), settings, siblings);
        return estimate(estimator, settings);
    }

    /**
     * The sibling's contribution this estimator takes off: {@code B·u(k-d)}, its input term alone (the
     * parent's own dynamics {@code A·y(k)} stay in every pair's regression, with the whole parent state).
     * Empty while the model has no gain.
     */
    @Override
    public Optional<InputResponse> response(EstimatorState state, EstimatorSettings settings) {
        PairEstimator estimator = restore(state);
        double[] b = new double[9];
        if (!estimator.gain(b)) {
            return Optional.empty();
        }
        estimator.input(b);
        return Optional.of(new InputResponse(estimator.deadTime(), Matrix3.ofRowMajor(b), List.of()));
    }

    /** @return what {@code estimator} concludes now, with its state */
    Estimate estimate(PairEstimator estimator, EstimatorSettings settings) {
        double[] g = new double[9];
        double[] t = new double[9];
        boolean known = estimator.gain(g);
        estimator.tensor(t);
        Vector3 timeConstants = new Vector3(
                estimator.timeConstant(0, settings.cycleSeconds()),
                estimator.timeConstant(1, settings.cycleSeconds()),
                estimator.timeConstant(2, settings.cycleSeconds()));
        EstimatorState state = new EstimatorState(NAME, PairEstimator.FORMAT, estimator.toBytes());
        return new Estimate(
                known ? Matrix3.ofRowMajor(g) : Matrix3.ZERO,
                Matrix3.ofRowMajor(t),
                estimator.confidence(),
                timeConstants,
                state);
    }

    private PairEstimator restore(EstimatorState state) {
        if (!NAME.equals(state.estimator())) {
            throw new IllegalArgumentException(
                    "state written by estimator '" + state.estimator() + "' given to estimator '" + NAME + "'");
        }
        if (state.format() != PairEstimator.FORMAT) {
            throw new IllegalArgumentException("state format " + state.format() + " of estimator '" + NAME
                    + "' is unknown; this version reads format " + PairEstimator.FORMAT);
        }
        return PairEstimator.fromBytes(tuning, state.data());
    }
}
