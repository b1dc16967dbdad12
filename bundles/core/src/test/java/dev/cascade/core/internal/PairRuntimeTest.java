package dev.cascade.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.Filter;
import dev.cascade.api.control.FilterStage;
import dev.cascade.api.control.MeasurementCollector;
import dev.cascade.api.control.PairState;
import dev.cascade.api.domain.DomainAdapter;
import dev.cascade.api.domain.Quality;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cycle of one pair, driven step by step against {@link TestPlant}: control law and safety. */
class PairRuntimeTest {

    private static final long PERIOD = 100_000_000L; // 10 Hz
    /** A budget no filter call here comes near, even the first (class loading), except the overrun test's. */
    private static final long GENEROUS = 1_000_000;

    private static final double[] IDENTITY = {1, 0, 0, 0, 1, 0, 0, 0, 1};

    private final TestPlant plant = new TestPlant(IDENTITY);
    private final List<FilterSlot> filters = new ArrayList<>();
    private final Fence fence = new Fence();
    private PairRuntime pair;
    private PairSettings settings;
    private long now = 1_000_000_000L;
    private long wall = 1_700_000_000_000L;

    private void configure(String... keyValues) {
        settings = Configs.settings(keyValues);
        if (pair == null) {
            pair = new PairRuntime("pid", settings);
        }
    }

    private double[] cycle() {
        double[] before = plant.u.clone();
        Plan.Entry entry =
                new Plan.Entry(pair, settings, plant.parent, plant.child, new PairRuntime[0], chain(), 1, "", 1, 2);
        pair.cycle(entry, now, wall, null, fence);
        now += PERIOD;
        wall += 100;
        plant.step(0.1);
        return new double[] {plant.u[0] - before[0], plant.u[1] - before[1], plant.u[2] - before[2]};
    }

    private FilterChain chainCache = FilterChain.EMPTY;
    private List<FilterSlot> chainOf = List.of();

    private FilterChain chain() {
        if (!chainOf.equals(filters)) {
            chainOf = List.copyOf(filters);
            chainCache = FilterChain.of(chainOf, settings);
        }
        return chainCache;
    }

    private void filter(Filter f, FilterStage stage, long budgetMicros) {
        filters.add(
                new FilterSlot(f, "f" + filters.size(), stage, 0, filters.size(), PairTarget.ALL, budgetMicros * 1000));
    }

    @Test
    void decouplingPiDrivesTheErrorToZeroOnACoupledPlant() {
        // a coupled plant and T = G^-1: the integral removes the offset on every axis
        double[] g = {2, 0.5, 0, 0.3, 1, 0.2, 0, 0.4, 1.5};
        TestPlant coupled = new TestPlant(g);
        double[] t = Matrix.inverse(g);
        settings = Configs.settings("setpoint", "1, -2, 0.5", "kp", "1", "ki", "1", "initialTensor", Matrix.csv(t));
        pair = new PairRuntime("pid", settings);
        for (int k = 0; k < 300; k++) {
            Plan.Entry entry = new Plan.Entry(
                    pair, settings, coupled.parent, coupled.child, new PairRuntime[0], FilterChain.EMPTY, 1, "", 1, 2);
            pair.cycle(entry, now, wall, null, fence);
            now += PERIOD;
            wall += 100;
            coupled.step(0.1);
        }
        assertArrayEquals(new double[] {1, -2, 0.5}, coupled.y, 1e-3);
        assertEquals(PairState.RUNNING, pair.state);
        assertTrue(pair.rms() < 0.5, "rms over the window " + pair.rms());
    }

    @Test
    void rmsIsAnExponentialWindowOfTenSecondsWithoutStartBias() {
        configure("setpoint", "3, 4, 0", "ki", "0", "kp", "0"); // no control: the error stays (3, 4, 0)
        cycle();
        assertEquals(5, pair.rms(), 1e-9, "one sample: its own norm, not biased towards 0");
        for (int k = 0; k < 999; k++) { // 100 s: the start correction has faded
            cycle();
        }
        assertEquals(5, pair.rms(), 1e-9);
        plant.offset[0] = 3; // the error drops to (0, 4, 0): norm 4
        plant.y[0] = 3;
        for (int k = 0; k < 100; k++) { // 10 s = one time constant at 10 Hz
            cycle();
        }
        double expected = Math.sqrt(16 + (25 - 16) * Math.exp(-1));
        assertEquals(expected, pair.rms(), 0.05, "after one time constant, e^-1 of the old level remains");
    }

