package dev.cascade.core.internal;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the loop's accounting of in-loop calls costs a pair-cycle (issue 6: at most 5 %): the same pair with
 * its no-op filters, with and without its timing sample, in one run. Without it, the benchmark steps the
 * pair's cycle count past the cycles on which the pair would time its calls (one in 64, at the pair's own
 * phase, found by running it), so the product code runs unchanged and only the timed cycles are left out.
 * Filters are trusted (timed one cycle in 64) before the measurement: a new filter is timed on every call
 * until 64 timed calls in a row keep their budget.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class AccountingBenchmark {

    @Param({"3", "10"})
    int filters;

    @Param({"true", "false"})
    boolean accounting;

    private List<FilterSlot> slots;
    private Plan.Entry entry;
    private PairRuntime runtime;
    private long now;
    private long wall;
    /** The cycle count modulo {@link FilterChain#SAMPLE} on which this pair times its calls. */
    private long timedResidue = -1;

    private long timedBefore;

    @Setup(Level.Trial)
    public void setup() {
        slots = LoopFixture.filters(filters);
        entry = LoopFixture.entry("p", PairCycleBenchmark.RATE, slots);
        runtime = entry.runtime();
        now = System.nanoTime();
        wall = System.currentTimeMillis();
        for (int k = 0; k < 4 * FilterSlot.CLEAN_CALLS_TO_TRUST && slots.get(0).suspect; k++) {
            cycle();
        }
        if (slots.get(0).suspect) {
            throw new IllegalStateException("the no-op filters did not become trusted: " + slots.get(0).lastFault);
        }
        for (int k = 0; k < FilterChain.SAMPLE && timedResidue < 0; k++) {
            long before = slots.get(0).timedCalls();
            long cycle = runtime.cycles;
            cycle();
            if (slots.get(0).timedCalls() != before) {
                timedResidue = cycle & (FilterChain.SAMPLE - 1);
            }
        }
        if (timedResidue < 0) {
            throw new IllegalStateException("no timed cycle in " + FilterChain.SAMPLE);
        }
        timedBefore = timedCalls();
    }

    private void cycle() {
        now += PairCycleBenchmark.PERIOD;
        runtime.cycle(entry, now, wall, null, LoopFixture.FENCE);
    }

    private long timedCalls() {
        long n = 0;
        for (FilterSlot s : slots) {
            n += s.timedCalls();
        }
        return n;
    }

    @Benchmark
    public long pairCycle() {
        if (!accounting && (runtime.cycles & (FilterChain.SAMPLE - 1)) == timedResidue) {
            runtime.cycles++;
        }
        cycle();
        return runtime.cycles;
    }

    /** Checks that the variant measured what it says: timed calls with accounting, none without. */
    @TearDown(Level.Trial)
    public void check() {
        long timed = timedCalls() - timedBefore;
        if (accounting == (timed == 0)) {
            throw new IllegalStateException(
                    (accounting ? "no" : timed + "") + " calls timed with accounting " + accounting);
        }
        PairCycleBenchmark.reportFaults(slots);
    }
}
