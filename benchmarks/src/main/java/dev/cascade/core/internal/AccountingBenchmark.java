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
 * What the loop's accounting of in-loop calls costs a pair-cycle (issue 6: at most 5 %): one pair with its
 * no-op filters, with the accounting (its chain counts its runs, one increment per cycle, and times its calls
 * one cycle in {@link FilterChain#SAMPLE}) and without it ({@link FilterChain#withoutAccounting()}: the same
 * filters, neither count nor timing sample), <em>within one fork</em>: iterations alternate between the two
 * in the order with, without, without, with (repeated), so both run the same compiled code on the same
 * memory and a drift over the fork cancels out. Forks of one variant differ by 15-30 % on this VM, the cost
 * sought is a few percent: compared fork by fork, the forks' noise drops out. {@link AccountingCost} runs it
 * and prints each fork's ratio; JMH's own score here is the mean of both variants, meaningless alone.
 *
 * <p>Every iteration checks that it measured what it says: an iteration with accounting counted runs and
 * timed calls, one without did neither. The filters are trusted before the measurement (a new filter is
 * timed on every call until 64 timed calls in a row keep their budget; that is enforcement, not accounting).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class AccountingBenchmark {

    @Param({"3", "10"})
    int filters;

    private List<FilterSlot> slots;
    private Plan.Entry with;
    private Plan.Entry without;
    private Plan.Entry entry;
    private PairRuntime runtime;
    private long now;
    private long wall;
    private int iteration;

    private long timedBefore;
    private long runsBefore;

    /** @return whether iteration {@code k} (warm-up included, from 0) runs with accounting: ABBA order */
    static boolean withAccounting(int k) {
        return k % 4 == 0 || k % 4 == 3;
    }

    @Setup(Level.Trial)
    public void setup() {
        slots = LoopFixture.filters(filters);
        with = LoopFixture.entry("p", PairCycleBenchmark.RATE, slots);
        without = new Plan.Entry(
                with.runtime(),
                with.settings(),
                with.parent(),
                with.child(),
                with.cascade(),
                with.chain().withoutAccounting(),
                with.share(),
                with.waitingFor(),
                with.parentService(),
                with.childService());
        runtime = with.runtime();
        now = System.nanoTime();
        wall = System.currentTimeMillis();
        entry = with;
        for (int k = 0; k < 4 * FilterSlot.CLEAN_CALLS_TO_TRUST && slots.get(0).suspect; k++) {
            cycle();
        }
        if (slots.get(0).suspect) {
            throw new IllegalStateException("the no-op filters did not become trusted: " + slots.get(0).lastFault);
        }
    }

    @Setup(Level.Iteration)
    public void choose() {
        entry = withAccounting(iteration) ? with : without;
        timedBefore = timedCalls();
        runsBefore = runs();
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

    private long runs() {
        java.util.Map<FilterSlot, Long> calls = new java.util.HashMap<>();
        with.chain().addCalls(calls);
        return calls.get(slots.get(0));
    }

    @Benchmark
    public long pairCycle() {
        cycle();
        return runtime.cycles;
    }

    /** Checks that the iteration measured what it says: counted and timed calls with accounting, none without. */
    @TearDown(Level.Iteration)
    public void check() {
        boolean accounting = entry == with;
        long timed = timedCalls() - timedBefore;
        long runs = runs() - runsBefore;
        if (accounting != (timed > 0) || accounting != (runs > 0)) {
            throw new IllegalStateException("iteration " + iteration + " with accounting " + accounting + ": " + runs
                    + " runs counted, " + timed + " calls timed");
        }
        iteration++;
    }

    @TearDown(Level.Trial)
    public void faults() {
        PairCycleBenchmark.reportFaults(slots);
    }
}