    @Test
    void newSettingsGiveTheCycleAFreshFrame() {
        // a stale cycle writes no error into the frame: right after new settings the collector
        // sees that of a new frame (0), not the last cycle's, as when the frame was a new object
        configure("setpoint", "3, 4, 0", "ki", "1");
        for (int k = 0; k < 5; k++) {
            cycle();
        }
        configure("setpoint", "2, 4, 0", "ki", "1");
        plant.quality = Quality.BAD;
        List<double[]> seen = new ArrayList<>();
        MeasurementCollector collector = m -> seen.add(new double[] {m.error(0), m.error(1), m.error(2)});
        Plan.Entry entry =
                new Plan.Entry(pair, settings, plant.parent, plant.child, new PairRuntime[0], chain(), 1, "", 1, 2);
        pair.cycle(entry, now, wall, collector, fence);
        assertEquals(1, seen.size());
        assertArrayEquals(new double[] {0, 0, 0}, seen.get(0));
        assertEquals(PairState.HOLDING, pair.state);
        // and after good cycles the law runs as before
        plant.quality = Quality.GOOD;
        now += PERIOD;
        wall += 100;
        pair.cycle(entry, now, wall, collector, fence);
        assertEquals(PairState.RUNNING, pair.state);
        assertTrue(seen.get(1)[1] != 0, "the error is back: " + seen.get(1)[1]);
    }

    @Test
    void rateLimitBoundsEveryIncrement() {
        configure("setpoint", "100, 100, 100", "ki", "10", "maxRate", "1, 2, 0.5");
        for (int k = 0; k < 20; k++) {
            double[] a = cycle();
            assertTrue(
                    Math.abs(a[0]) <= 0.1 + 1e-12 && Math.abs(a[1]) <= 0.2 + 1e-12 && Math.abs(a[2]) <= 0.05 + 1e-12,
                    java.util.Arrays.toString(a));
        }
        assertEquals(2.0, plant.u[0], 1e-9, "rate-limited ramp, 0.1 per cycle");
    }

    @Test
    void outputClampsBoundTheSumOfIncrements() {
        configure("setpoint", "100, -100, 0", "ki", "10", "outputMin", "-1, -2, -3", "outputMax", "0.5, 2, 3");
        for (int k = 0; k < 50; k++) {
            cycle();
        }
        assertEquals(0.5, plant.u[0], 1e-12);
        assertEquals(-2, plant.u[1], 1e-12);
        assertEquals(0.5, pair.output(0), 1e-12);
    }

    @Test
    void holdPolicyAppliesNothingOnBadData() {
        configure("setpoint", "1, 1, 1", "ki", "1");
        for (int k = 0; k < 10; k++) {
            cycle();
        }
        plant.quality = Quality.BAD;
        double[] held = plant.u.clone();
        for (int k = 0; k < 10; k++) {
            assertArrayEquals(new double[] {0, 0, 0}, cycle());
        }
        assertArrayEquals(held, plant.u);
        assertEquals(PairState.HOLDING, pair.state);
        assertTrue(pair.reason.contains("holding"), pair.reason);
        assertEquals(10, pair.staleCycles);
    }

    @Test
    void rampPolicyWalksTheOutputBackToNeutralAtTheRateLimit() {
        configure("setpoint", "1, 1, 1", "ki", "5", "maxRate", "1, 1, 1", "stalePolicy", "ramp");
        for (int k = 0; k < 30; k++) {
            cycle();
        }
        assertTrue(plant.u[0] > 0.5, "output built up: " + plant.u[0]);
        plant.quality = Quality.BAD;
        double start = plant.u[0];
        double[] a = cycle();
        assertEquals(-0.1, a[0], 1e-12, "one rate-limited step towards neutral");
        for (int k = 0; k < 100; k++) {
            cycle();
        }
        assertEquals(0, plant.u[0], 1e-12, "back to neutral from " + start);
    }

    @Test
    void zeroPolicyReturnsToNeutralAtOnce() {
        configure("setpoint", "1, 1, 1", "ki", "5", "maxRate", "1, 1, 1", "stalePolicy", "zero");
        for (int k = 0; k < 30; k++) {
            cycle();
        }
        plant.quality = Quality.BAD;
        cycle();
        assertArrayEquals(new double[] {0, 0, 0}, plant.u, 1e-12);
    }

    @Test
    void anOldTimestampIsStale() {
        configure("setpoint", "1, 1, 1", "staleTimeoutMillis", "500");
        cycle();
        plant.timestamp = wall - 501;
        double[] a = cycle();
        assertArrayEquals(new double[] {0, 0, 0}, a);
        assertEquals(PairState.HOLDING, pair.state);
    }

