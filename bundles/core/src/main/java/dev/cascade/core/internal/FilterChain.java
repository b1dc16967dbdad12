package dev.cascade.core.internal;

import dev.cascade.api.control.FilterStage;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The filters of one pair, by stage, in {@code service.ranking} order: a snapshot, replaced as a whole
 * when a filter comes or goes. Running a stage bypasses (and counts) a filter that throws, writes a
 * non-finite value or overruns its budget: the frame is restored to what it was before that call.
 *
 * <p>A filter whose contract sets a maximum call rate ({@code cascade.tool.maxCallRate}) below the pair's
 * rate is called for this pair at most that often: a call needs one call interval of credit and spends it,
 * each cycle adds its time step, and on the cycles in between the filter is skipped, as if it were not in
 * the chain (the frame passes unchanged; not a fault). The credit starts at one interval (the first cycle
 * calls) and what is left after a call is capped at one interval, so over any stretch of time the calls
 * are at most about {@code rate * time + 1}. That state (one double per filter) is the
 * pair's and is touched by the loop thread only.
 */
final class FilterChain {

    static final FilterChain EMPTY = new FilterChain(new FilterSlot[0], 0, 0, false);

    /**
     * Calls are timed one cycle in this many (a power of two) for each pair, and every cycle while a filter is
     * suspect. Each pair has its own phase within the sample (see {@link PairRuntime}), so a sweep over many
     * pairs times about one pair in this many rather than every pair at once.
     */
    static final int SAMPLE = 64;

    /**
     * This chain's timing sample, less one: {@link #SAMPLE} for up to three filters; a longer chain is timed
     * proportionally less often (the next power of two), because a timed cycle takes one clock reading per
     * filter and one more (about 25 ns each here). So the sample costs a cycle about the same whatever the
     * chain's length, at most four readings in 64 cycles: about 1.6 ns a cycle.
     */
    final int sampleMask;

    /** Every filter, pre stage first, then transform, then post; each stage in ranking order. */
    private final FilterSlot[] slots;
    /** The smallest time budget of the chain's filters; {@link Long#MAX_VALUE} without filters. */
    final long minBudgetNanos;

    private final int preEnd;
    private final int transformEnd;
    /**
     * Per filter, seconds of call credit towards its maximum call rate; loop thread only. Null when no filter
     * of the chain has a maximum call rate, so the common chain keeps no such state.
     */
    private final double[] credit;

    /**
     * Whether the chain keeps the tool manager's account of its calls: counts its runs and times one cycle
     * in its sample ({@link #sampleMask}). Always, but for the accounting benchmark's "without" and its test
     * ({@link #withoutAccounting()}); a suspect filter is timed either way (that is enforcement).
     */
    final boolean accounting;

    /**
     * Runs of this chain (pair-cycles that ran its stages) so far, for every pair that shares it: each of its
     * filters was called once per run, but for the calls its maximum call rate skipped ({@link #skipped}).
     * One plain increment per pair-cycle by the loop thread, rather than one per filter call; other threads
     * read it opaquely once a second ({@link #calls}).
     */
    @SuppressWarnings("unused") // through RUNS
    private long runs;

    /** Per filter, calls skipped by its maximum call rate; null when {@link #credit} is. Loop thread writes. */
    private final long[] skipped;

