package dev.cascade.core.internal;

// In the core's private package on purpose: see LoopFixture.

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
 * Cost per pair-cycle as the number of pairs grows from 1,000 to 100,000 (10 Hz pairs, 3 no-op filters
 * each, every pair with its own settings, runtime, chain and in-memory domains). Each invocation runs the
 * next {@value #BLOCK} pairs of the sweep in order, so the score is per pair-cycle whatever the count,
 * and the sweep visits every pair's memory as the loop thread does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class LoopScalingBenchmark {

    static final int BLOCK = 1000;
    static final double RATE = 10;
    static final long PERIOD = Math.round(1e9 / RATE);

    @Param({"1000", "10000", "100000"})
    int pairs;

    private Plan.Entry[] entries;
    private int next;
    private long now;
    private long wall;

    @Setup
    public void setup() {
        if (pairs % BLOCK != 0) {
            throw new IllegalArgumentException("pairs = " + pairs + "; use a multiple of " + BLOCK);
        }
        entries = LoopFixture.entries(pairs, RATE, LoopFixture.filters(3));
        now = System.nanoTime();
        wall = System.currentTimeMillis();
    }

    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public long pairCycles() {
        if (next == 0) {
            now += PERIOD; // a new sweep: one period later
        }
        Plan.Entry[] entries = this.entries;
        long now = this.now;
        long wall = this.wall;
        long cycles = 0;
        int end = next + BLOCK;
        for (int i = next; i < end; i++) {
            Plan.Entry entry = entries[i];
            PairRuntime runtime = entry.runtime();
            runtime.cycle(entry, now, wall, null, LoopFixture.FENCE);
            cycles += runtime.cycles;
        }
        next = end == entries.length ? 0 : end;
        return cycles;
    }
}
