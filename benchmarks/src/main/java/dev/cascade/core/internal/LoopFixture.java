package dev.cascade.core.internal;

// The loop benchmarks live in the core bundle's private package, dev.cascade.core.internal, because the
// classes they measure (PairRuntime, Plan, FilterChain, LoopEngine) are package-private on purpose: the
// bundle exports nothing. A split package is harmless here: JMH runs on one flat class path, not in OSGi,
// and this module is never deployed.

import dev.cascade.api.control.Filter;
import dev.cascade.api.control.FilterStage;
import dev.cascade.api.domain.DomainAdapter;
import dev.cascade.api.domain.DomainReading;
import java.util.ArrayList;
import java.util.List;

/** Pairs with trivial in-memory domains and no-op filters, as the loop benchmarks and harnesses use them. */
final class LoopFixture {

    private LoopFixture() {}

    /**
     * Ten no-op filters, each its own class (every lambda expression is), so that the filter call site is
     * as megamorphic as in a node with filters from several bundles.
     */
    static final Filter[] NO_OPS = {
        f -> {}, f -> {}, f -> {}, f -> {}, f -> {}, f -> {}, f -> {}, f -> {}, f -> {}, f -> {}
    };

    /** The coupled tensor every fixture pair starts with. */
    static final double[] TENSOR = {1.0, 0.2, 0.0, 0.1, 1.0, 0.1, 0.0, 0.2, 1.0};

    /** The child: actuators that add the increments they are given to their settings. */
    static final class Child implements DomainAdapter {
        double u0, u1, u2;

        @Override
        public void read(DomainReading reading) {
            reading.state(u0, u1, u2);
        }

        @Override
        public void apply(double dx, double dy, double dz) {
            u0 += dx;
            u1 += dy;
            u2 += dz;
        }
    }

    /**
     * The parent: a static gain of its child plus a small square-wave disturbance, so the loop keeps
     * working (a settled loop would decay the error towards subnormal numbers, which are slow).
     */
    static final class Parent implements DomainAdapter {
        private final Child child;
        private int reads;

        Parent(Child child) {
            this.child = child;
        }

        @Override
        public void read(DomainReading reading) {
            double d = (reads++ & 64) == 0 ? 0.1 : -0.1;
            reading.state(19 + 0.5 * child.u0 + d, 9 + 0.5 * child.u1, 4 + 0.5 * child.u2 - d);
        }

        @Override
        public void apply(double dx, double dy, double dz) {
            // a parent takes no adjustments in this fixture
        }
    }

    /** Settings of a pair as Config Admin would give them: PI gains, clamps, rate limits, hold on stale. */
    static PairSettings settings(String id, String parent, String child, double rateHz) {
        return new PairSettings(
                id,
                parent,
                child,
                new double[] {20, 10, 5},
                0b111,
                rateHz,
                0.5,
                2.0,
                10,
                1,
                0.2,
                TENSOR.clone(),
                1.0,
                new double[] {Double.NaN, Double.NaN, Double.NaN},
                new double[] {-100, -100, -100},
                new double[] {100, 100, 100},
                new double[] {50, 50, 50},
                2000,
                PairSettings.StalePolicy.HOLD,
                0,
                0.98,
                new double[] {0, 0, 0},
                0);
    }

    /**
     * The benchmarks' filter budget, 1 s instead of the default 100 µs: on a shared machine the OS now and
     * then preempts the loop thread inside a timed no-op call; at 100 µs that counts as an overrun and the
     * filter turns suspect (timed on every call from then on), which is the fault path, not the cycle's
     * cost. The timing harness keeps the default.
     */
    static final long BUDGET_NANOS = 1_000_000_000L;

    /** {@code count} no-op filter slots spread over the stages: pre, transform, post, pre, ... */
    static List<FilterSlot> filters(int count) {
        List<FilterSlot> slots = new ArrayList<>();
        FilterStage[] stages = {FilterStage.PRE, FilterStage.TRANSFORM, FilterStage.POST};
        for (int i = 0; i < count; i++) {
            slots.add(new FilterSlot(NO_OPS[i], "no-op-" + i, stages[i % 3], 0, i + 1, PairTarget.ALL, BUDGET_NANOS));
        }
        return slots;
    }

    /** The loop thread's fence; nothing abandons a benchmark's thread. */
    static final Fence FENCE = new Fence();

    /** A ready plan entry for one pair with its own in-memory domains and the given filters. */
    static Plan.Entry entry(String id, double rateHz, List<FilterSlot> filters) {
        return entry(id, rateHz, filters, new FilterChain.Pool());
    }

    /**
     * A ready plan entry whose chain comes from {@code chains}, as the engine gives pairs that run the same
     * filters one shared chain.
     */
    static Plan.Entry entry(String id, double rateHz, List<FilterSlot> filters, FilterChain.Pool chains) {
        PairSettings s = settings(id, id + "-parent", id + "-child", rateHz);
        Child child = new Child();
        return new Plan.Entry(
                new PairRuntime(id, s),
                s,
                new Parent(child),
                child,
                new PairRuntime[0],
                chains.share(FilterChain.of(filters, s)),
                1.0,
                "",
                nextServiceId++,
                nextServiceId++);
    }

    /** Each domain adapter its own service id, as in a node (the plan indexes the pairs by them). */
    private static long nextServiceId = 1;

    /** {@code count} entries, ids {@code p000000}, {@code p000001}, ... */
    static Plan.Entry[] entries(int count, double rateHz, List<FilterSlot> filters) {
        Plan.Entry[] entries = new Plan.Entry[count];
        FilterChain.Pool chains = new FilterChain.Pool();
        for (int i = 0; i < count; i++) {
            entries[i] = entry(String.format("p%06d", i), rateHz, filters, chains);
        }
        return entries;
    }
}
