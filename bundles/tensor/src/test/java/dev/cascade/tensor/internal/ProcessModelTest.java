package dev.cascade.tensor.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.estimation.EstimatorSettings;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The process estimator's model on {@link ProcessPlant}: the demo's nine channels (3-30 s, dead times up to
 * 3 s), measurement noise, drift, sampled at 10 Hz.
 */
class ProcessModelTest {

    private static final EstimatorSettings SETTINGS = new EstimatorSettings(0, 0.995, ProcessPlant.DT);

    static double relativeError(ProcessModel model, double[] truth) {
        double[] g = new double[9];
        assertTrue(model.gain(g), "no gain estimated");
        double diff = 0, norm = 0;
        for (int i = 0; i < 9; i++) {
            diff += (g[i] - truth[i]) * (g[i] - truth[i]);
            norm += truth[i] * truth[i];
        }
        return Math.sqrt(diff / norm);
    }

    static ProcessModel fit(ProcessPlant plant, int cycles, EstimatorSettings settings) {
        ProcessModel model = new ProcessModel(ProcessTuning.DEFAULTS, settings.deadTime());
        model.fold(plant.run(cycles), settings, List.of());
        return model;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void recoversTheDemoGainFromNoisyProbingWithin12Percent(long seed) {
        ProcessModel model = fit(new ProcessPlant(seed, ProcessPlant.DEAD, 1), 6000, SETTINGS);
        double error = relativeError(model, ProcessPlant.GAIN);
        assertTrue(error < 0.12, "relative error " + error);
        assertTrue(model.confidence() > 0.2, "confidence " + model.confidence());
        for (int axis = 0; axis < 3; axis++) {
            double tau = model.timeConstant(axis, ProcessPlant.DT);
            assertTrue(tau > 2 && tau < 30, "time constant of axis " + axis + ": " + tau);
        }
    }

    @Test
    void lateCyclesAndASampleReadTwiceAreNoGapButLostMeasurementsAre() {
        // as in the running distribution: the parent is sampled at 20 Hz on its own thread, the loop reads it
        // at 10 Hz, so a time stamp may repeat or jump by 150-200 ms when a cycle is late
        java.util.Random random = new java.util.Random(11);
        List<Measurement> measured = new ProcessPlant(11, ProcessPlant.DEAD, 1).run(6000);
        List<Measurement> jittered = new java.util.ArrayList<>();
        long t = 0;
        for (Measurement m : measured) {
            t += switch (random.nextInt(10)) {
                case 0 -> 0;
                case 1 -> 200;
                case 2, 3 -> 50;
                case 4, 5 -> 150;
                default -> 100;
            };
            jittered.add(new Measurement(m.pair(), t, m.parent(), m.error(), m.adjustment(), m.quality()));
        }
        ProcessModel model = new ProcessModel(ProcessTuning.DEFAULTS, 0);
        model.fold(jittered, SETTINGS, List.of());
        assertTrue(
                relativeError(model, ProcessPlant.GAIN) < 0.12,
                "relative error " + relativeError(model, ProcessPlant.GAIN));
        long usedBefore = model.used();
        // measurements lost for 2 s: the filters restart, and the model waits 3 x 20 s before it learns again
        ProcessPlant later = new ProcessPlant(12, ProcessPlant.DEAD, 1);
        List<Measurement> after = new java.util.ArrayList<>();
        for (Measurement m : later.run(500)) {
            after.add(new Measurement(
                    m.pair(), t + 2000 + m.timestamp(), m.parent(), m.error(), m.adjustment(), m.quality()));
        }
        model.fold(after, SETTINGS, List.of());
        assertEquals(usedBefore, model.used(), "50 s after the gap, within the 60 s it waits, no row updated the gain");
    }

    @Test
    void aDriftOfTheParentIsFollowedByTheOffsetNotBlamedOnTheGain() {
        // 7 noise deviations on every axis (0.2 °C, 1 %, 2 kW) over 900 s: about the demo's IT-load drift
        ProcessModel drifting = fit(new ProcessPlant(4, ProcessPlant.DEAD, 1).drift(7), 6000, SETTINGS);
        ProcessTuning constant = new ProcessTuning(1, new double[] {2, 6, 20}, 1e4, 1e5, 0, 0, 30, 600, 0.2);
        ProcessModel fixed = new ProcessModel(constant, 0);
        fixed.fold(new ProcessPlant(4, ProcessPlant.DEAD, 1).drift(7).run(6000), SETTINGS, List.of());
        double walking = relativeError(drifting, ProcessPlant.GAIN);
        double still = relativeError(fixed, ProcessPlant.GAIN);
        System.out.printf("drift: random-walk offset %.3f, constant offset %.3f%n", walking, still);
        assertTrue(walking < 0.2, "relative error " + walking);
        assertTrue(walking < still, "a constant offset did better: " + still);
    }

    @Test
    void moreConsistentDataRaisesConfidenceAndNoiseLowersIt() {
        ProcessModel few = fit(new ProcessPlant(5, ProcessPlant.DEAD, 1), 1200, SETTINGS);
        ProcessModel many = fit(new ProcessPlant(5, ProcessPlant.DEAD, 1), 6000, SETTINGS);
        ProcessModel noisy = fit(new ProcessPlant(5, ProcessPlant.DEAD, 4), 6000, SETTINGS);
        assertTrue(many.confidence() > few.confidence(), many.confidence() + " <= " + few.confidence());
        assertTrue(noisy.confidence() < many.confidence(), noisy.confidence() + " >= " + many.confidence());
    }

    @Test
    void aDeadTimeLongerThanThePlantsLowersConfidenceRatherThanGivingAConfidentWrongGain() {
        double[] none = new double[9];
        ProcessModel right = fit(new ProcessPlant(6, none, 1), 6000, SETTINGS);
        // 5 s configured on a plant that answers at once: the model cannot see the first 5 s of each response
        EstimatorSettings wrongSettings = new EstimatorSettings(50, 0.995, ProcessPlant.DT);
        ProcessModel wrong = fit(new ProcessPlant(6, none, 1), 6000, wrongSettings);
        double rightError = relativeError(right, ProcessPlant.GAIN);
        double wrongError = relativeError(wrong, ProcessPlant.GAIN);
        System.out.printf(
                "dead time right: error %.3f confidence %.3f; wrong: error %.3f confidence %.3f%n",
                rightError, right.confidence(), wrongError, wrong.confidence());
        assertTrue(rightError < 0.12, "with the right dead time: " + rightError);
        assertTrue(wrong.confidence() < 0.5 * right.confidence(), wrong.confidence() + " vs " + right.confidence());
    }

    @Test
    void aQuietLoopHoldsTheGainAndTheCovarianceAndConfidenceDecaysWithAge() {
        ProcessTuning gated = new ProcessTuning(1, new double[] {2, 6, 20}, 1e4, 1e5, 0.5, 0.1, 30, 600, 0.2);
        ProcessPlant plant = new ProcessPlant(7, ProcessPlant.DEAD, 1);
        ProcessModel model = new ProcessModel(gated, 0);
        model.fold(plant.run(6000), SETTINGS, List.of());
        double[] before = new double[9];
        model.gain(before);
        double confidenceBefore = model.confidence();
        long usedBefore = model.used();
        plant.excitation(0);
        model.fold(plant.run(20_000), SETTINGS, List.of());
        double[] after = new double[9];
        model.gain(after);
        double drift = 0, norm = 0;
        for (int i = 0; i < 9; i++) {
            drift += (after[i] - before[i]) * (after[i] - before[i]);
            norm += before[i] * before[i];
        }
        // the response to the last flip unfolds for 3 x 20 s after it; nothing after that updates the gain
        assertTrue(model.used() - usedBefore <= 60, "quiet rows used: " + (model.used() - usedBefore));
        assertTrue(Math.sqrt(drift / norm) < 0.1, "gain drifted by " + Math.sqrt(drift / norm));
        assertTrue(model.covarianceTrace() <= gated.traceMax(), "trace " + model.covarianceTrace());
        assertTrue(model.confidence() < 0.5 * confidenceBefore, model.confidence() + " vs " + confidenceBefore);
    }

    @Test
    void restoredStateContinuesExactlyWhereItStopped() {
        ProcessPlant plant = new ProcessPlant(8, ProcessPlant.DEAD, 1);
        List<Measurement> first = plant.run(2345);
        List<Measurement> second = plant.run(1234);
        ProcessModel original = new ProcessModel(ProcessTuning.DEFAULTS, 0);
        original.fold(first, SETTINGS, List.of());
        ProcessModel restored = ProcessModel.fromBytes(ProcessTuning.DEFAULTS, original.toBytes());
        assertArrayEquals(original.toBytes(), restored.toBytes());
        original.fold(second, SETTINGS, List.of());
        restored.fold(second, SETTINGS, List.of());
        assertArrayEquals(original.toBytes(), restored.toBytes());
        assertEquals(original.confidence(), restored.confidence());

        ProcessModel whole = new ProcessModel(ProcessTuning.DEFAULTS, 0);
        ProcessPlant again = new ProcessPlant(8, ProcessPlant.DEAD, 1);
        whole.fold(again.run(2345 + 1234), SETTINGS, List.of());
        assertArrayEquals(whole.toBytes(), original.toBytes(), "one batch or two: the same state");
    }

    @Test
    void aCorruptStateIsRejectedWithTheReason() {
        byte[] bytes =
                fit(new ProcessPlant(9, ProcessPlant.DEAD, 1), 500, SETTINGS).toBytes();
        IllegalArgumentException truncated = assertThrows(
                IllegalArgumentException.class,
                () -> ProcessModel.fromBytes(ProcessTuning.DEFAULTS, java.util.Arrays.copyOf(bytes, 100)));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 8);
        IllegalArgumentException extra = assertThrows(
                IllegalArgumentException.class, () -> ProcessModel.fromBytes(ProcessTuning.DEFAULTS, longer));
        assertTrue(extra.getMessage().contains("more than format"), extra.getMessage());
    }

    @Test
    void aBadTuningIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new ProcessTuning(1, new double[] {2, 6}, 1e4, 1e5, 0, 0.1, 30, 600, 0.2));
        assertTrue(e.getMessage().contains("filter time constants"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new ProcessTuning(1, new double[] {2, 6, 20}, 1e4, 1e4, 0, 0.1, 30, 600, 0.2));
        assertTrue(e.getMessage().contains("trace bound"), e.getMessage());
    }
}
