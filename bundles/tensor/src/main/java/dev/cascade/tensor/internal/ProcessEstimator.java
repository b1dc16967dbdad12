package dev.cascade.tensor.internal;

import dev.cascade.api.estimation.Estimate;
import dev.cascade.api.estimation.Estimator;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.estimation.EstimatorState;
import dev.cascade.api.estimation.InputResponse;
import dev.cascade.api.network.Batch;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Cascade's estimator for process plants, {@code cascade.estimator.name=process}: folds a pair's batch into
 * its {@link ProcessModel} (filtered settings, block averages, drifting offset) and reports gain, tensor,
 * confidence and time constants. Stateless between calls, so calls for different pairs may run in
 * parallel.
 */
@Component(
        configurationPid = ProcessEstimator.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = Estimator.NAME + "=" + ProcessEstimator.NAME)
@Designate(ocd = ProcessEstimator.Config.class)
public final class ProcessEstimator implements Estimator {

    /** The estimator's name, written into every state it produces. */
    public static final String NAME = "process";

    /** The configuration PID: {@code etc/dev.cascade.tensor.process.cfg}. */
    public static final String PID = "dev.cascade.tensor.process";

    @ObjectClassDefinition(
            name = "Cascade process estimator",
            description = "Gain estimator for process plants (lags of seconds to minutes, dead times, noise,"
                    + " drift); the same on every node.")
    @interface Config {
        @AttributeDefinition(description = "Seconds over which measurements are averaged into one row.")
        double sampleSeconds() default 1.0;

        @AttributeDefinition(
                description = "Time constants (s) of the 3 filters each actuator setting passes through;"
                        + " they should span the plant's.")
        String filterTimeConstants() default "2, 6, 20";

        @AttributeDefinition(description = "Covariance P = p0·I of a fresh model; large means nothing is known.")
        double initialCovariance() default 1e4;

        @AttributeDefinition(
                description = "Forgetting never lets trace(P) grow beyond this (anti-windup); at least 10 x p0.")
        double traceMax() default 1e5;

        @AttributeDefinition(
                description = "A row is excited when an actuator's mean setting moved by more than this (its"
                        + " units) since the previous row; the model learns for 3 x the slowest filter after."
                        + " 0: any move. Raise it above a loop's noise-driven moves to hold the model while the"
                        + " loop is settled.")
        double excitationThreshold() default 0;

        @AttributeDefinition(description = "Random-walk variance of the offset per row, relative to the residual's.")
        double offsetDrift() default 0.1;

        @AttributeDefinition(description = "Rows that always update a fresh model.")
        int warmup() default 30;

        @AttributeDefinition(description = "Seconds without an informative row after which confidence has fallen by e.")
        double ageTimeConstant() default 600;

        @AttributeDefinition(description = "Relative standard error of G at which confidence is halved.")
        double halfError() default 0.2;
    }

    private final ProcessTuning tuning;

    /**
     * @throws IllegalArgumentException on a bad configuration; the component then stays inactive
     */
    @Activate
    public ProcessEstimator(Config config) {
        this(new ProcessTuning(
                config.sampleSeconds(),
                parse(config.filterTimeConstants()),
                config.initialCovariance(),
                config.traceMax(),
                config.excitationThreshold(),
                config.offsetDrift(),
                config.warmup(),
                config.ageTimeConstant(),
                config.halfError()));
    }

    /** An estimator with the given tuning. */
    public ProcessEstimator(ProcessTuning tuning) {
        this.tuning = tuning;
    }

    private static double[] parse(String text) {
        String[] parts = text.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(PID + ": filterTimeConstants = '" + text + "' is not valid; use "
                        + ProcessModel.FILTERS + " positive numbers of seconds, e.g. 2, 6, 20");
            }
        }
        return out;
    }

    @Override
    public Estimate fold(
            Optional<EstimatorState> previous, Batch batch, EstimatorSettings settings, List<Vector3> siblings) {
        ProcessModel model = previous.map(this::restore).orElseGet(() -> new ProcessModel(tuning, settings.deadTime()));
        model.fold(batch.measurements(), settings, siblings);
        return estimate(model, settings);
    }

    /**
     * The sibling's contribution this estimator takes off: the change over the cycle of the sibling's
     * modelled level {@code L(k) = Σ_f Θ_f x_f(k)}, that is {@code L(k+1) - L(k) = Σ_f Θ_f (1 - α_f)
     * (u(k-d) - x_f(k))}: a direct term {@code Σ_f (1 - α_f) Θ_f} and per filter a mode with pole {@code
     * α_f} and gain {@code -(1 - α_f) Θ_f}. Summed over time it is the sibling's level as its own model
     * predicts it, which is what {@link ProcessModel} takes off the parent's level.
     */
    @Override
    public Optional<InputResponse> response(EstimatorState state, EstimatorSettings settings) {
        ProcessModel model = restore(state);
        double[] theta = new double[9];
        double[] direct = new double[9];
        List<InputResponse.Mode> modes = new ArrayList<>(ProcessModel.FILTERS);
        for (int f = 0; f < ProcessModel.FILTERS; f++) {
            if (!model.filterGain(f, theta)) {
                return Optional.empty();
            }
            double alpha = Math.exp(-settings.cycleSeconds() / model.filterTimeConstant(f));
            double[] gain = new double[9];
            for (int k = 0; k < 9; k++) {
                direct[k] += (1 - alpha) * theta[k];
                gain[k] = -(1 - alpha) * theta[k];
            }
            modes.add(new InputResponse.Mode(alpha, Matrix3.ofRowMajor(gain)));
        }
        return Optional.of(new InputResponse(model.deadTime(), Matrix3.ofRowMajor(direct), modes));
    }

    /** @return what {@code model} concludes now, with its state */
    Estimate estimate(ProcessModel model, EstimatorSettings settings) {
        double[] g = new double[9];
        double[] t = new double[9];
        boolean known = model.gain(g);
        model.tensor(t);
        Vector3 timeConstants = new Vector3(
                model.timeConstant(0, settings.cycleSeconds()),
                model.timeConstant(1, settings.cycleSeconds()),
                model.timeConstant(2, settings.cycleSeconds()));
        EstimatorState state = new EstimatorState(NAME, ProcessModel.FORMAT, model.toBytes());
        return new Estimate(
                known ? Matrix3.ofRowMajor(g) : Matrix3.ZERO,
                Matrix3.ofRowMajor(t),
                model.confidence(),
                timeConstants,
                state);
    }

    private ProcessModel restore(EstimatorState state) {
        if (!NAME.equals(state.estimator())) {
            throw new IllegalArgumentException(
                    "state written by estimator '" + state.estimator() + "' given to estimator '" + NAME + "'");
        }
        if (state.format() != ProcessModel.FORMAT) {
            throw new IllegalArgumentException("state format " + state.format() + " of estimator '" + NAME
                    + "' is unknown; this version reads format " + ProcessModel.FORMAT);
        }
        return ProcessModel.fromBytes(tuning, state.data());
    }
}
