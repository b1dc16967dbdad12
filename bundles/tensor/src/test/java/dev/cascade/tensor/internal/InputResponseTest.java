package dev.cascade.tensor.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.estimation.Estimate;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.estimation.InputResponse;
import dev.cascade.api.network.Batch;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What each estimator says a pair contributes to its parent, for its siblings' folds ({@code
 * Estimator.response}): the form each one takes off.
 */
class InputResponseTest {

    private static Batch batch(List<Measurement> measurements) {
        return new Batch(
                "pair",
                "node",
                1,
                measurements,
                measurements.get(measurements.size() - 1).timestamp());
    }

    @Test
    void rlsGivesItsInputTermAlone() {
        RlsEstimator rls = new RlsEstimator(Tuning.DEFAULTS);
        EstimatorSettings settings = new EstimatorSettings(2, 1, 1);
        SyntheticPlant plant = new SyntheticPlant(21, PairEstimatorTest.GAIN, PairEstimatorTest.TAU, 2, 0.01);
        Estimate estimate = rls.fold(Optional.empty(), batch(plant.run(3000)), settings, List.of());
        InputResponse response = rls.response(estimate.state(), settings).orElseThrow();
        assertEquals(2, response.deadTime());
        assertEquals(List.of(), response.modes());
        double[] b = new double[9];
        PairEstimator.fromBytes(Tuning.DEFAULTS, estimate.state().data()).input(b);
        assertArrayEquals(b, response.direct().toRowMajor(), 0);
    }

    @Test
    void rlsGivesNothingWithoutAModel() {
        RlsEstimator rls = new RlsEstimator(Tuning.DEFAULTS);
        EstimatorSettings settings = new EstimatorSettings(0, 1, 1);
        SyntheticPlant plant = new SyntheticPlant(22, PairEstimatorTest.GAIN, PairEstimatorTest.TAU, 0, 0.01);
        Estimate estimate = rls.fold(Optional.empty(), batch(plant.run(1)), settings, List.of());
        assertEquals(Optional.empty(), rls.response(estimate.state(), settings));
    }

    /**
     * The process model takes a sibling's contribution off as a level (their running sum); summed over a
     * long step of one actuator, the response gives that actuator's column of the sibling's gain {@code
     * G = Σ_f Θ_f}: the level its own model predicts.
     */
    @Test
    void processGivesTheIncrementsOfItsLevelWhichSumToItsGain() {
        ProcessEstimator process = new ProcessEstimator(ProcessTuning.DEFAULTS);
        EstimatorSettings settings = new EstimatorSettings(3, 0.995, ProcessPlant.DT);
        Estimate estimate = process.fold(
                Optional.empty(), batch(new ProcessPlant(1, ProcessPlant.DEAD, 1).run(6000)), settings, List.of());
        InputResponse response = process.response(estimate.state(), settings).orElseThrow();
        assertEquals(3, response.deadTime());
        assertEquals(ProcessModel.FILTERS, response.modes().size());
        double[] g = estimate.gain().toRowMajor();
        double norm = Matrices.norm(g);
        assertTrue(norm > 0);
        for (int input = 0; input < 3; input++) {
            double[] sum = stepResponse(response, input, 4000); // 400 s: 20 times the slowest filter
            for (int axis = 0; axis < 3; axis++) {
                assertEquals(g[3 * axis + input], sum[axis], 1e-6 * norm, "axis " + axis + ", input " + input);
            }
        }
        // the step is the adjustment after measurement 0; with a dead time of 3 cycles the parent's changes
        // over cycles 0-2 owe nothing to it, the change over cycle 3 (to measurement 4) does
        assertArrayEquals(new double[3], stepResponse(response, 0, 3), 0);
        assertTrue(Matrices.norm(stepResponse(response, 0, 4)) > 0);
    }

    @Test
    void processGivesNothingWithoutAModelAndRefusesAnotherEstimatorsState() {
        ProcessEstimator process = new ProcessEstimator(ProcessTuning.DEFAULTS);
        EstimatorSettings settings = new EstimatorSettings(0, 0.995, ProcessPlant.DT);
        Estimate fresh = process.fold(
                Optional.empty(), batch(new ProcessPlant(2, ProcessPlant.DEAD, 1).run(3)), settings, List.of());
        assertEquals(Optional.empty(), process.response(fresh.state(), settings));
        Estimate rls = new RlsEstimator(Tuning.DEFAULTS)
                .fold(
                        Optional.empty(),
                        batch(new SyntheticPlant(3, PairEstimatorTest.GAIN, PairEstimatorTest.TAU, 0, 0.01).run(5)),
                        new EstimatorSettings(0, 1, 1),
                        List.of());
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> process.response(rls.state(), settings));
        assertTrue(refused.getMessage().contains("'rls'"), refused.getMessage());
    }

    /**
     * Runs the response over a unit step of one actuator: the setting is 0 before cycle 0 and 1 from the
     * adjustment of cycle 0 on. @return the contributions summed over {@code cycles} cycles
     */
    static double[] stepResponse(InputResponse r, int input, int cycles) {
        int modes = r.modes().size();
        double[] z = new double[3 * modes];
        double[] sum = new double[3];
        for (int k = 0; k < cycles; k++) {
            double[] u = new double[3];
            u[input] = k - r.deadTime() >= 0 ? 1 : 0;
            for (int j = 0; j < 3; j++) {
                double s = 0;
                for (int i = 0; i < 3; i++) {
                    s += r.direct().get(j, i) * u[i];
                    for (int m = 0; m < modes; m++) {
                        s += r.modes().get(m).gain().get(j, i) * z[3 * m + i];
                    }
                }
                sum[j] += s;
            }
            for (int m = 0; m < modes; m++) {
                double p = r.modes().get(m).pole();
                for (int i = 0; i < 3; i++) {
                    z[3 * m + i] = p * z[3 * m + i] + (1 - p) * u[i];
                }
            }
        }
        return sum;
    }
}
