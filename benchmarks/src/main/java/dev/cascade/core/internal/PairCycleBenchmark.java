package dev.cascade.core.internal;

// In the core's private package on purpose: see LoopFixture.

import dev.cascade.tensor.internal.Mat3;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of one pair-cycle ({@link PairRuntime#cycle}: measure, error, filters, PI law through T,
 * safety, apply, record) with 0, 3 and 10 no-op filters, side by side with its floor: a bare 3x3 mat-vec
 * and the same cycle written inline on primitive fields. Then 1,000 pairs in one cycle, sampled for the
 * percentiles.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class PairCycleBenchmark {

    /** 1 kHz: the loop's fastest rate. */
    static final double RATE = 1000;

    static final long PERIOD = Math.round(1e9 / RATE);

    /** One pair with its own domains and {@link #filters} no-op filters. */
    @State(Scope.Thread)
    public static class OnePair {
        @Param({"0", "3", "10"})
        int filters;

        Plan.Entry entry;
        PairRuntime runtime;
        long now;
        long wall;

        List<FilterSlot> slots;

        @Setup
        public void setup() {
            slots = LoopFixture.filters(filters);
            entry = LoopFixture.entry("p", RATE, slots);
            runtime = entry.runtime();
            now = System.nanoTime();
            wall = System.currentTimeMillis();
        }

        @TearDown
        public void tearDown() {
            reportFaults(slots);
        }
    }

    /** Reports filter faults: a no-op filter preempted while timed counts as an overrun and turns suspect. */
    static void reportFaults(List<FilterSlot> slots) {
        for (FilterSlot slot : slots) {
            if (slot.faults.get() > 0) {
                System.out.printf(
                        "%n%s: %d faults (last %s), suspect %s, %d calls timed%n",
                        slot.name, slot.faults.get(), slot.lastFault, slot.suspect, slot.timedCalls());
            }
        }
    }

    /** 1,000 pairs with 3 no-op filters each, as one sweep of the loop thread runs them. */
    @State(Scope.Thread)
    public static class ThousandPairs {
        Plan.Entry[] entries;
        List<FilterSlot> slots;
        long now;
        long wall;

        @Setup
        public void setup() {
            slots = LoopFixture.filters(3);
            entries = LoopFixture.entries(1000, RATE, slots);
            now = System.nanoTime();
            wall = System.currentTimeMillis();
        }

        @TearDown
        public void tearDown() {
            reportFaults(slots);
        }
    }

    // ---- the floor: a bare mat-vec and a hand-inlined cycle, on the same kind of data

    private final double[] m = LoopFixture.TENSOR.clone();
    private final double[] v = {0.3, -0.2, 0.1};
    private final double[] out = new double[3];

    // the inlined cycle's pair: setpoint, PI state, tensor, limits, and its in-memory plant
    private double sp0 = 20, sp1 = 10, sp2 = 5;
    private double prev0, prev1, prev2;
    private double out0, out1, out2;
    private double u0, u1, u2;
    private double kp = 0.5, ki = 2.0, dt = 1 / RATE, confidence = 1.0, filterGain = 1.0;
    private double maxStep = 50 / RATE, outMin = -100, outMax = 100;
    private final double[] t = LoopFixture.TENSOR.clone();
    private int reads;

    @Benchmark
    public long pairCycle(OnePair p) {
        p.now += PERIOD;
        p.runtime.cycle(p.entry, p.now, p.wall, null, LoopFixture.FENCE);
        return p.runtime.cycles;
    }

    @Benchmark
    public double[] matVec() {
        Mat3.mulVec(m, v, out);
        return out;
    }

    /**
     * What a pair-cycle does at the least: read the parent, error, one filter-like step, the PI law through
     * T, rate limit, clamp, apply. No frame, no filter chain, no fault handling, no status.
     */
    @Benchmark
    public double inlinedCycle() {
        double d = (reads++ & 64) == 0 ? 0.1 : -0.1;
        double e0 = (sp0 - (19 + 0.5 * u0 + d)) * filterGain;
        double e1 = (sp1 - (9 + 0.5 * u1)) * filterGain;
        double e2 = (sp2 - (4 + 0.5 * u2 - d)) * filterGain;
        double v0 = kp * (e0 - prev0) + ki * dt * e0;
        double v1 = kp * (e1 - prev1) + ki * dt * e1;
        double v2 = kp * (e2 - prev2) + ki * dt * e2;
        prev0 = e0;
        prev1 = e1;
        prev2 = e2;
        double[] t = this.t;
        double a0 = confidence * (t[0] * v0 + t[1] * v1 + t[2] * v2);
        double a1 = confidence * (t[3] * v0 + t[4] * v1 + t[5] * v2);
        double a2 = confidence * (t[6] * v0 + t[7] * v1 + t[8] * v2);
        a0 = Math.max(-maxStep, Math.min(maxStep, a0));
        a1 = Math.max(-maxStep, Math.min(maxStep, a1));
        a2 = Math.max(-maxStep, Math.min(maxStep, a2));
        a0 = Math.max(outMin - out0, Math.min(outMax - out0, a0));
        a1 = Math.max(outMin - out1, Math.min(outMax - out1, a1));
        a2 = Math.max(outMin - out2, Math.min(outMax - out2, a2));
        out0 += a0;
        out1 += a1;
        out2 += a2;
        u0 += a0;
        u1 += a1;
        u2 += a2;
        return out0 + out1 + out2;
    }

    /** One sweep over 1,000 pairs (3 filters each); sampled, so the report has p50, p99, p99.9. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long thousandPairs(ThousandPairs s) {
        s.now += PERIOD;
        long now = s.now;
        long wall = s.wall;
        long cycles = 0;
        for (Plan.Entry entry : s.entries) {
            PairRuntime runtime = entry.runtime();
            runtime.cycle(entry, now, wall, null, LoopFixture.FENCE);
            cycles += runtime.cycles;
        }
        return cycles;
    }
}
