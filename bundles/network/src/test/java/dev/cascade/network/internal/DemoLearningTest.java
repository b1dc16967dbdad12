package dev.cascade.network.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.PairState;
import dev.cascade.api.network.NetworkMetrics;
import dev.cascade.api.network.OptimizerMetrics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The demo pair with no initial tensor, in simulated time ({@link DemoRun}: the demo's plant, the core's
 * cycle, the network, the optimizer with the process estimator, the cache and the engine's swap): the pair
 * probes within its bounds and does not act on a tensor below its floor, every measurement it produces
 * reaches the estimator exactly once, and it learns the plant and brings the error down.
 *
 */
class DemoLearningTest {

    private static final double PROBE = 5;

    @TempDir
    Path dir;

    static Map<String, String> pairWithoutTensor() {
        Map<String, String> c = new HashMap<>();
        c.put("id", "hall1");
        c.put("parent", "hall-1");
        c.put("child", "crah-1");
        c.put("setpoint", "24.0, 45.0, 120.0");
        c.put("rate", "10");
        c.put("probeAmplitude", PROBE + ", " + PROBE + ", " + PROBE);
        return c;
    }

    /** The distribution's demo pair (launcher etc/dev.cascade.pair-hall1.cfg): no tensor, learns. */
    static Map<String, String> demoPair() {
        Map<String, String> c = pairWithoutTensor();
        c.put("kp", "2.0");
        c.put("ki", "0.1");
        c.put("probeAmplitude", "10, 10, 10");
        c.put("probeUntil", "0.5");
        return c;
    }

    /**
     * Learning from scratch, and again after the plant change at 600 s (valve authority x 0.7: the gain moves
     * by 27 % relative Frobenius). Measured for seeds 1-3 (bundles/network/README.md): the first update after
     * 6 s, confidence above the floor 0.2 after 85-92 s, the 10 s RMS error 1.5-2.0 at 210 s and below 0.8
     * after 239-249 s; after the change the estimate is within 7-16 % of the new gain at 1200 s, and the RMS
     * error stays at or below 0.91-1.21 from 1200 to 1500 s (the probe goes on, at up to half its amplitude,
     * while confidence is below 0.5, which costs that much over the noise floor of 0.34; with the configured
     * tensor and no probe it is 0.37-0.45). Asserted with margin: confidence above the floor within 120 s,
     * RMS below 0.8 within 300 s, learned gain within 20 % of the plant's by then; within 20 % of the changed
     * plant's by 1200 s; RMS below 1.5 in every 10 s window from 1200 to 1500 s.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void withoutATensorThePairLearnsThePlantAndRelearnsItAfterItChanged(long seed) throws Exception {
        try (DemoRun run = new DemoRun(demoPair(), seed, dir)) {
            double floor = run.pair.confidenceFloor();
            double confidentAt = Double.NaN;
            double belowAt = Double.NaN;
            while (run.seconds() < 300 && Double.isNaN(belowAt)) {
                run.cycle();
                if (Double.isNaN(confidentAt) && run.pair.confidence(run.millis.get()) >= floor) {
                    confidentAt = run.seconds();
                }
                if (run.seconds() > 60 && run.pair.rms() < 0.8) {
                    belowAt = run.seconds();
                }
            }
            double learnedError = run.gainError();
            assertTrue(run.pair.tensorVersion() > 0, "no tensor learned");
            assertTrue(confidentAt <= 120, "confidence above the floor only at " + confidentAt + " s");
            assertTrue(belowAt <= 300, "RMS error " + run.pair.rms() + " still at or above 0.8 at " + run.seconds());
            assertTrue(run.gainError() < 0.2, "learned gain off by " + run.gainError() + " at " + run.seconds());

            while (run.seconds() < 1200) {
                run.cycle();
            }
            assertTrue(run.hall.gainChangeSeconds() < 1200);
            double relearnedError = run.gainError();
            assertTrue(relearnedError < 0.2, "gain off the changed plant's by " + relearnedError + " at 1200 s");
            double worst = 0;
            while (run.seconds() < 1500) {
                run.cycle();
                worst = Math.max(worst, run.pair.rms());
            }
            // the measurements behind the thresholds, for the README
            System.out.printf(
                    "demo seed %d: confident at %.0f s, RMS < 0.8 at %.0f s (gain error %.3f); gain error at 1200 s"
                            + " %.3f; worst RMS 1200-1500 s %.2f%n",
                    seed, confidentAt, belowAt, learnedError, relearnedError, worst);
            assertTrue(worst < 1.5, "RMS error up to " + worst + " between 1200 and 1500 s");
            assertEquals(0, run.cache.rejected());
            assertEquals(0, run.optimizer.metrics().failures());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void withoutATensorThePairProbesWithinItsBoundsAndEveryMeasurementIsFoldedOnce(long seed) throws Exception {
        try (DemoRun run = new DemoRun(pairWithoutTensor(), seed, dir)) {
            double floor = run.pair.confidenceFloor();
            while (run.seconds() < 300) {
                // the confidence this cycle acts on: an update folded in the batcher's tick lands after it
                boolean confident = run.pair.confidence(run.millis.get()) >= floor;
                run.cycle();
                assertEquals(
                        confident ? PairState.RUNNING : PairState.HOLDING,
                        run.pair.state(),
                        "below its floor the pair only probes, at " + run.seconds() + " s");
                for (int axis = 0; axis < 3 && !confident; axis++) {
                    assertTrue(
                            Math.abs(run.pair.output(axis)) <= PROBE + 1e-9,
                            "probing stays within +-" + PROBE + " on axis " + axis + ": " + run.pair.output(axis));
                }
            }
            NetworkMetrics network = run.network.metrics();
            OptimizerMetrics optimizer = run.optimizer.metrics();
            assertEquals(3000, network.collected(), "one measurement per cycle, 10 Hz for 300 s");
            assertEquals(0, network.overwritten());
            assertEquals(network.batchesCut(), optimizer.batchesFolded(), "every batch cut was folded");
            assertEquals(0, optimizer.duplicates());
            // batches are cut by age (1 s): at most a second of measurements is still waiting in the ring
            long waiting = network.collected() - optimizer.measurementsFolded();
            assertTrue(waiting >= 0 && waiting <= 10, "measurements not yet folded: " + waiting);
            assertEquals(0, run.cache.rejected());
        }
    }
}
