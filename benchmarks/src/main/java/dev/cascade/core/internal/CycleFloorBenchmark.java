package dev.cascade.core.internal;

// In the core's private package on purpose: see LoopFixture.

import dev.cascade.api.control.Filter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The floor under the loop's sweep targets: {@code PairCycleBenchmark.inlinedCycle} (read the parent, error,
 * PI law through T, rate limit, clamp, apply) run over many pairs, each with its own state and frame, with 0
 * or 3 bare filter calls per pair-cycle (the same megamorphic no-op lambdas as the loop benchmarks, no fault
 * handling, no timing, no watchdog marks, no status). Whatever the loop adds comes on top of this, so it
 * tells which of the targets a design that calls its filters pair by pair, on the pair's frame, can meet on
 * this machine.
 *
 * <p>{@code sweep}: per pair-cycle, running the next {@value #BLOCK} pairs of the sweep in order per
 * invocation, as {@link LoopScalingBenchmark}; {@code thousandPairs}: one sweep of the first 1,000 pairs,
 * sampled for the percentiles, as {@code PairCycleBenchmark.thousandPairs}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class CycleFloorBenchmark {

    static final int BLOCK = 1000;

    @Param({"1000", "100000"})
    int pairs;

    @Param({"0", "3"})
    int filters;

    /** A pair of the floor: its law's state, its limits, its tensor, its plant and its frame. */
    static final class FloorPair {
        double sp0 = 20, sp1 = 10, sp2 = 5;
        double prev0, prev1, prev2;
        double out0, out1, out2;
        double kp = 0.5, ki = 2.0, dt = 1e-3, confidence = 1.0;
        double maxStep = 0.05, outMin = -100, outMax = 100;
        double t0, t1, t2, t3, t4, t5, t6, t7, t8;
        // the plant: the child's actuators, read back by the parent
        double u0, u1, u2;
        int reads;
        final Frame frame;

        FloorPair(String id) {
            double[] t = LoopFixture.TENSOR;
            t0 = t[0];
            t1 = t[1];
            t2 = t[2];
            t3 = t[3];
            t4 = t[4];
            t5 = t[5];
            t6 = t[6];
            t7 = t[7];
            t8 = t[8];
            frame = new Frame(id, 0b111);
        }

        double cycle(Filter[] chain) {
            Frame f = frame;
            double d = (reads++ & 64) == 0 ? 0.1 : -0.1;
            f.e0 = sp0 - (19 + 0.5 * u0 + d);
            f.e1 = sp1 - (9 + 0.5 * u1);
            f.e2 = sp2 - (4 + 0.5 * u2 - d);
            for (Filter filter : chain) {
                filter.process(f);
            }
            double e0 = f.e0, e1 = f.e1, e2 = f.e2;
            double v0 = kp * (e0 - prev0) + ki * dt * e0;
            double v1 = kp * (e1 - prev1) + ki * dt * e1;
            double v2 = kp * (e2 - prev2) + ki * dt * e2;
            prev0 = e0;
            prev1 = e1;
            prev2 = e2;
            double a0 = confidence * (t0 * v0 + t1 * v1 + t2 * v2);
            double a1 = confidence * (t3 * v0 + t4 * v1 + t5 * v2);
            double a2 = confidence * (t6 * v0 + t7 * v1 + t8 * v2);
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
    }

    private FloorPair[] all;
    private Filter[] chain;
    private int next;

    @Setup
    public void setup() {
        if (pairs % BLOCK != 0) {
            throw new IllegalArgumentException("pairs = " + pairs + "; use a multiple of " + BLOCK);
        }
        all = new FloorPair[pairs];
        for (int i = 0; i < pairs; i++) {
            all[i] = new FloorPair(String.format("p%06d", i));
        }
        // one shared chain, as the engine gives pairs that run the same filters
        chain = java.util.Arrays.copyOf(LoopFixture.NO_OPS, filters); // three classes: a megamorphic call site
    }

    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public double sweep() {
        int end = next + BLOCK;
        double sum = run(next, end);
        next = end == all.length ? 0 : end;
        return sum;
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public double thousandPairs() {
        return run(0, BLOCK);
    }

    private double run(int from, int to) {
        FloorPair[] all = this.all;
        Filter[] chain = this.chain;
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += all[i].cycle(chain);
        }
        return sum;
    }
}
