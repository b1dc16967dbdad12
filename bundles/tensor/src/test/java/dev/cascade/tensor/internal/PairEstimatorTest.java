package dev.cascade.tensor.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.estimation.EstimatorSettings;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The recursive estimator on simulated plants with a known gain. */
class PairEstimatorTest {

    static final double[] GAIN = {2.0, 0.5, 0.1, 0.3, 1.5, 0.2, 0.1, 0.4, 1.0};
    static final double[] TAU = {5, 10, 20};
    static final EstimatorSettings NO_DEAD_TIME = new EstimatorSettings(0, 1, 1);

    static double relativeError(PairEstimator estimator, double[] gain) {
        double[] g = new double[9];
        assertTrue(estimator.gain(g), "no gain estimated");
        return Matrices.distance(g, gain) / Matrices.norm(gain);
    }

    @Test
    void recoversAKnownGainFromNoisyDataWithinThreePercent() {
        SyntheticPlant plant = new SyntheticPlant(1, GAIN, TAU, 0, 0.01);
        PairEstimator estimator = new PairEstimator(Tuning.DEFAULTS, 0);
        estimator.fold(plant.run(3000), NO_DEAD_TIME, List.of());
        assertTrue(relativeError(estimator, GAIN) < 0.03, "relative error " + relativeError(estimator, GAIN));
        for (int axis = 0; axis < 3; axis++) {
            assertEquals(TAU[axis], estimator.timeConstant(axis, 1), 0.1 * TAU[axis], "time constant " + axis);
        }
        assertTrue(estimator.confidence() > 0.5, "confidence " + estimator.confidence());
    }

    @Test
    void agreesWithTheBatchLeastSquaresReference() {
        SyntheticPlant plant = new SyntheticPlant(2, GAIN, TAU, 0, 0.01);
        List<Measurement> data = plant.run(2000);
        // a gate of almost nothing lets every row reach the recursive fit, as in the batch fit
        Tuning everyRow = new Tuning(1e8, 7e8, 0, 1e-9, 20, 600);
        PairEstimator estimator = new PairEstimator(everyRow, 0);
        estimator.fold(data, NO_DEAD_TIME, List.of());
        BatchFit reference = BatchFit.of(data, NO_DEAD_TIME, List.of());
        assertEquals(reference.rows(), estimator.used());
        double[] expected = new double[9];
        assertTrue(reference.gain(expected));
        assertTrue(relativeError(estimator, expected) < 1e-4, "RLS vs QR: " + relativeError(estimator, expected));
        assertEquals(reference.residualDeviation(0), 0.01, 0.001);
    }

    /**
     * With forgetting factor 0.98 (a memory of about 50 informative rows) and a step of the input every
     * 15 cycles, the estimate follows a changed plant to within 8% in 500 cycles.
     */
    @Test
    void tracksAStepChangeOfTheGainWithin500Cycles() {
        double[] changed = {1.0, -0.5, 0.3, 0.6, 2.0, -0.2, 0.2, 0.1, 1.5};
        SyntheticPlant plant = new SyntheticPlant(3, GAIN, TAU, 0, 0.01);
        EstimatorSettings forgetting = new EstimatorSettings(0, 0.98, 1);
        PairEstimator estimator = new PairEstimator(Tuning.DEFAULTS, 0);
        estimator.fold(plant.run(2000), forgetting, List.of());
        assertTrue(relativeError(estimator, GAIN) < 0.08, "before the change: " + relativeError(estimator, GAIN));
        plant.gain(changed);
        estimator.fold(plant.run(100), forgetting, List.of());
        assertTrue(relativeError(estimator, changed) > 0.3, "the change must be visible at first");
        estimator.fold(plant.run(400), forgetting, List.of());
        assertTrue(relativeError(estimator, changed) < 0.08, "after 500 cycles: " + relativeError(estimator, changed));
    }

    @Test
    void zeroExcitationNeitherBlowsUpTheCovarianceNorDriftsTheGain() {
        SyntheticPlant plant = new SyntheticPlant(4, GAIN, TAU, 0, 0.01);
        EstimatorSettings forgetting = new EstimatorSettings(0, 0.98, 1);
        PairEstimator estimator = new PairEstimator(Tuning.DEFAULTS, 0);
        estimator.fold(plant.run(2000), forgetting, List.of());
        plant.excitation(0);
        // the last step settles (informative rows), then the loop is quiet
        estimator.fold(plant.run(200), forgetting, List.of());
        double[] before = new double[9];
        estimator.gain(before);
        double confidenceBefore = estimator.confidence();
        long usedBefore = estimator.used();

        estimator.fold(plant.run(20_000), forgetting, List.of());

        double[] after = new double[9];
        estimator.gain(after);
        assertTrue(estimator.covarianceTrace() <= Tuning.DEFAULTS.traceMax(), "trace " + estimator.covarianceTrace());
        double drift = Matrices.distance(after, before) / Matrices.norm(before);
        assertTrue(drift < 0.01, "gain drifted by " + drift);
        // nearly all quiet cycles held the model
        assertTrue(estimator.used() - usedBefore < 20, "quiet cycles used: " + (estimator.used() - usedBefore));
        assertTrue(estimator.confidence() < confidenceBefore, "confidence did not decay with age");
    }

