package dev.cascade.core.internal;

import dev.cascade.api.control.FilterStage;
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

    static final FilterChain EMPTY = new FilterChain(new FilterSlot[0], new FilterSlot[0], new FilterSlot[0]);

    /** Calls are timed one cycle in this many (a power of two), and every cycle while a filter is suspect. */
    static final int SAMPLE = 16;

    private final FilterSlot[] pre;
    private final FilterSlot[] transform;
    private final FilterSlot[] post;
    /** Per filter, seconds of call credit towards its maximum call rate; loop thread only. */
    private final double[] preCredit;

    private final double[] transformCredit;
    private final double[] postCredit;

    private FilterChain(FilterSlot[] pre, FilterSlot[] transform, FilterSlot[] post) {
        this.pre = pre;
        this.transform = transform;
        this.post = post;
        this.preCredit = credit(pre);
        this.transformCredit = credit(transform);
        this.postCredit = credit(post);
    }

    /** A full interval of credit: the first cycle calls every filter. */
    private static double[] credit(FilterSlot[] slots) {
        double[] credit = new double[slots.length];
        for (int i = 0; i < slots.length; i++) {
            credit[i] = slots[i].callIntervalSeconds;
        }
        return credit;
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
        return new FilterChain(
                stage(mine, FilterStage.PRE), stage(mine, FilterStage.TRANSFORM), stage(mine, FilterStage.POST));
    }

    private static FilterSlot[] stage(List<FilterSlot> slots, FilterStage stage) {
        return slots.stream().filter(s -> s.stage == stage).toArray(FilterSlot[]::new);
    }

    /** @return true if {@code other} runs the same filters in the same order */
    boolean sameAs(FilterChain other) {
        return java.util.Arrays.equals(pre, other.pre)
                && java.util.Arrays.equals(transform, other.transform)
                && java.util.Arrays.equals(post, other.post);
    }

    void pre(Frame frame, double[] scratch, Fence fence, PairRuntime pair) {
        run(pre, preCredit, frame, scratch, fence, pair);
    }

    void transform(Frame frame, double[] scratch, Fence fence, PairRuntime pair) {
        run(transform, transformCredit, frame, scratch, fence, pair);
    }

    void post(Frame frame, double[] scratch, Fence fence, PairRuntime pair) {
        run(post, postCredit, frame, scratch, fence, pair);
    }

    private static void run(
            FilterSlot[] slots, double[] credit, Frame frame, double[] saved, Fence fence, PairRuntime pair) {
        for (int k = 0; k < slots.length; k++) {
            FilterSlot slot = slots[k];
            double interval = slot.callIntervalSeconds;
            if (interval > 0) {
                double c = credit[k];
                if (c < interval * (1 - 1e-9)) {
                    credit[k] = c + frame.dt; // over its maximum call rate: skipped this cycle
                    continue;
                }
                credit[k] = Math.min(c - interval, interval) + frame.dt;
            }
            double[] e = frame.error;
            double[] a = frame.adjustment;
            saved[0] = e[0];
            saved[1] = e[1];
            saved[2] = e[2];
            saved[3] = a[0];
            saved[4] = a[1];
            saved[5] = a[2];
            boolean timed = slot.suspect || (frame.cycle & (SAMPLE - 1)) == 0;
            long start = timed ? System.nanoTime() : 0;
            FilterSlot.Fault fault = null;
            fence.enter(slot.filter, slot.serviceId, pair);
            try {
                slot.filter.process(frame);
            } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError t) {
                fault = FilterSlot.Fault.THREW;
            }
            fence.exit();
            if (fault == null && timed) {
                slot.calls.incrementAndGet();
                if (System.nanoTime() - start > slot.budgetNanos) {
                    fault = FilterSlot.Fault.OVERRAN;
                } else {
                    slot.inBudget();
                }
            }
            if (fault == null && !(Double.isFinite(e[0] + e[1] + e[2] + a[0] + a[1] + a[2]))) {
                fault = FilterSlot.Fault.NON_FINITE;
            }
            if (fault != null) {
                slot.fault(fault);
                e[0] = saved[0];
                e[1] = saved[1];
                e[2] = saved[2];
                a[0] = saved[3];
                a[1] = saved[4];
                a[2] = saved[5];
            }
        }
    }
}
