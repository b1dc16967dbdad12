package dev.cascade.core.internal;

import dev.cascade.api.control.Filter;
import dev.cascade.api.control.FilterStage;
import java.util.ArrayList;
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

/**
 * What a filter that throws on every call costs the loop: one pair-cycle with 3 no-op filters, then the same
 * with a post filter that throws a new exception on each call (as a faulty tool would), in the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ThrowingFilterBenchmark {

    @Param({"false", "true"})
    boolean throwing;

    /** Whether the core's fault-path warm-up runs first, as in the distribution (megamorphic call sites). */
    @Param({"false"})
    boolean warmUp;

    Plan.Entry entry;
    PairRuntime runtime;
    long now;
    long wall;

    @Setup
    public void setup() {
        if (warmUp) {
            FaultPaths.run(20_000);
        }
        List<FilterSlot> slots = new ArrayList<>(LoopFixture.filters(3));
        if (throwing) {
            Filter thrower = frame -> {
                throw new IllegalStateException("a tool that throws on every call");
            };
            slots.add(new FilterSlot(
                    thrower, "thrower", FilterStage.POST, 0, 99, PairTarget.ALL, LoopFixture.BUDGET_NANOS));
        }
        entry = LoopFixture.entry("p", PairCycleBenchmark.RATE, slots);
        runtime = entry.runtime();
        now = System.nanoTime();
        wall = System.currentTimeMillis();
    }

    @Benchmark
    public long pairCycle() {
        now += PairCycleBenchmark.PERIOD;
        runtime.cycle(entry, now, wall, null, LoopFixture.FENCE);
        return runtime.cycles;
    }
}