    @Test
    void anIllConditionedPlantGivesABoundedTensorAndLowerConfidence() {
        Random random = new Random(5);
        double[] illConditioned = Matrices.withSingularValues(random, 2, 0.5, 2e-3);
        // little noise, so that the weak direction (gain 0.002) is identifiable at all
        SyntheticPlant wellPlant = new SyntheticPlant(6, GAIN, TAU, 0, 0.0005);
        SyntheticPlant illPlant = new SyntheticPlant(6, illConditioned, TAU, 0, 0.0005);
        PairEstimator well = new PairEstimator(Tuning.DEFAULTS, 0);
        PairEstimator ill = new PairEstimator(Tuning.DEFAULTS, 0);
        well.fold(wellPlant.run(3000), NO_DEAD_TIME, List.of());
        ill.fold(illPlant.run(3000), NO_DEAD_TIME, List.of());

        double[] g = new double[9];
        assertTrue(ill.gain(g));
        Svd3 svd = new Svd3().decompose(g);
        assertTrue(svd.condition() > 300 && svd.condition() < 3000, "estimated condition " + svd.condition());
        double[] t = new double[9];
        assertTrue(ill.tensor(t));
        double tNorm = new Svd3().decompose(t).norm2();
        // bounded by about 1/σ2 = 2, far below the exact inverse's 1/σ3 = 500
        assertTrue(tNorm < 3, "‖T‖ " + tNorm);
        assertTrue(
                ill.confidence() < 0.8 * well.confidence(),
                "ill " + ill.confidence() + " vs well " + well.confidence());
    }

    @Test
    void aConfiguredDeadTimeIdentifiesThePlantAndAWrongOneLowersConfidence() {
        SyntheticPlant plant = new SyntheticPlant(7, GAIN, TAU, 3, 0.01);
        List<Measurement> data = plant.run(3000);
        PairEstimator right = new PairEstimator(Tuning.DEFAULTS, 3);
        right.fold(data, new EstimatorSettings(3, 1, 1), List.of());
        assertTrue(relativeError(right, GAIN) < 0.03, "with dead time 3: " + relativeError(right, GAIN));

        PairEstimator wrong = new PairEstimator(Tuning.DEFAULTS, 0);
        wrong.fold(data, NO_DEAD_TIME, List.of());
        assertTrue(
                wrong.confidence() < 0.5 * right.confidence(),
                "wrong " + wrong.confidence() + " vs right " + right.confidence());
        // if the wrong model's gain is off, its confidence says so
        if (relativeError(wrong, GAIN) > 0.03) {
            assertTrue(wrong.confidence() < 0.3, "confident wrong gain: " + wrong.confidence());
        }
    }

    @Test
    void siblingContributionsAreTakenOffBeforeFitting() {
        double[] siblingInput = {0.3, 0.1, 0, 0, 0.2, 0.1, 0.1, 0, 0.2};
        SyntheticPlant plant = new SyntheticPlant(8, GAIN, TAU, 0, 0.01).sibling(siblingInput);
        List<Measurement> data = plant.run(3000);
        PairEstimator informed = new PairEstimator(Tuning.DEFAULTS, 0);
        informed.fold(data, NO_DEAD_TIME, plant.siblingContributions);
        PairEstimator blind = new PairEstimator(Tuning.DEFAULTS, 0);
        blind.fold(data, NO_DEAD_TIME, List.of());
        assertTrue(relativeError(informed, GAIN) < 0.02, "informed: " + relativeError(informed, GAIN));
        assertTrue(informed.residualDeviation(0) < 0.5 * blind.residualDeviation(0));
        assertTrue(informed.confidence() > blind.confidence());
    }

    @Test
    void restoredStateContinuesExactlyWhereItStopped() {
        SyntheticPlant plant = new SyntheticPlant(9, GAIN, TAU, 2, 0.01);
        List<Measurement> first = plant.run(1000);
        List<Measurement> second = plant.run(1000);
        EstimatorSettings settings = new EstimatorSettings(2, 0.99, 1);

        PairEstimator original = new PairEstimator(Tuning.DEFAULTS, 2);
        original.fold(first, settings, List.of());
        byte[] saved = original.toBytes();
        original.fold(second, settings, List.of());

        PairEstimator restored = PairEstimator.fromBytes(Tuning.DEFAULTS, saved);
        restored.fold(second, settings, List.of());
        assertArrayEquals(original.toBytes(), restored.toBytes());
        assertEquals(original.confidence(), restored.confidence());

        // and folding in two batches is folding in one
        PairEstimator whole = new PairEstimator(Tuning.DEFAULTS, 2);
        whole.fold(concat(first, second), settings, List.of());
        assertArrayEquals(whole.toBytes(), original.toBytes());
    }

    @Test
    void aCorruptStateIsRejectedWithTheReason() {
        byte[] state = new PairEstimator(Tuning.DEFAULTS, 1).toBytes();
        IllegalArgumentException truncated = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> PairEstimator.fromBytes(Tuning.DEFAULTS, java.util.Arrays.copyOf(state, 40)));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
    }

    @Test
    void confidenceRisesWithConsistentDataAndFallsWithNoise() {
        PairEstimator few = new PairEstimator(Tuning.DEFAULTS, 0);
        few.fold(new SyntheticPlant(10, GAIN, TAU, 0, 0.01).run(60), NO_DEAD_TIME, List.of());
        PairEstimator many = new PairEstimator(Tuning.DEFAULTS, 0);
        many.fold(new SyntheticPlant(10, GAIN, TAU, 0, 0.01).run(2000), NO_DEAD_TIME, List.of());
        assertTrue(many.confidence() > few.confidence(), many.confidence() + " <= " + few.confidence());

        PairEstimator noisy = new PairEstimator(Tuning.DEFAULTS, 0);
        noisy.fold(new SyntheticPlant(10, GAIN, TAU, 0, 0.2).run(2000), NO_DEAD_TIME, List.of());
        assertTrue(noisy.confidence() < many.confidence(), noisy.confidence() + " >= " + many.confidence());
    }

    private static List<Measurement> concat(List<Measurement> a, List<Measurement> b) {
        List<Measurement> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