    @Test
    void nanOrInfiniteMeasurementIsTreatedAsBadData() {
        configure("setpoint", "1, 1, 1");
        cycle();
        plant.y[1] = Double.NaN;
        assertArrayEquals(new double[] {0, 0, 0}, cycle());
        plant.y[1] = Double.POSITIVE_INFINITY;
        assertArrayEquals(new double[] {0, 0, 0}, cycle());
        assertEquals(2, pair.nonFinite);
        assertEquals(PairState.HOLDING, pair.state);
        plant.y[1] = 0;
        cycle();
        assertEquals(PairState.RUNNING, pair.state);
    }

    @Test
    void maskedAxesIgnoreTheirMeasurementAndGetNoAdjustment() {
        configure("setpoint", "1, 1, 1", "axes", "x, z", "ki", "1");
        plant.y[1] = Double.NaN; // the y sensor does not exist in this domain
        double[] a = cycle();
        assertEquals(0, a[1]);
        assertTrue(a[0] > 0 && a[2] > 0);
    }

    @Test
    void aThrowingAdapterCountsAFaultAndTheLoopGoesOn() {
        configure("setpoint", "1, 1, 1");
        plant.parentFailure = new IllegalStateException("sensor bus down");
        assertArrayEquals(new double[] {0, 0, 0}, cycle());
        assertEquals(1, pair.adapterFaults);
        plant.parentFailure = null;
        cycle();
        assertEquals(PairState.RUNNING, pair.state);
    }

    @Test
    void belowTheConfidenceFloorThePairHolds() {
        configure("setpoint", "1, 1, 1", "initialConfidence", "0.1", "confidenceFloor", "0.2");
        assertArrayEquals(new double[] {0, 0, 0}, cycle());
        assertEquals(PairState.HOLDING, pair.state);
    }

    @Test
    void belowTheFloorAProbeMovesTheOutputWithinItsAmplitude() {
        configure("setpoint", "1, 1, 1", "initialConfidence", "0.1", "probeAmplitude", "2, 0, 1");
        double[] output = new double[3];
        int flips = 0;
        for (int k = 0; k < 3000; k++) {
            double[] a = cycle();
            for (int j = 0; j < 3; j++) {
                output[j] += a[j];
                flips += a[j] != 0 ? 1 : 0;
            }
            assertEquals(PairState.HOLDING, pair.state);
            assertTrue(Math.abs(output[0]) == 2 && output[1] == 0 && Math.abs(output[2]) == 1, Arrays.toString(output));
        }
        // on average a flip per axis every half closed-loop time constant (5 s): about 60 per axis in 300 s
        assertTrue(flips > 60 && flips < 240, "flips " + flips);
    }

    @Test
    void betweenTheFloorAndProbeUntilTheProbeGoesOnAtUpToHalfItsAmplitudeOnTopOfTheControlLaw() {
        // kp = ki = 0: the control law adds nothing, so what moves is the probe
        configure(
                "setpoint",
                "0, 0, 0",
                "kp",
                "0",
                "ki",
                "0",
                "initialConfidence",
                "0.35",
                "confidenceFloor",
                "0.2",
                "probeAmplitude",
                "10, 10, 10",
                "probeUntil",
                "0.5");
        double expected = 10 * 0.5 * (0.5 - 0.35) / (0.5 - 0.2);
        double[] output = new double[3];
        boolean positive = false, negative = false;
        for (int k = 0; k < 3000; k++) {
            double[] a = cycle();
            assertEquals(PairState.RUNNING, pair.state);
            for (int j = 0; j < 3; j++) {
                output[j] += a[j];
                assertEquals(expected, Math.abs(output[j]), 1e-9, "probe offset on axis " + j);
            }
            positive |= output[0] > 0;
            negative |= output[0] < 0;
        }
        assertTrue(positive && negative, "the probe flips");
    }

    @Test
    void atOrAboveProbeUntilOrWithoutItARunningPairDoesNotProbe() {
        configure(
                "setpoint",
                "0, 0, 0",
                "kp",
                "0",
                "ki",
                "0",
                "initialConfidence",
                "0.6",
                "probeAmplitude",
                "10, 10, 10",
                "probeUntil",
                "0.5");
        for (int k = 0; k < 600; k++) {
            assertArrayEquals(new double[] {0, 0, 0}, cycle());
        }
        pair = null;
        configure(
                "setpoint",
                "0, 0, 0",
                "kp",
                "0",
                "ki",
                "0",
                "initialConfidence",
                "0.35",
                "probeAmplitude",
                "10, 10, 10");
        for (int k = 0; k < 600; k++) {
            assertArrayEquals(new double[] {0, 0, 0}, cycle());
        }
    }

