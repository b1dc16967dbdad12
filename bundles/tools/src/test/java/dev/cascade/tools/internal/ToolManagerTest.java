package dev.cascade.tools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.Filter;
import dev.cascade.api.tools.Tool;
import dev.cascade.api.tools.ToolContext;
import dev.cascade.api.tools.ToolInfo;
import dev.cascade.api.tools.ToolResources;
import dev.cascade.api.tools.ToolState;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tool manager built through its constructor, with real threads for the tools' own work. */
class ToolManagerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final List<ToolManagerImpl> managers = new ArrayList<>();
    private long nextId = 100;

    @AfterEach
    void stopAll() {
        managers.forEach(ToolManagerImpl::deactivate);
    }

    private ToolManagerImpl manager(Object... keyValues) {
        Map<String, Object> values = new HashMap<>();
        values.put("sampleMillis", 50L);
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        ToolManagerImpl.Config config = (ToolManagerImpl.Config) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ToolManagerImpl.Config.class}, (p, m, a) -> {
                    if (m.getName().equals("annotationType")) {
                        return ToolManagerImpl.Config.class;
                    }
                    return values.getOrDefault(m.getName(), m.getDefaultValue());
                });
        ToolManagerImpl manager = new ToolManagerImpl(config);
        managers.add(manager);
        return manager;
    }

    private long add(ToolManagerImpl manager, Object service, String kind, String name, Object... contract) {
        Map<String, Object> props = new HashMap<>();
        long id = nextId++;
        props.put("service.id", id);
        props.put("component.name", name);
        for (int i = 0; i < contract.length; i += 2) {
            props.put((String) contract[i], contract[i + 1]);
        }
        manager.track(service, kind, props, "test.bundle");
        return id;
    }

    private static ToolInfo info(ToolManagerImpl manager, String name) {
        return manager.tools().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static <T> T await(String what, Supplier<T> value, java.util.function.Predicate<T> accept)
            throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        T v = value.get();
        while (!accept.test(v)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what + " (last: " + v + ")");
            }
            Thread.sleep(10);
            v = value.get();
        }
        return v;
    }

    private static final Filter NO_OP = frame -> {};

    @Test
    void aToolWithoutContractGetsTheConservativeDefault() {
        ToolManagerImpl m = manager();
        add(m, NO_OP, "Filter", "plain");
        ToolInfo plain = info(m, "plain");
        assertEquals(ToolState.ACTIVE, plain.state());
        assertEquals(Contract.DEFAULT, plain.contract());
        assertEquals("test.bundle", plain.bundle());
    }

    @Test
    void anInvalidContractIsRejectedNamingTheProperty() {
        ToolManagerImpl m = manager();
        long id = add(m, NO_OP, "Filter", "greedy", ToolResources.CPU, 2.0);
        ToolInfo greedy = info(m, "greedy");
        assertEquals(ToolState.REJECTED, greedy.state());
        assertTrue(greedy.reason().contains("cascade.tool.cpu = 2 is not valid"), greedy.reason());
        assertFalse(m.permits(id));
    }

    @Test
    void admissionIsRefusedWithTheReasonAndGrantedWhenCapacityFrees() {
        ToolManagerImpl m = manager("cpu", 0.5);
        long big = add(m, NO_OP, "Filter", "big", ToolResources.CPU, 0.4);
        long second = add(m, NO_OP, "Filter", "second", ToolResources.CPU, 0.2);
        ToolInfo refused = info(m, "second");
        assertEquals(ToolState.REJECTED, refused.state());
        assertEquals("cpu: asks 0.200 of a core, 0.100 left of 0.500", refused.reason());
        assertFalse(m.permits(second));
        assertTrue(m.permits(big));
        assertTrue(m.permits(424242), "a service the manager does not track is not its business");

        m.untrack(big);
        assertEquals(ToolState.ACTIVE, info(m, "second").state());
        assertTrue(m.permits(second));
    }

    @Test
    void threadsAndHeapAreAdmittedToo() {
        ToolManagerImpl m = manager("threads", 2, "heapMb", 10);
        add(m, NO_OP, "Filter", "fat", ToolResources.HEAP_MB, 16);
        assertEquals("heap: asks 16 MiB, 10 MiB left of 10", info(m, "fat").reason());
        add(m, new Quiet(), "Tool", "crowd", ToolResources.THREADS, 3);
        assertEquals("threads: asks 3, 2 left of 2", info(m, "crowd").reason());
    }

    @Test
    void aToolIsStartedWithItsAllocationAndStoppedAndStartedByTheOperator() {
        ToolManagerImpl m = manager();
        Quiet quiet = new Quiet();
        add(m, quiet, "Tool", "quiet", ToolResources.THREADS, 1, ToolResources.CPU, 0.05);
        assertEquals(1, quiet.starts.get());
        assertNotNull(quiet.context.executor());
        assertEquals(0.05, quiet.context.allocation().cpu());
        assertEquals("quiet", quiet.context.name());

        m.stop("quiet");
        assertEquals(1, quiet.stops.get());
        assertEquals(ToolState.STOPPED, info(m, "quiet").state());
        m.start("quiet");
        assertEquals(2, quiet.starts.get());
        assertEquals(ToolState.ACTIVE, info(m, "quiet").state());
        assertThrows(IllegalArgumentException.class, () -> m.stop("nobody"));
        assertThrows(IllegalStateException.class, () -> m.release("quiet"));
    }

    @Test
    void aSpinningToolIsThrottledThenQuarantinedAndItsThreadInterrupted() throws Exception {
        ToolManagerImpl m = manager();
        Spinner spinner = new Spinner();
        long start = System.nanoTime();
        add(m, spinner, "Tool", "spinner", ToolResources.THREADS, 1, ToolResources.CPU, 0.05);
        ToolInfo q = await("spinner quarantined", () -> info(m, "spinner"), t -> t.state() == ToolState.QUARANTINED);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(q.reason().contains("of a core against a contract of 0.05"), q.reason());
        assertTrue(seconds < 2, "quarantined after " + seconds + " s");
        await("its thread was interrupted and ended", () -> spinner.ended.get(), ended -> ended == 1);
        assertEquals(1, spinner.stops.get());
    }

    @Test
    void aToolAllocatingWithoutBoundIsQuarantined() throws Exception {
        ToolManagerImpl m = manager();
        add(
                m,
                new Allocator(),
                "Tool",
                "hog",
                ToolResources.THREADS,
                1,
                ToolResources.CPU,
                1.0,
                ToolResources.HEAP_MB,
                1);
        ToolInfo q = await("hog quarantined", () -> info(m, "hog"), t -> t.state() == ToolState.QUARANTINED);
        assertTrue(q.reason().startsWith("allocates"), q.reason());
    }

    @Test
    void repeatedFaultsQuarantineAndTheOperatorReleases() throws Exception {
        ToolManagerImpl m = manager("faultLimit", 3);
        long id = add(m, NO_OP, "Filter", "flaky");
        AtomicInteger changes = new AtomicInteger();
        m.onChange(changes::incrementAndGet);
        for (int i = 0; i < 3; i++) {
            m.fault(id, "threw IllegalStateException");
        }
        ToolInfo q = await("flaky quarantined", () -> info(m, "flaky"), t -> t.state() == ToolState.QUARANTINED);
        assertTrue(q.reason().startsWith("3 faults within 5000 ms (last: threw"), q.reason());
        assertFalse(m.permits(id));
        await("listeners hear of it", changes::get, n -> n >= 1);

        m.release("flaky");
        assertEquals(ToolState.ACTIVE, info(m, "flaky").state());
        assertTrue(m.permits(id));
        assertEquals(3, info(m, "flaky").usage().faults());
    }

    @Test
    void theFaultThatFillsTheWindowQuarantinesAtOnceNotAtTheNextSample() throws Exception {
        // the background sampler's interval is a minute: a quarantine within the test's deadline is the prompt one
        ToolManagerImpl m = manager("sampleMillis", 60_000L, "faultLimit", 3, "faultWindowMillis", 300_000L);
        long id = add(m, NO_OP, "Filter", "broken");
        m.fault(id, "threw");
        m.sample(); // the window: one fault in an earlier interval ...
        m.fault(id, "threw"); // ... and one in this one
        assertEquals(ToolState.ACTIVE, info(m, "broken").state(), "two faults are within the limit");
        m.fault(id, "threw IllegalStateException");
        ToolInfo q = await("broken quarantined", () -> info(m, "broken"), t -> t.state() == ToolState.QUARANTINED);
        assertTrue(q.reason().startsWith("3 faults within 300000 ms (last: threw IllegalStateException)"), q.reason());

        // released, it starts with a clean window and is quarantined again at its third fault
        m.release("broken");
        m.fault(id, "threw");
        m.fault(id, "threw");
        assertEquals(ToolState.ACTIVE, info(m, "broken").state());
        m.fault(id, "threw");
        await("broken quarantined again", () -> info(m, "broken"), t -> t.state() == ToolState.QUARANTINED);
    }

    @Test
    void theLoopsCallsIntoAFilterShowInItsUsage() {
        ToolManagerImpl m = manager("sampleMillis", 60_000L, "faultWindowMillis", 300_000L); // samples by hand
        long id = add(m, NO_OP, "Filter", "counted");
        m.calls(id, 1_000, 100, 100 * 25_000L); // 100 timed calls of 25 us
        m.sample();
        assertEquals(1_000, info(m, "counted").usage().calls());
        assertEquals(25.0, info(m, "counted").usage().callMicros(), 1e-9);
        m.calls(id, 2_000, 110, 100 * 25_000L + 10 * 5_000L); // then 10 of 5 us
        m.sample();
        assertEquals(2_000, info(m, "counted").usage().calls());
        assertEquals(5.0, info(m, "counted").usage().callMicros(), 1e-9, "the mean over the last interval");
        m.sample(); // no new timed calls: the last mean stays
        assertEquals(5.0, info(m, "counted").usage().callMicros(), 1e-9);
        m.calls(9_999, 1, 1, 1); // a service it does not track: ignored
    }

    @Test
    void steadyFaultsAtALowRateAddUpOverTheWindow() {
        // intervals driven by hand: the background sampler's interval is a minute
        ToolManagerImpl m = manager("sampleMillis", 60_000L, "faultLimit", 5, "faultWindowMillis", 300_000L);
        long id = add(m, NO_OP, "Filter", "slowly-broken");
        int intervals = 0;
        while (info(m, "slowly-broken").state() != ToolState.QUARANTINED && intervals < 20) {
            m.fault(id, "threw"); // one fault per interval: a slow loop whose filter throws every cycle
            m.sample();
            intervals++;
        }
        assertEquals(5, intervals, "quarantined once the window holds faultLimit faults");
        assertTrue(info(m, "slowly-broken").reason().startsWith("5 faults within 300000 ms"));
    }

    @Test
    void badCapacityConfigurationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> manager("cpu", -1.0));
        assertEquals("dev.cascade.tools: cpu = -1.0 is not valid; use a number of cores > 0", e.getMessage());
    }

    /** A tool that does nothing, and counts its lifecycle calls. */
    static class Quiet implements Tool {
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger stops = new AtomicInteger();
        volatile ToolContext context;

        @Override
        public void start(ToolContext context) {
            this.context = context;
            starts.incrementAndGet();
        }

        @Override
        public void stop() {
            stops.incrementAndGet();
        }
    }

    /** A tool that spins a core on its executor until interrupted. */
    static final class Spinner extends Quiet {
        final AtomicInteger ended = new AtomicInteger();

        @Override
        public void start(ToolContext context) {
            super.start(context);
            context.executor().execute(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    Math.sqrt(System.nanoTime()); // busy
                }
                ended.incrementAndGet();
            });
        }
    }

    /** A tool that allocates as fast as it can until interrupted. */
    static final class Allocator extends Quiet {
        @Override
        public void start(ToolContext context) {
            super.start(context);
            context.executor().execute(() -> {
                byte[][] keep = new byte[64][];
                int i = 0;
                while (!Thread.currentThread().isInterrupted()) {
                    keep[i++ & 63] = new byte[64 * 1024];
                }
            });
        }
    }
}
