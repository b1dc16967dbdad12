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
 * <p>Not asserted, because it does not hold for every seed: that the tensor is re-learned after the plant
 * change at 600 s (bundles/network/README.md, "Learning the demo").
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

    /**
     * Learning from scratch. Measured (seeds 1-3, kp 2, ki 0.1 as the demo's configuration): the first
     * update after 6 s, confidence above the floor 0.2 after 150-180 s, the 10 s RMS of the error norm
     * 0.51-0.67 at 360 s and 0.40-0.57 at 420 s, the gain within 7-12 % (relative Frobenius) of the plant's.
     * Asserted with margin: RMS below 0.8 within 420 s (the noise floor is 0.34; with the configured tensor
     * the loop reaches 0.37 after 90 s, bundles/demo/README.md), gain within 20 %.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void withoutATensorThePairLearnsThePlantAndBringsTheErrorDown(long seed) throws Exception {
        Map<String, String> config = pairWithoutTensor();
        config.put("kp", "2.0");
        config.put("ki", "0.1");
        try (DemoRun run = new DemoRun(config, seed, dir)) {
            double floor = run.pair.confidenceFloor();
            double confidentAt = Double.NaN;
            double belowAt = Double.NaN;
            while (run.seconds() < 420 && Double.isNaN(belowAt)) {
                run.cycle();
                if (Double.isNaN(confidentAt) && run.pair.confidence(run.millis.get()) >= floor) {
                    confidentAt = run.seconds();
                }
                if (run.seconds() > 60 && run.pair.rms() < 0.8) {
                    belowAt = run.seconds();
                }
            }
            assertTrue(run.pair.tensorVersion() > 0, "no tensor learned");
            assertTrue(confidentAt <= 240, "confidence above the floor only at " + confidentAt + " s");
            assertTrue(belowAt <= 420, "RMS error " + run.pair.rms() + " still at or above 0.8 at " + run.seconds());
            assertTrue(run.gainError() < 0.2, "learned gain off by " + run.gainError());
            assertEquals(0, run.cache.rejected());
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