    @Test
    void confidenceScalesTheAdjustment() {
        configure("setpoint", "1, 1, 1", "kp", "0", "ki", "1", "initialConfidence", "0.5");
        double[] a = cycle();
        assertEquals(0.5 * 1 * 0.1 * 1, a[0], 1e-12);
    }

    @Test
    void saturatedActuatorIsNotPushedFurther() {
        configure("setpoint", "1, -1, 1", "ki", "1");
        plant.saturation = new int[] {1, -1, 0};
        double[] a = cycle();
        assertEquals(0, a[0], "no further up on a saturated-high axis");
        assertEquals(0, a[1], "no further down on a saturated-low axis");
        assertTrue(a[2] > 0);
        plant.y[0] = 5; // error now asks to come down: leaving saturation is immediate
        a = cycle();
        assertTrue(a[0] < 0);
    }

    @Test
    void aFilterIsCalledAtMostAtItsMaximumCallRateAndSkippedInBetween() {
        configure("setpoint", "1, 1, 1", "kp", "0", "ki", "1"); // 10 Hz
        List<Long> calledOn = new java.util.ArrayList<>();
        filters.add(new FilterSlot(
                frame -> {
                    calledOn.add(frame.cycle());
                    frame.adjustment(0, 1e6); // skipped cycles must not show this
                },
                "four-a-second",
                FilterStage.POST,
                0,
                0,
                PairTarget.ALL,
                GENEROUS * 1000,
                4));
        for (int k = 0; k < 100; k++) { // 10 s at 10 Hz
            double[] a = cycle();
            boolean called = !calledOn.isEmpty() && calledOn.get(calledOn.size() - 1) == k;
            assertEquals(called, a[0] > 1000, "cycle " + k + ": the filter's output only when it was called");
        }
        assertEquals(40, calledOn.size(), "4 calls a second over 10 s: " + calledOn);
        assertEquals(0, calledOn.get(0), "the first cycle calls it");
        for (int i = 0; i + 4 < calledOn.size(); i++) {
            assertTrue(calledOn.get(i + 4) - calledOn.get(i) >= 10, "at most 4 calls in any second: " + calledOn);
        }
        assertEquals(0, filters.get(0).faults.get(), "a skipped call is not a fault");
    }

    @Test
    void aMaximumCallRateAboveThePairsRateChangesNothing() {
        configure("setpoint", "1, 1, 1", "kp", "0", "ki", "1");
        int[] calls = {0};
        filters.add(new FilterSlot(
                frame -> calls[0]++, "fast", FilterStage.PRE, 0, 0, PairTarget.ALL, GENEROUS * 1000, 50));
        for (int k = 0; k < 30; k++) {
            cycle();
        }
        assertEquals(30, calls[0]);
    }