    private static final VarHandle RUNS;
    private static final VarHandle SKIPPED = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            RUNS = MethodHandles.lookup().findVarHandle(FilterChain.class, "runs", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private FilterChain(FilterSlot[] slots, int preEnd, int transformEnd, boolean accounting) {
        this.accounting = accounting;
        this.slots = slots;
        int sample = SAMPLE;
        while (sample * 4 < SAMPLE * (slots.length + 1)) {
            sample <<= 1;
        }
        this.sampleMask = sample - 1;
        long min = Long.MAX_VALUE;
        for (FilterSlot slot : slots) {
            min = Math.min(min, slot.budgetNanos);
        }
        this.minBudgetNanos = min;
        this.preEnd = preEnd;
        this.transformEnd = transformEnd;
        this.credit = credit(slots);
        this.skipped = credit == null ? null : new long[slots.length];
    }

    /** The same filters in a chain that keeps no account of its calls (for the accounting benchmark). */
    FilterChain withoutAccounting() {
        return new FilterChain(slots, preEnd, transformEnd, false);
    }

    /**
     * Adds this chain's calls of each of its filters so far to {@code calls} (any thread; a pass or so
     * behind the loop thread).
     */
    void addCalls(java.util.Map<FilterSlot, Long> calls) {
        long runs = (long) RUNS.getOpaque(this);
        for (int k = 0; k < slots.length; k++) {
            long n = runs - (skipped == null ? 0 : (long) SKIPPED.getOpaque(skipped, k));
            calls.merge(slots[k], n, Long::sum);
        }
    }

    /** A full interval of credit: the first cycle calls every filter; null when no filter needs credit. */
    private static double[] credit(FilterSlot[] slots) {
        boolean limited = false;
        double[] credit = new double[slots.length];
        for (int i = 0; i < slots.length; i++) {
            credit[i] = slots[i].callIntervalSeconds;
            limited |= credit[i] > 0;
        }
        return limited ? credit : null;
    }

    /** The chain of the filters among {@code all} that target {@code pair}. */
    static FilterChain of(List<FilterSlot> all, PairSettings pair) {
        List<FilterSlot> mine = new ArrayList<>();
        for (FilterSlot slot : all) {
            if (slot.target.matches(pair)) {
                mine.add(slot);
            }
        }
        if (mine.isEmpty()) {
            return EMPTY;
        }
        // highest ranking first; equal ranking: the older service first
        mine.sort(Comparator.comparingInt((FilterSlot s) -> -s.ranking).thenComparingLong(s -> s.serviceId));
        List<FilterSlot> ordered = new ArrayList<>(mine.size());
        for (FilterStage stage : new FilterStage[] {FilterStage.PRE, FilterStage.TRANSFORM, FilterStage.POST}) {
            for (FilterSlot slot : mine) {
                if (slot.stage == stage) {
                    ordered.add(slot);
                }
            }
        }
        int preEnd = count(mine, FilterStage.PRE);
        int transformEnd = preEnd + count(mine, FilterStage.TRANSFORM);
        return new FilterChain(ordered.toArray(new FilterSlot[0]), preEnd, transformEnd, true);
    }

    private static int count(List<FilterSlot> slots, FilterStage stage) {
        int n = 0;
        for (FilterSlot slot : slots) {
            if (slot.stage == stage) {
                n++;
            }
        }
        return n;
    }

    /**
     * The chains of one plan that keep no per-pair state (no filter with a maximum call rate), by the filters
     * they run: pairs that run the same filters share one chain, so a sweep over many pairs reads one chain
     * and one slot array instead of two objects per pair. A chain with call credit is the pair's own.
     */
    static final class Pool {
        private final java.util.Map<java.util.List<FilterSlot>, FilterChain> chains = new java.util.HashMap<>();

        /** @return a chain running the same filters as {@code chain} that pairs share, or {@code chain} itself */
        FilterChain share(FilterChain chain) {
            if (chain.credit != null || chain.slots.length == 0) {
                return chain;
            }
            // the stage bounds follow from the slots' stages, so the slots alone name the chain
            FilterChain shared = chains.putIfAbsent(java.util.List.of(chain.slots), chain);
            return shared == null ? chain : shared;
        }
    }

    /** @return true if {@code other} runs the same filters in the same order */
    boolean sameAs(FilterChain other) {
        return java.util.Arrays.equals(slots, other.slots)
                && preEnd == other.preEnd
                && transformEnd == other.transformEnd
                && accounting == other.accounting;
    }

    /** @return true if the chain has no filter at all */
    boolean isEmpty() {
        return slots.length == 0;
    }

    /**
     * Runs the pre stage.
     *
     * @param sampled whether this is the pair's timing sample cycle (suspect filters are timed anyway)
     * @return the last clock reading taken, to start the next stage's first timed call, or 0 for none
     */
    long pre(Frame frame, boolean sampled, Fence fence) {
        return run(0, preEnd, frame, sampled, fence, 0);
    }

    /** Runs the transform stage; {@code clock} as returned by the stage before. */
    long transform(Frame frame, boolean sampled, Fence fence, long clock) {
        return run(preEnd, transformEnd, frame, sampled, fence, clock);
    }

    /** Runs the post stage; {@code clock} as returned by the stage before. */
    void post(Frame frame, boolean sampled, Fence fence, long clock) {
        run(transformEnd, slots.length, frame, sampled, fence, clock);
        if (accounting) { // counted once the run is over: a run counts calls made, never more
            RUNS.setOpaque(this, (long) RUNS.get(this) + 1);
        }
    }

    /**
     * Runs {@code slots[from, to)}. The frame's error and adjustment are kept in locals across each call
     * (registers or the stack, not another object) so a faulty call can be undone. Timed calls share their
     * clock readings: the reading that ends one timed call starts the next one (what lies between is a few
     * comparisons, or between stages the control law, well under a microsecond, charged to the next
     * filter's budget), so n timed calls in a cycle take n + 1 readings, not 2n.
     */
    private long run(int from, int to, Frame frame, boolean sampled, Fence fence, long clock) {
        FilterSlot[] slots = this.slots;
        double[] credit = this.credit;
        for (int k = from; k < to; k++) {
            FilterSlot slot = slots[k];
            if (credit != null) {
                double interval = slot.callIntervalSeconds;
                if (interval > 0) {
                    double c = credit[k];
                    if (c < interval * (1 - 1e-9)) {
                        credit[k] = c + frame.dt; // over its maximum call rate: skipped this cycle
                        SKIPPED.setOpaque(skipped, k, (long) SKIPPED.get(skipped, k) + 1);
                        continue;
                    }
                    credit[k] = Math.min(c - interval, interval) + frame.dt;
                }
            }
            double e0 = frame.e0, e1 = frame.e1, e2 = frame.e2;
            double a0 = frame.a0, a1 = frame.a1, a2 = frame.a2;
            boolean timed = sampled || slot.suspect;
            long start = 0;
            if (timed) {
                start = clock == 0 ? System.nanoTime() : clock;
            }
            FilterSlot.Fault fault = null;
            fence.enter(slot);
            try {
                slot.filter.process(frame);
            } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError t) {
                fault = FilterSlot.Fault.THREW;
            }
            fence.exit();
            if (timed) {
                clock = System.nanoTime();
                if (fault == null) {
                    slot.countTimedCall(clock - start);
                    if (clock - start > slot.budgetNanos) {
                        fault = FilterSlot.Fault.OVERRAN;
                    } else {
                        slot.inBudget();
                    }
                }
            } else {
                clock = 0;
            }
            if (fault == null && !Double.isFinite(frame.e0 + frame.e1 + frame.e2 + frame.a0 + frame.a1 + frame.a2)) {
                fault = FilterSlot.Fault.NON_FINITE;
            }
            if (fault != null) {
                slot.fault(fault);
                frame.e0 = e0;
                frame.e1 = e1;
                frame.e2 = e2;
                frame.a0 = a0;
                frame.a1 = a1;
                frame.a2 = a2;
                clock = 0; // the fault's bookkeeping is not the next filter's
            }
        }
        return clock;
    }
}
