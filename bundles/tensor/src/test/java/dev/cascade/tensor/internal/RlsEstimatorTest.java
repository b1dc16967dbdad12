package dev.cascade.tensor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.estimation.Estimate;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.estimation.EstimatorState;
import dev.cascade.api.network.Batch;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The estimator service as the optimizer uses it: batch in, estimate and state out. */
class RlsEstimatorTest {

    private final RlsEstimator estimator = new RlsEstimator(Tuning.DEFAULTS);
    private final EstimatorSettings settings = new EstimatorSettings(0, 1, 1);

    @Test
    void foldsBatchesIntoAGainATensorAndAState() {
        SyntheticPlant plant = new SyntheticPlant(11, PairEstimatorTest.GAIN, PairEstimatorTest.TAU, 0, 0.01);
        Estimate first = estimator.fold(Optional.empty(), batch(plant.run(1500), 1), settings, List.of());
        Estimate second = estimator.fold(Optional.of(first.state()), batch(plant.run(1500), 2), settings, List.of());
        assertEquals("rls", second.state().estimator());
        double[] g = second.gain().toRowMajor();
        assertTrue(Matrices.distance(g, PairEstimatorTest.GAIN) / Matrices.norm(PairEstimatorTest.GAIN) < 0.03);
        double[] tg = new double[9];
        Mat3.mul(second.tensor().toRowMajor(), g, tg);
        // a well-conditioned plant: T is close to G's inverse
        assertTrue(Matrices.distance(tg, new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}) < 0.3);
        assertEquals(5, second.timeConstants().x(), 0.5);
        assertTrue(second.confidence() > first.confidence());
    }

    @Test
    void aFreshPairReportsNoGainAndZeroConfidence() {
        SyntheticPlant plant = new SyntheticPlant(12, PairEstimatorTest.GAIN, PairEstimatorTest.TAU, 0, 0.01);
        Estimate estimate = estimator.fold(Optional.empty(), batch(plant.run(1), 1), settings, List.of());
        assertEquals(0, estimate.confidence());
        assertEquals(dev.cascade.api.tensor.Matrix3.ZERO, estimate.gain());
    }

    @Test
    void rejectsAnotherEstimatorsStateAndUnknownFormats() {
        Batch batch = batch(new SyntheticPlant(13, PairEstimatorTest.GAIN, PairEstimatorTest.TAU, 0, 0.01).run(5), 1);
        IllegalArgumentException other = assertThrows(
                IllegalArgumentException.class,
                () -> estimator.fold(
                        Optional.of(new EstimatorState("kalman", 1, new byte[0])), batch, settings, List.of()));
        assertTrue(other.getMessage().contains("'kalman'"), other.getMessage());
        IllegalArgumentException format = assertThrows(
                IllegalArgumentException.class,
                () -> estimator.fold(
                        Optional.of(new EstimatorState("rls", 99, new byte[0])), batch, settings, List.of()));
        assertTrue(format.getMessage().contains("99"), format.getMessage());
        IllegalArgumentException siblings = assertThrows(
                IllegalArgumentException.class,
                () -> estimator.fold(Optional.empty(), batch, settings, List.of(dev.cascade.api.tensor.Vector3.ZERO)));
        assertTrue(siblings.getMessage().contains("1 sibling contributions for 5"), siblings.getMessage());
    }

    private static Batch batch(List<Measurement> measurements, long sequence) {
        return new Batch(
                "pair",
                "node-a",
                sequence,
                measurements,
                measurements.get(measurements.size() - 1).timestamp());
    }
}