    @Test
    void aBadMaximumCallRateIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new FilterSlot(frame -> {}, "f", FilterStage.PRE, 0, 0, PairTarget.ALL, 1000, -1));
        assertTrue(e.getMessage().contains("maxCallRate = -1.0"), e.getMessage());
    }

    @Test
    void throwingFilterIsBypassedAndCountedWhileOthersRun() {
        configure("setpoint", "1, 1, 1", "kp", "0", "ki", "1");
        filter(
                frame -> {
                    throw new IllegalStateException("bug in a market tool");
                },
                FilterStage.PRE,
                GENEROUS);
        filter(frame -> frame.adjustment(0, frame.adjustment(0) * 2), FilterStage.POST, GENEROUS);
        double[] a = cycle();
        assertEquals(2 * 0.1, a[0], 1e-12, "the post filter still ran");
        assertEquals(1, filters.get(0).faults.get());
        assertEquals(FilterSlot.Fault.THREW, filters.get(0).lastFault);
    }

    @Test
    void filterWritingNonFiniteIsBypassed() {
        configure("setpoint", "1, 1, 1", "kp", "0", "ki", "1");
        filter(frame -> frame.error(1, Double.NaN), FilterStage.PRE, GENEROUS);
        filter(frame -> frame.adjustment(2, Double.POSITIVE_INFINITY), FilterStage.TRANSFORM, GENEROUS);
        double[] a = cycle();
        assertArrayEquals(new double[] {0.1, 0.1, 0.1}, a, 1e-12);
        assertEquals(FilterSlot.Fault.NON_FINITE, filters.get(0).lastFault);
        assertEquals(FilterSlot.Fault.NON_FINITE, filters.get(1).lastFault);
    }

    @Test
    void aBypassedFilterLeavesWhatTheFiltersBeforeItInTheSameStageWrote() {
        configure("setpoint", "1, 1, 1", "kp", "0", "ki", "1");
        plant.tau = Double.POSITIVE_INFINITY; // the parent stays at 0: the error is 1 on every cycle
        filter(frame -> frame.error(0, frame.error(0) * 2), FilterStage.PRE, GENEROUS);
        filter(
                frame -> {
                    frame.error(0, frame.error(0) * 3);
                    frame.error(1, Double.NaN);
                },
                FilterStage.PRE,
                GENEROUS);
        filter(
                frame -> {
                    frame.error(2, 5);
                    throw new IllegalStateException("wrote, then threw");
                },
                FilterStage.PRE,
                GENEROUS);
        filter(frame -> frame.error(1, frame.error(1) + 1), FilterStage.PRE, GENEROUS);
        filter(frame -> frame.adjustment(2, frame.adjustment(2) * 4), FilterStage.POST, GENEROUS);
        filter(frame -> frame.adjustment(2, Double.NaN), FilterStage.POST, GENEROUS);
        for (int i = 0; i < 3; i++) {
            double[] a = cycle();
            // error (2, 2, 1): the first filter's doubling kept, the NaN filter's tripling and the throwing
            // filter's 5 undone, the last pre filter's +1 applied; then the post stage's 4x on z kept
            assertArrayEquals(new double[] {0.2, 0.2, 0.4}, a, 1e-12, "cycle " + i);
        }
        assertEquals(FilterSlot.Fault.NON_FINITE, filters.get(1).lastFault);
        assertEquals(FilterSlot.Fault.THREW, filters.get(2).lastFault);
        assertEquals(FilterSlot.Fault.NON_FINITE, filters.get(5).lastFault);
        assertEquals(
                0,
                filters.get(0).faults.get()
                        + filters.get(3).faults.get()
                        + filters.get(4).faults.get());
    }

    @Test
    void overrunningFilterIsBypassedOnATimedCycle() {
        configure("setpoint", "1, 1, 1", "kp", "0", "ki", "1");
        filter(
                frame -> {
                    frame.adjustment(0, 1000);
                    long until = System.nanoTime() + 2_000_000; // 2 ms against a 50 us budget
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                },
                FilterStage.POST,
                50);
        double[] a = cycle(); // cycle 0 is a timed one
        assertEquals(0.1, a[0], 1e-12, "its write was discarded");
        assertEquals(FilterSlot.Fault.OVERRAN, filters.get(0).lastFault);
        assertTrue(filters.get(0).suspect, "from now on every call is timed");
        a = cycle();
        assertEquals(2, filters.get(0).faults.get(), "caught again on the next cycle");
    }

    @Test
    void aSingleOverrunIsBypassedButOnlyAStreakIsReportedAndTrustReturns() {
        configure("setpoint", "1, 1, 1", "kp", "0", "ki", "1");
        boolean[] slow = {true};
        // a budget of 20 ms, slow calls of 60 ms: 64 fast calls in a row must all be within budget, which
        // a tighter budget does not survive on a loaded machine (an OS time slice is a few milliseconds)
        filter(
                frame -> {
                    if (slow[0]) {
                        spin(60_000_000);
                    }
                },
                FilterStage.POST,
                20_000);
        List<FilterSlot.Fault> reported = new ArrayList<>();
        filters.get(0).reporter = (slot, fault) -> reported.add(fault);
        cycle(); // one overrun, as a preemption would cause
        slow[0] = false;
        cycle();
        assertTrue(reported.isEmpty(), "a lone overrun is not reported: " + reported);
        assertEquals(1, filters.get(0).faults.get(), "but it was bypassed and counted");
        slow[0] = true;
        cycle();
        cycle(); // two in a row: a slow filter
        assertEquals(List.of(FilterSlot.Fault.OVERRAN), reported);
        slow[0] = false;
        for (int k = 0; k < FilterSlot.CLEAN_CALLS_TO_TRUST; k++) {
            cycle();
        }
        assertTrue(!filters.get(0).suspect, "64 calls within budget restore trust");
    }

    @Test
    void swappingTensorOrFilterChainCausesNoStep() {
        configure("setpoint", "1, 1, 1", "kp", "2", "ki", "0.5");
        for (int k = 0; k < 5; k++) {
            cycle();
        }
        // a new chain whose pre filter halves the error: the error jumps, and a P term on that jump would
        // kick the output by kp * (e/2 - e) = -e; bumpless, the swap cycle applies the integral term only
        filter(
                frame -> {
                    for (int j = 0; j < 3; j++) {
                        frame.error(j, frame.error(j) * 0.5);
                    }
                },
                FilterStage.PRE,
                GENEROUS);
        double[] ySwap = plant.y.clone();
        double[] swap = cycle();
        for (int j = 0; j < 3; j++) {
            double filtered = 0.5 * (1 - ySwap[j]);
            assertEquals(0.5 * 0.1 * filtered, swap[j], 1e-12, "integral term only on axis " + j);
        }
        // the next cycle has the P term back, on the change of the filtered error (which has no jump)
        double[] yNext = plant.y.clone();
        double[] next = cycle();
        for (int j = 0; j < 3; j++) {
            double ePrev = 0.5 * (1 - ySwap[j]);
            double e = 0.5 * (1 - yNext[j]);
            assertEquals(2 * (e - ePrev) + 0.5 * 0.1 * e, next[j], 1e-12, "PI law on axis " + j);
        }
        // a tensor swap: the next increment is computed with the new T; the output itself does not jump
        double[] u = plant.u.clone();
        pair.tensor = new PairRuntime.Tensor(new double[] {0.5, 0, 0, 0, 0.5, 0, 0, 0, 0.5}, 1, 1);
        double[] afterTensor = cycle();
        for (int j = 0; j < 3; j++) {
            assertTrue(Math.abs(afterTensor[j]) < 0.1, "no kick at the tensor swap: " + afterTensor[j]);
            assertEquals(u[j] + afterTensor[j], plant.u[j], 1e-12);
        }
    }

    @Test
    void newSettingsAreAdoptedWithoutLosingTheOutput() {
        configure("setpoint", "1, 1, 1", "ki", "1");
        for (int k = 0; k < 10; k++) {
            cycle();
        }
        double[] u = plant.u.clone();
        settings = Configs.settings("setpoint", "2, 2, 2", "ki", "1");
        cycle();
        assertEquals(u[0], pair.output(0) - (plant.u[0] - u[0]), 1e-12);
        assertArrayEquals(new double[] {2, 2, 2}, pair.settings().setpoint());
    }

    /** Keeps the calling thread busy for {@code nanos}, as a slow filter would. */
    static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    @Test
    void timedCallsShareTheirClockReadingsButEachFilterIsChargedOnlyItsOwnTime() {
        configure("setpoint", "1, 1, 1", "kp", "0", "ki", "1");
        // the others' budget is 30 ms: far above a no-op call (and an OS time slice), below the slow filter's
        // 100 ms, which would be charged to them if a clock reading were shared the wrong way
        filter(frame -> {}, FilterStage.PRE, 30_000);
        filter(frame -> spin(100_000_000), FilterStage.PRE, 50);
        filter(frame -> {}, FilterStage.PRE, 30_000);
        filter(frame -> frame.adjustment(0, frame.adjustment(0) * 2), FilterStage.POST, 30_000);
        double[] a = cycle(); // cycle 0 is timed
        assertEquals(0, filters.get(0).faults.get(), "the filter before the slow one is not blamed");
        assertEquals(FilterSlot.Fault.OVERRAN, filters.get(1).lastFault);
        assertEquals(0, filters.get(2).faults.get(), "the filter after the slow one is not blamed");
        assertEquals(0, filters.get(3).faults.get(), "nor the one of the next stage");
        assertEquals(
                3,
                filters.get(0).timedCalls()
                        + filters.get(2).timedCalls()
                        + filters.get(3).timedCalls());
        assertEquals(2 * 0.1, a[0], 1e-12, "the others' work stands");
    }

    @Test
    void eachPairIsTimedOneCycleInSampleAtItsOwnPhaseSoASweepTimesOnlyAFewPairs() {
        configure();
        List<FilterSlot> one =
                List.of(new FilterSlot(frame -> {}, "f", FilterStage.PRE, 0, 1, PairTarget.ALL, 1_000_000_000L));
        FilterSlot slot = one.get(0);
        int sample = FilterChain.SAMPLE;
        int pairs = 2 * sample;
        Plan.Entry[] entries = new Plan.Entry[pairs];
        for (int i = 0; i < pairs; i++) {
            PairSettings s = Configs.settings("id", "pair-" + i);
            TestPlant p = new TestPlant(IDENTITY);
            entries[i] = new Plan.Entry(
                    new PairRuntime("pid-" + i, s),
                    s,
                    p.parent,
                    p.child,
                    new PairRuntime[0],
                    FilterChain.of(one, s),
                    1,
                    "",
                    1,
                    2);
        }
        long t = now;
        long[] timed = new long[2 * sample + 1];
        for (int k = 0; k < timed.length; k++) {
            long before = slot.timedCalls();
            for (Plan.Entry e : entries) {
                e.runtime().cycle(e, t, wall, null, fence);
            }
            timed[k] = slot.timedCalls() - before;
            t += PERIOD;
        }
        assertEquals(pairs, timed[0], "every pair's first cycle is timed");
        long inSample = 0;
        for (int k = 1; k <= sample; k++) {
            assertTrue(timed[k] < pairs / 2, "cycle " + k + " timed " + timed[k] + " of " + pairs + " pairs");
            inSample += timed[k];
        }
        assertEquals(pairs, inSample, "each pair once in " + sample + " cycles: " + Arrays.toString(timed));
        for (int k = sample + 1; k < timed.length; k++) {
            assertEquals(timed[k - sample], timed[k], "the same pairs " + sample + " cycles later");
        }
    }

    @Test
    void aLongerChainIsTimedLessOftenSoItsSampleCostsACycleAboutTheSame() {
        configure();
        PairSettings s = Configs.settings("id", "a");
        int[] masks = new int[11];
        for (int n = 1; n <= 10; n++) {
            List<FilterSlot> slots = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                slots.add(new FilterSlot(frame -> {}, "f" + i, FilterStage.PRE, 0, i + 1, PairTarget.ALL, 1_000L));
            }
            masks[n] = FilterChain.of(slots, s).sampleMask;
            // n + 1 clock readings a timed cycle: at most four in SAMPLE cycles, at least two
            assertTrue((n + 1) * FilterChain.SAMPLE <= 4 * (masks[n] + 1), n + " filters: " + masks[n]);
            assertTrue((n + 1) * FilterChain.SAMPLE > 2 * (masks[n] + 1) || masks[n] + 1 == FilterChain.SAMPLE);
        }
        assertEquals(FilterChain.SAMPLE - 1, masks[3]);
        assertEquals(4 * FilterChain.SAMPLE - 1, masks[10]);
    }

    @Test
    void aChainWithoutAccountingNeitherCountsItsRunsNorTimesTrustedFilters() {
        configure();
        filter(frame -> {}, FilterStage.PRE, GENEROUS);
        FilterSlot slot = filters.get(0);
        for (int k = 0; k < 4 * FilterSlot.CLEAN_CALLS_TO_TRUST && slot.suspect; k++) {
            cycle();
        }
        assertFalse(slot.suspect, "trusted after " + FilterSlot.CLEAN_CALLS_TO_TRUST + " clean timed calls");
        PairSettings s = Configs.settings("id", "b");
        TestPlant p = new TestPlant(IDENTITY);
        FilterChain counted = FilterChain.of(filters, s);
        Plan.Entry without = new Plan.Entry(
                new PairRuntime("pid-b", s),
                s,
                p.parent,
                p.child,
                new PairRuntime[0],
                counted.withoutAccounting(),
                1,
                "",
                1,
                2);
        long timedBefore = slot.timedCalls();
        long t = now;
        for (int k = 0; k < 4 * FilterChain.SAMPLE; k++) {
            without.runtime().cycle(without, t += PERIOD, wall, null, fence);
        }
        assertEquals(timedBefore, slot.timedCalls(), "no call timed");
        java.util.Map<FilterSlot, Long> calls = new java.util.HashMap<>();
        without.chain().addCalls(calls);
        assertEquals(0L, calls.get(slot), "no run counted");
        Plan.Entry with =
                new Plan.Entry(without.runtime(), s, p.parent, p.child, new PairRuntime[0], counted, 1, "", 1, 2);
        for (int k = 0; k < 4 * FilterChain.SAMPLE; k++) {
            with.runtime().cycle(with, t += PERIOD, wall, null, fence);
        }
        assertTrue(slot.timedCalls() > timedBefore, "timed with accounting");
        calls.clear();
        counted.addCalls(calls);
        assertEquals(4L * FilterChain.SAMPLE, calls.get(slot), "every run counted with accounting");
    }

    @Test
    void aFilterAskingForAnAxisThatDoesNotExistIsBypassedAsThrowing() {
        configure("setpoint", "1, 1, 1", "kp", "0", "ki", "1");
        filter(frame -> frame.error(3, 0), FilterStage.PRE, GENEROUS);
        filter(frame -> frame.adjustment(0, frame.parent(-1)), FilterStage.POST, GENEROUS);
        double[] a = cycle();
        assertArrayEquals(new double[] {0.1, 0.1, 0.1}, a, 1e-12);
        assertEquals(FilterSlot.Fault.THREW, filters.get(0).lastFault);
        assertEquals(FilterSlot.Fault.THREW, filters.get(1).lastFault);
    }

    @Test
    void duringEveryToolCallTheFenceNamesTheToolItsServiceAndThePair() {
        configure("setpoint", "1, 1, 1", "kp", "0", "ki", "1");
        List<String> seen = new ArrayList<>();
        Filter probe = frame -> seen.add((fence.calling() == filters.get(0).filter) + " " + fence.callingServiceId()
                + " " + (fence.callingPair() == pair));
        filters.add(new FilterSlot(probe, "probe", FilterStage.TRANSFORM, 0, 42, PairTarget.ALL, GENEROUS * 1000));
        cycle();
        assertEquals(List.of("true 42 true"), seen);
        assertEquals(null, fence.calling(), "no call marked once it returned");
    }

    @Test
    void anAdapterReportsSaturationOnlyOnAxesThatExist() {
        Reading r = new Reading();
        r.resetSaturation();
        r.saturated(1, 7);
        r.saturated(2, -3);
        r.saturated(3, 1);
        r.saturated(-1, 1);
        assertEquals(0, r.sat0);
        assertEquals(1, r.sat1);
        assertEquals(-1, r.sat2);
        r.resetSaturation();
        assertEquals(0, r.sat1 | r.sat2);
        r.quality(null);
        assertEquals(Quality.BAD, r.quality, "no quality is bad quality");
        r.resetState(6);
        assertEquals(6, r.timestamp);
        assertEquals(Quality.GOOD, r.quality);
        assertTrue(
                Double.isNaN(r.s0) && Double.isNaN(r.s1) && Double.isNaN(r.s2), "no state until the adapter gives one");
    }

    @Test
    void aPairAboveShiftsTheSetpointOfThePairsBelow() {
        configure("setpoint", "1, 1, 1", "kp", "0", "ki", "1");
        PairSettings lower = Configs.settings("id", "lower");
        PairRuntime below = new PairRuntime("pid-lower", lower);
        Plan.Entry entry = new Plan.Entry(
                pair, settings, plant.parent, null, new PairRuntime[] {below}, FilterChain.EMPTY, 1, "", 1, 0);
        pair.cycle(entry, now, wall, null, fence);
        pair.cycle(entry, now + PERIOD, wall + 100, null, fence);
        for (int j = 0; j < 3; j++) {
            assertEquals(pair.output(j), below.shift(j), 1e-15, "axis " + j);
            assertTrue(below.shift(j) != 0, "axis " + j);
        }
    }

    @Test
    void onlyTheChildsSaturationStopsIntegrationAndOnlyForTheCycleItIsReported() {
        configure("setpoint", "1, 1, 1", "kp", "0", "ki", "1");
        // the parent and the child are read through one reading: what the parent says about saturation
        // must not count as the child's
        DomainAdapter saturatedParent = new DomainAdapter() {
            @Override
            public void read(dev.cascade.api.domain.DomainReading reading) {
                plant.parent.read(reading);
                reading.saturated(0, 1);
                reading.saturated(1, 1);
                reading.saturated(2, 1);
            }

            @Override
            public void apply(double dx, double dy, double dz) {}
        };
        boolean[] highOnX = {true};
        // a child that reports only the axes that are saturated, as the API allows
        DomainAdapter child = new DomainAdapter() {
            @Override
            public void read(dev.cascade.api.domain.DomainReading reading) {
                if (highOnX[0]) {
                    reading.saturated(0, 1);
                }
            }

            @Override
            public void apply(double dx, double dy, double dz) {
                plant.child.apply(dx, dy, dz);
            }
        };
        Plan.Entry entry = new Plan.Entry(
                pair, settings, saturatedParent, child, new PairRuntime[0], FilterChain.EMPTY, 1, "", 1, 2);
        double before = plant.u[1];
        pair.cycle(entry, now, wall, null, fence);
        assertEquals(0, pair.output(0), "the child's saturated axis is held");
        assertTrue(plant.u[1] > before, "the parent's report does not hold the others");
        highOnX[0] = false;
        pair.cycle(entry, now + PERIOD, wall + 100, null, fence);
        assertTrue(pair.output(0) > 0, "free again as soon as the child says so");
    }
}
