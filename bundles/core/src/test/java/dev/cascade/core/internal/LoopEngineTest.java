package dev.cascade.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.Filter;
import dev.cascade.api.control.PairState;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.domain.DomainAdapter;
import dev.cascade.api.estimation.EstimatorState;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.CachedTensor;
import dev.cascade.api.network.TensorCache;
import dev.cascade.api.network.TensorReset;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import dev.cascade.api.tools.ToolResources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine with its real loop thread: pairs come and go while the others keep their rates. */
class LoopEngineTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final LoopEngine engine = new LoopEngine();
    private long nextServiceId = 1;

    @AfterEach
    void stop() throws InterruptedException {
        engine.deactivate();
    }

    private void domain(String id, DomainAdapter adapter) {
        engine.addDomain(adapter, Map.of(DomainAdapter.DOMAIN_ID, id, "service.id", nextServiceId++));
    }

    /** Registers a fresh identity plant as the domains {@code parent} and {@code child}. */
    private TestPlant plant(String parent, String child) {
        TestPlant plant = new TestPlant(1, 0, 0, 0, 1, 0, 0, 0, 1);
        domain(parent, plant.parent);
        domain(child, plant.child);
        return plant;
    }

    private PairStatus status(String id) {
        return engine.pair(id).orElseThrow(() -> new AssertionError("no pair " + id));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void pairWaitsForItsDomainsAndStartsWhenTheyAppear() throws Exception {
        engine.put("pid-a", Configs.settings("id", "a", "parent", "h1", "child", "u1", "rate", "50"));
        await("a waits", () -> status("a").state() == PairState.WAITING);
        assertTrue(
                status("a").reason().contains("parent domain h1"), status("a").reason());

        TestPlant plant = new TestPlant(1, 0, 0, 0, 1, 0, 0, 0, 1);
        domain("h1", plant.parent);
        await("a waits for its child", () -> status("a").reason().contains("child domain u1"));
        domain("u1", plant.child);
        await(
                "a runs",
                () -> status("a").state() == PairState.RUNNING && status("a").cycles() > 5);
    }

    @Test
    void addingChangingAndRemovingPairsLeavesTheOthersRunningAtTheirRates() throws Exception {
        plant("h1", "u1");
        plant("h2", "u2");
        engine.put("pid-a", Configs.settings("id", "a", "parent", "h1", "child", "u1", "rate", "100"));
        engine.put("pid-b", Configs.settings("id", "b", "parent", "h2", "child", "u2", "rate", "20"));
        await("both run", () -> status("a").cycles() > 20 && status("b").cycles() > 5);

        engine.put("pid-b", Configs.settings("id", "b", "parent", "h2", "child", "u2", "rate", "50"));
        engine.remove("pid-b", true);
        assertTrue(engine.pair("b").isEmpty());

        long a0 = status("a").cycles();
        long t0 = System.nanoTime();
        await("a goes on", () -> status("a").cycles() > a0 + 100);
        double rate = (status("a").cycles() - a0) / ((System.nanoTime() - t0) * 1e-9);
        assertTrue(rate > 50 && rate < 150, "a still runs at about 100 Hz: " + rate);
        assertEquals(PairState.RUNNING, status("a").state());
    }

    /** A cache that hands what the test stores or resets straight to its subscribers. */
    private static final class PassingCache implements TensorCache {
        final List<Consumer<CachedTensor>> listeners = new CopyOnWriteArrayList<>();
        final List<Consumer<TensorReset>> resetListeners = new CopyOnWriteArrayList<>();

        @Override
        public Optional<String> validate(TensorUpdate update) {
            return Optional.empty();
        }

        @Override
        public boolean store(TensorUpdate u) {
            long now = System.currentTimeMillis();
            listeners.forEach(l -> l.accept(new CachedTensor(u, now, u.confidence(), now, 3_600_000)));
            return true;
        }

        @Override
        public Optional<CachedTensor> retrieve(String pair) {
            return Optional.empty();
        }

        @Override
        public List<CachedTensor> all() {
            return List.of();
        }

        @Override
        public long rejected() {
            return 0;
        }

        @Override
        public AutoCloseable subscribe(Consumer<CachedTensor> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public boolean reset(TensorReset reset) {
            resetListeners.forEach(l -> l.accept(reset));
            return true;
        }

        @Override
        public AutoCloseable subscribeResets(Consumer<TensorReset> listener) {
            resetListeners.add(listener);
            return () -> resetListeners.remove(listener);
        }
    }

    @Test
    void aResetPutsThePairBackOnItsInitialTensorAndLeavesTheOthers() throws Exception {
        plant("h1", "u1");
        plant("h2", "u2");
        PassingCache cache = new PassingCache();
        engine.setCache(cache);
        engine.put("pid-a", Configs.settings("id", "a", "parent", "h1", "child", "u1", "rate", "100"));
        engine.put("pid-b", Configs.settings("id", "b", "parent", "h2", "child", "u2", "rate", "100"));
        await("both run", () -> status("a").cycles() > 5 && status("b").cycles() > 5);
        Matrix3 half = new Matrix3(0.5, 0, 0, 0, 0.5, 0, 0, 0, 0.5);
        for (String pair : List.of("a", "b")) {
            cache.store(new TensorUpdate(
                    pair,
                    3,
                    half,
                    Matrix3.IDENTITY,
                    0.9,
                    new Vector3(1, 1, 1),
                    new EstimatorState("rls", 1, new byte[0]),
                    Map.of(),
                    "node-a",
                    System.currentTimeMillis()));
        }
        assertEquals(half, engine.tensor("a").orElseThrow());
        assertEquals(3, status("a").tensorVersion());

        cache.reset(new TensorReset("a", 4, "node-a", System.currentTimeMillis()));
        assertEquals(Matrix3.IDENTITY, engine.tensor("a").orElseThrow(), "the configured initial tensor");
        assertEquals(0, status("a").tensorVersion());
        assertEquals(half, engine.tensor("b").orElseThrow(), "b keeps its tensor");
        long a0 = status("a").cycles();
        await("a runs on", () -> status("a").cycles() > a0 + 10);
        assertEquals(PairState.RUNNING, status("a").state());
        engine.unsetCache(cache);
        assertTrue(cache.resetListeners.isEmpty(), "unsubscribed");
    }

    @Test
    void theLoopRecordsEachPassCycleTimeAndLateness() throws Exception {
        plant("h1", "u1");
        engine.put("pid-a", Configs.settings("id", "a", "parent", "h1", "child", "u1", "rate", "100"));
        await("a runs", () -> status("a").cycles() > 20);
        dev.cascade.api.monitoring.LoopMetrics first = engine.loop();
        await("more passes", () -> engine.loop().passes() > first.passes() + 20);
        dev.cascade.api.monitoring.LoopMetrics m = engine.loop();
        // one pair: every pass runs it, so passes and cycles move together
        assertTrue(m.passes() >= first.passes() + 20, m.toString());
        assertEquals(m.passes(), m.cycleTime().count());
        assertEquals(m.passes(), m.lateness().count());
        assertEquals("microseconds", m.cycleTime().unit());
        assertTrue(
                m.cycleTime().p50() > 0 && m.cycleTime().p50() <= m.cycleTime().p99(), m.toString());
        long inBuckets = m.cycleTime().buckets().stream()
                .mapToLong(dev.cascade.api.monitoring.Histogram.Bucket::count)
                .sum();
        assertEquals(m.cycleTime().count(), inBuckets);
        assertTrue(Double.isInfinite(
                m.cycleTime().buckets().get(m.cycleTime().buckets().size() - 1).upTo()));
    }

    @Test
    void cycleTimeIsThePassesOwnWorkNotItsLateness() throws Exception {
        // a parent that takes 20 ms to read, at 100 Hz: every pass works 20 ms and starts about 10 ms late
        TestPlant plant = new TestPlant(1, 0, 0, 0, 1, 0, 0, 0, 1);
        DomainAdapter slow = new DomainAdapter() {
            @Override
            public void read(dev.cascade.api.domain.DomainReading reading) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                plant.parent.read(reading);
            }

            @Override
            public void apply(double dx, double dy, double dz) {
                plant.parent.apply(dx, dy, dz);
            }
        };
        domain("slow-h", slow);
        domain("slow-u", plant.child);
        engine.put("pid-s", Configs.settings("id", "s", "parent", "slow-h", "child", "slow-u", "rate", "100"));
        await("20 passes", () -> engine.loop().passes() > 20);
        dev.cascade.api.monitoring.LoopMetrics m = engine.loop();
        assertTrue(m.cycleTime().p50() >= 20_000, "each pass works at least 20 ms: " + m);
        assertTrue(m.lateness().p50() >= 5_000, "and starts late: " + m);
        // measured from the scheduled start, a pass would take its lateness and its work together
        assertTrue(
                m.cycleTime().p50() < 20_000 + m.lateness().p50(),
                "the cycle time is the work alone, not lateness plus work: " + m);
    }

    @Test
    void theLoopReportsARecentWindowOfWholeSeconds() throws Exception {
        plant("h1", "u1");
        engine.put("pid-a", Configs.settings("id", "a", "parent", "h1", "child", "u1", "rate", "100"));
        await(
                "a second of passes has ended",
                () -> engine.loop(Duration.ofSeconds(1)).cycleTime().count() > 0);
        dev.cascade.api.monitoring.LoopWindow w = engine.loop(Duration.ofSeconds(1));
        long millis = Duration.between(w.start(), w.end()).toMillis();
        assertTrue(millis >= 900 && millis <= 5_000, "about a second: " + w);
        // 100 Hz for (at most) a second, one pair: a pass per cycle
        assertTrue(w.cycleTime().count() <= 100 * millis / 1000 + 5, w.toString());
        assertEquals(w.cycleTime().count(), w.lateness().count());
        assertTrue(engine.loop().passes() >= w.cycleTime().count());
        assertThrows(IllegalArgumentException.class, () -> engine.loop(Duration.ofMinutes(2)));
    }

    @Test
    void hdrSnapshotsGiveCountsPercentilesAndBuckets() {
        org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(LoopTiming.HIGHEST_NANOS, 2);
        for (int i = 1; i <= 100; i++) {
            h.recordValue(i * 1000L); // 1..100 us
        }
        dev.cascade.api.monitoring.Histogram s =
                HdrSnapshots.of(h, 1000.0, "microseconds", HdrSnapshots.MICROSECOND_BOUNDS);
        assertEquals(100, s.count());
        assertEquals(50.5, s.mean(), 0.6);
        assertEquals(50, s.p50(), 1);
        assertEquals(99, s.p99(), 1);
        assertEquals(100, s.max(), 1);
        // 1-2-5 buckets: (0,1] 1, (1,2] 1, (2,5] 3, (5,10] 5, (10,20] 10, (20,50] 30, (50,100] 50
        long[] expected = {1, 1, 3, 5, 10, 30, 50};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(
                    expected[i],
                    s.buckets().get(i).count(),
                    "bucket up to " + s.buckets().get(i).upTo());
        }
        assertEquals(
                dev.cascade.api.monitoring.Histogram.empty("microseconds"),
                HdrSnapshots.of(
                        new org.HdrHistogram.Histogram(2), 1000.0, "microseconds", HdrSnapshots.MICROSECOND_BOUNDS));
    }

    @Test
    void aDuplicatePairIdIsRejectedAndShown() throws Exception {
        engine.put("pid-a", Configs.settings("id", "a"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> engine.put("pid-a2", Configs.settings("id", "a")));
        assertTrue(e.getMessage().contains("already used by pid-a"), e.getMessage());
        engine.reject("pid-x", "x", "dev.cascade.pair (pair x): rate = '0.5' is not valid; use ...");
        PairStatus x = status("x");
        assertEquals(PairState.STOPPED, x.state());
        assertTrue(x.reason().contains("rate = '0.5'"));
        engine.remove("pid-x", true);
        assertTrue(engine.pair("x").isEmpty());
    }

    @Test
    void aFilterCanBeTargetedAtSomePairs() throws Exception {
        plant("h1", "u1");
        plant("h2", "u2");
        engine.put("pid-a", Configs.settings("id", "floor-a", "parent", "h1", "child", "u1", "rate", "100"));
        engine.put("pid-b", Configs.settings("id", "b", "parent", "h2", "child", "u2", "rate", "100"));
        int[] seen = new int[2];
        Filter counting = frame -> seen[frame.pair().equals("b") ? 1 : 0]++;
        engine.addFilter(counting, Map.of(Filter.STAGE, "pre", Filter.PAIRS, "floor-*", "service.id", 99L));
        await("the filter runs for floor-a", () -> seen[0] > 10);
        assertEquals(0, seen[1], "never for b");
    }

    @Test
    void pairsAddedOneByOneShareFewPlansAndAreListedAtOnce() throws Exception {
        // a node starting with many pairs: each pair and each of its domains comes in a call of its own; a plan
        // per call made adding N pairs cost O(N^2) (10,000 pairs took 150 s)
        int n = 2000;
        long before = engine.plansBuilt;
        for (int i = 0; i < n; i++) {
            plant("h" + i, "u" + i);
            engine.put("pid-" + i, Configs.settings("id", "p" + i, "parent", "h" + i, "child", "u" + i, "rate", "10"));
        }
        // every change is visible to a reader as soon as its call returned
        assertEquals(n, engine.pairs().size());
        assertEquals("p" + (n - 1), status("p" + (n - 1)).id());
        long built = engine.plansBuilt - before;
        assertTrue(built < n / 4, built + " plans built for " + n + " pairs and " + 2 * n + " domains");
        // and the loop runs them all
        await("every pair cycles", () -> engine.pairs().stream().allMatch(p -> p.cycles() > 0));
        // a duplicate id is still refused, without a scan of the others
        assertThrows(
                IllegalArgumentException.class,
                () -> engine.put(
                        "pid-other", Configs.settings("id", "p7", "parent", "h7", "child", "u7", "rate", "10")));
        assertEquals("pid-7", engine.current().entry("p7").runtime().pid);
    }

    @Test
    void domainsRemovedOneByOneLeaveTheLoopAtOnceWithoutAPlanEach() throws Exception {
        // a bundle with many adapters stopping: each removal must take its adapter out of the loop before it
        // returns, and a whole plan per removal made removing N adapters cost O(N^2)
        int n = 1000;
        TestPlant[] plants = new TestPlant[n];
        long[] childService = new long[n];
        for (int i = 0; i < n; i++) {
            plants[i] = plant("h" + i, "u" + i);
            childService[i] = nextServiceId - 1;
            engine.put("pid-" + i, Configs.settings("id", "p" + i, "parent", "h" + i, "child", "u" + i, "rate", "100"));
        }
        plant("hk", "uk");
        engine.put("pid-k", Configs.settings("id", "k", "parent", "hk", "child", "uk", "rate", "100"));
        await("every pair cycles", () -> engine.pairs().stream().allMatch(p -> p.cycles() > 0));

        long before = engine.plansBuilt;
        int[] appliesWhenRemoved = new int[n];
        for (int i = 0; i < n; i++) {
            engine.removeDomain(
                    plants[i].child, Map.of(DomainAdapter.DOMAIN_ID, "u" + i, "service.id", childService[i]));
            appliesWhenRemoved[i] = plants[i].applies;
        }
        long built = engine.plansBuilt - before;
        // the pair that keeps its domains runs on; a removed adapter gets at most the call of a pass that had
        // begun before its removal
        long k = status("k").cycles();
        await("k runs on", () -> status("k").cycles() > k + 5);
        for (int i : new int[] {0, n / 2, n - 1}) {
            assertTrue(
                    plants[i].applies <= appliesWhenRemoved[i] + 1,
                    "u" + i + " applied " + (plants[i].applies - appliesWhenRemoved[i]) + " times after its removal");
            assertEquals(PairState.WAITING, status("p" + i).state());
            assertTrue(
                    status("p" + i).reason().contains("child domain u" + i),
                    status("p" + i).reason());
        }
        assertTrue(built < n / 4, built + " plans built for " + n + " removals");
        // a domain that comes back is picked up again
        domain("u0", plants[0].child);
        await("p0 runs again", () -> status("p0").state() != PairState.WAITING);
    }

    @Test
    void pairsThatRunTheSameFiltersShareOneChainUnlessItKeepsCallCredit() throws Exception {
        plant("h1", "u1");
        plant("h2", "u2");
        plant("h3", "u3");
        engine.put("pid-a", Configs.settings("id", "a", "parent", "h1", "child", "u1", "rate", "100"));
        engine.put("pid-b", Configs.settings("id", "b", "parent", "h2", "child", "u2", "rate", "100"));
        engine.addFilter(frame -> {}, Map.of(Filter.STAGE, "pre", "service.id", 90L));
        // a pair added later joins the chain the others already run
        engine.put("pid-c", Configs.settings("id", "c", "parent", "h3", "child", "u3", "rate", "100"));
        Plan plan = engine.current();
        FilterChain a = plan.entry("a").chain();
        assertFalse(a.isEmpty());
        assertSame(a, plan.entry("b").chain());
        assertSame(a, plan.entry("c").chain());
        // a filter with a maximum call rate keeps credit per pair: each pair gets its own chain
        engine.addFilter(
                frame -> {}, Map.of(Filter.STAGE, "post", ToolResources.MAX_CALL_RATE, "20", "service.id", 91L));
        plan = engine.current();
        assertNotSame(plan.entry("a").chain(), plan.entry("b").chain());
        assertTrue(plan.entry("a").chain().sameAs(plan.entry("b").chain()));
    }

    @Test
    void aFiltersMaximumCallRateComesFromItsContract() throws Exception {
        plant("h1", "u1");
        engine.put("pid-a", Configs.settings("id", "a", "parent", "h1", "child", "u1", "rate", "100"));
        int[] calls = {0};
        engine.addFilter(
                frame -> calls[0]++, Map.of(Filter.STAGE, "pre", ToolResources.MAX_CALL_RATE, "20", "service.id", 98L));
        int[] ignored = {0};
        engine.addFilter(
                frame -> ignored[0]++,
                Map.of(Filter.STAGE, "pre", ToolResources.MAX_CALL_RATE, "fast", "service.id", 97L));
        long start = engine.pair("a").orElseThrow().cycles();
        await("300 cycles", () -> engine.pair("a").orElseThrow().cycles() - start >= 300);
        long cycles = engine.pair("a").orElseThrow().cycles() - start;
        int n = calls[0];
        assertTrue(n * 5 <= cycles + 10, n + " calls in " + cycles + " cycles at 100 Hz: at most 20 a second");
        assertTrue(n * 10 >= cycles, n + " calls in " + cycles + " cycles: about 20 a second");
        assertEquals(0, ignored[0], "a contract that does not parse: the filter is not used");
    }

    @Test
    void onlyFiltersTheToolManagerPermitsRunAndTheirFaultsAreReported() throws Exception {
        plant("h1", "u1");
        engine.put("pid-a", Configs.settings("id", "a", "parent", "h1", "child", "u1", "rate", "100"));
        RecordingToolManager manager = new RecordingToolManager();
        engine.setToolManager(manager);
        int[] calls = new int[1];
        engine.addFilter(frame -> calls[0]++, Map.of(Filter.STAGE, "pre", "service.id", 50L));
        engine.addFilter(
                frame -> {
                    throw new IllegalStateException("broken tool");
                },
                Map.of(Filter.STAGE, "post", "service.id", 51L));
        await("the permitted filter runs", () -> calls[0] > 10);
        await("the broken one's faults reach the tool manager", () -> manager.faults.contains("51 threw"));

        manager.refused.add(50L);
        manager.listener.run(); // the tool manager quarantined it
        int seen = calls[0];
        long cycles = status("a").cycles();
        await("the loop goes on", () -> status("a").cycles() > cycles + 20);
        assertTrue(calls[0] <= seen + 1, "a quarantined filter is not called: " + seen + " -> " + calls[0]);
    }

    @Test
    void theToolManagerHearsHowOftenTheLoopCalledEachFilterAndHowLongTheTimedCallsTook() throws Exception {
        plant("h1", "u1");
        engine.put("pid-a", Configs.settings("id", "a", "parent", "h1", "child", "u1", "rate", "100"));
        RecordingToolManager manager = new RecordingToolManager();
        engine.setToolManager(manager);
        int[] filterCalls = {0};
        engine.addFilter(
                frame -> {
                    filterCalls[0]++;
                    PairRuntimeTest.spin(1_000_000); // at least 1 ms a call, against a 20 ms budget
                },
                Map.of(Filter.STAGE, "pre", ToolResources.MAX_CALL_MICROS, "20000", "service.id", 70L));
        await(
                "100 calls reported",
                () -> manager.calls.containsKey(70L) && manager.calls.get(70L)[0] >= 100);
        long[] c = manager.calls.get(70L);
        assertTrue(c[0] <= filterCalls[0], c[0] + " calls reported, " + filterCalls[0] + " made");
        // a new filter is timed on every call until 64 in a row kept the budget
        assertTrue(c[1] >= 64 && c[1] <= c[0], c[1] + " of " + c[0] + " calls timed");
        double meanMillis = c[2] / 1e6 / c[1];
        assertTrue(meanMillis >= 1 && meanMillis < 20, "mean timed call " + meanMillis + " ms");
    }

    @Test
    void aFiltersCallsKeepCountingWhenItsChainIsReplaced() throws Exception {
        plant("h1", "u1");
        engine.put("pid-a", Configs.settings("id", "a", "parent", "h1", "child", "u1", "rate", "200"));
        RecordingToolManager manager = new RecordingToolManager();
        java.util.concurrent.atomic.AtomicLong made = new java.util.concurrent.atomic.AtomicLong();
        manager.made = made::get;
        engine.setToolManager(manager);
        engine.addFilter(frame -> made.incrementAndGet(), Map.of(Filter.STAGE, "pre", "service.id", 71L));
        await("the filter runs", () -> made.get() > 50);
        // a second filter joins the pair and leaves again: the pair runs two new chains in turn
        Filter other = frame -> {};
        Map<String, Object> otherProperties = Map.of(Filter.STAGE, "post", "service.id", 72L);
        engine.addFilter(other, otherProperties);
        await(
                "the pair runs the second filter",
                () -> manager.calls.containsKey(72L) && manager.calls.get(72L)[0] > 20);
        engine.removeFilter(other, otherProperties);
        long before = made.get();
        await("the pair runs its first chain again", () -> made.get() > before + 50);
        long after = made.get();
        // a report made since: its count against the calls made when it was handed over (the loop goes on
        // meanwhile, so a call or two may be in between); the chains that left the plan counted more than 50
        await("a report since", () -> manager.calls.get(71L)[3] > after);
        long[] report = manager.calls.get(71L);
        assertTrue(
                report[0] <= report[3] && report[0] >= report[3] - 3,
                report[0] + " calls reported when " + report[3] + " were made");
    }

    @Test
    void aFilterThatStartsToOverrunOnAnUntimedCycleIsCaughtOnThePairsNextCycle() throws Exception {
        plant("h1", "u1");
        engine.put("pid-a", Configs.settings("id", "a", "parent", "h1", "child", "u1", "rate", "100"));
        RecordingToolManager manager = new RecordingToolManager();
        engine.setToolManager(manager);
        int[] filterCalls = {0};
        int[] slowCalls = {0};
        List<Integer> slowCallsWhenReported = new CopyOnWriteArrayList<>();
        manager.onFault = what -> slowCallsWhenReported.add(slowCalls[0]);
        // trusted after 64 timed calls within budget (a new filter is timed on every call), then slow for good:
        // 30 ms against a 10 ms budget, starting on whichever cycle of the pair's one-in-16 sample
        engine.addFilter(
                frame -> {
                    if (++filterCalls[0] > 200) {
                        slowCalls[0]++;
                        PairRuntimeTest.spin(30_000_000);
                    }
                },
                Map.of(Filter.STAGE, "pre", ToolResources.MAX_CALL_MICROS, "10000", "service.id", 60L));
        await("the slow filter is reported", () -> !slowCallsWhenReported.isEmpty());
        // its first slow call made a long pass, so the pair's next cycle timed it (fault 1, suspect), and the
        // one after (fault 2: two in a row are reported); with the sample alone up to 15 more slow calls
        assertTrue(
                slowCallsWhenReported.get(0) <= 3,
                "reported after " + slowCallsWhenReported.get(0) + " slow calls: " + manager.faults);
    }

    /** A tool manager that permits what is not refused and records the faults reported to it. */
    private static final class RecordingToolManager implements dev.cascade.api.tools.ToolManager {
        final java.util.Set<Long> refused = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final List<String> faults = new CopyOnWriteArrayList<>();
        volatile Consumer<String> onFault = what -> {};
        volatile Runnable listener = () -> {};
        /** Read after each report of calls, stored beside it (a test's own count of calls made). */
        volatile java.util.function.LongSupplier made = () -> 0;

        @Override
        public List<dev.cascade.api.tools.ToolInfo> tools() {
            return List.of();
        }

        @Override
        public dev.cascade.api.tools.ToolCapacity capacity() {
            dev.cascade.api.tools.ToolAllocation none = new dev.cascade.api.tools.ToolAllocation(0, 0, 0, 0, 0);
            return new dev.cascade.api.tools.ToolCapacity(none, none);
        }

        @Override
        public void quarantine(String name, String reason) {}

        @Override
        public void quarantine(long serviceId, String reason) {}

        @Override
        public void release(String name) {}

        @Override
        public void stop(String name) {}

        @Override
        public void start(String name) {}

        @Override
        public boolean permits(long serviceId) {
            return !refused.contains(serviceId);
        }

        @Override
        public void fault(long serviceId, String what) {
            faults.add(serviceId + " " + what);
            onFault.accept(what);
        }

        /** The latest call counts per service: calls, timed calls, their nanoseconds. */
        final Map<Long, long[]> calls = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void calls(long serviceId, long calls, long timedCalls, long timedNanos) {
            this.calls.put(serviceId, new long[] {calls, timedCalls, timedNanos, made.getAsLong()});
        }

        @Override
        public AutoCloseable onChange(Runnable l) {
            listener = l;
            return () -> {};
        }
    }

    @Test
    void aFilterThatNeverReturnsIsFencedOffAndTheLoopGoesOnOnAFreshThread() throws Exception {
        plant("h1", "u1");
        plant("h2", "u2");
        engine.put("pid-a", Configs.settings("id", "a", "parent", "h1", "child", "u1", "rate", "100"));
        engine.put("pid-b", Configs.settings("id", "b", "parent", "h2", "child", "u2", "rate", "100"));
        await("both run", () -> status("a").cycles() > 5 && status("b").cycles() > 5);

        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger writesAfterRelease = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        engine.addFilter(
                frame -> {
                    if (!frame.pair().equals("a")) {
                        return;
                    }
                    try {
                        never.await(); // blocks the loop thread: an interrupt is how it is let go
                    } catch (InterruptedException e) {
                        released.set(true);
                    }
                    frame.error(0, 1e9); // a late write into the abandoned frame
                    writesAfterRelease.incrementAndGet();
                },
                Map.of(Filter.STAGE, "pre", Filter.PAIRS, "a", "service.id", 77L));

        await("the watchdog replaced the loop thread", () -> engine.stuckThreads == 1);
        await("the abandoned thread was interrupted and returned", released::get);
        long a0 = status("a").cycles();
        long b0 = status("b").cycles();
        await(
                "both pairs go on without the hung filter",
                () -> status("a").cycles() > a0 + 20 && status("b").cycles() > b0 + 20);
        assertEquals(1, writesAfterRelease.get(), "the filter was never called again");
        assertTrue(
                Math.abs(status("a").error().x()) < 1e6,
                "its late write reached nothing: " + status("a").error());
    }

    @Test
    void aFilterWithABadStageIsIgnored() {
        engine.addFilter(frame -> {}, Map.of(Filter.STAGE, "middle", "service.id", 7L));
        // nothing to run; the loop is unaffected and no exception escapes
        assertTrue(engine.pairs().isEmpty());
    }

    @Test
    void aChildThatIsTheParentOfAnotherPairTakesSetpointShifts() throws Exception {
        TestPlant top = new TestPlant(1, 0, 0, 0, 1, 0, 0, 0, 1);
        TestPlant bottom = new TestPlant(1, 0, 0, 0, 1, 0, 0, 0, 1);
        domain("site", top.parent);
        domain("hall", bottom.parent);
        domain("unit", bottom.child);
        engine.put("pid-top", Configs.settings("id", "top", "parent", "site", "child", "hall", "setpoint", "1, 1, 1"));
        engine.put(
                "pid-hall", Configs.settings("id", "hall", "parent", "hall", "child", "unit", "setpoint", "0, 0, 0"));
        await(
                "the top pair shifts the hall's setpoint",
                () -> status("hall").setpoint().x() > 0.05);
        await("both run", () -> status("top").state() == PairState.RUNNING);
    }
}
