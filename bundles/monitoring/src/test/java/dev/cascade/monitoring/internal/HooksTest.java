package dev.cascade.monitoring.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.monitoring.Analysis;
import dev.cascade.api.monitoring.AnalysisHook;
import dev.cascade.api.monitoring.HookMetrics;
import dev.cascade.api.monitoring.HookPhase;
import dev.cascade.api.network.Batch;
import dev.cascade.api.tensor.Vector3;
import dev.cascade.api.tools.ToolCapacity;
import dev.cascade.api.tools.ToolInfo;
import dev.cascade.api.tools.ToolManager;
import dev.cascade.api.tools.ToolState;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;

class HooksTest {

    private final Hooks hooks = new Hooks(() -> 1234L);
    private final AtomicInteger serviceIds = new AtomicInteger(100);

    /** A tool manager that records what it hears and quarantines on request. */
    static final class RecordingManager implements ToolManager {
        final List<String> faults = new CopyOnWriteArrayList<>();
        final Map<Long, String> quarantined = new ConcurrentHashMap<>();

        @Override
        public List<ToolInfo> tools() {
            return List.of();
        }

        @Override
        public ToolCapacity capacity() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void quarantine(String name, String reason) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void quarantine(long serviceId, String reason) {
            quarantined.put(serviceId, reason);
        }

        @Override
        public void release(String name) {}

        @Override
        public void stop(String name) {}

        @Override
        public boolean permits(long serviceId) {
            return !quarantined.containsKey(serviceId);
        }

        @Override
        public void fault(long serviceId, String what) {
            faults.add(serviceId + ": " + what);
        }

        @Override
        public AutoCloseable onChange(Runnable listener) {
            return () -> {};
        }

        @Override
        public void start(String name) {}
    }

    @AfterEach
    void stop() {
        hooks.deactivate();
    }

    private long add(String name, String phase, long budgetMillis, AnalysisHook hook, Object... more) {
        long id = serviceIds.incrementAndGet();
        Map<String, Object> p = new HashMap<>();
        p.put(Constants.SERVICE_ID, id);
        p.put("component.name", name);
        p.put(AnalysisHook.PHASE, phase);
        p.put(AnalysisHook.BUDGET_MS, budgetMillis);
        for (int i = 0; i < more.length; i += 2) {
            p.put((String) more[i], more[i + 1]);
        }
        hooks.addHook(hook, p);
        return id;
    }

    private HookMetrics metrics(String name) {
        return hooks.metrics().stream()
                .filter(h -> h.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no hook " + name + " in " + hooks.metrics()));
    }

    private static <T> T await(String what, Supplier<T> probe, Predicate<T> accept) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            T v = probe.get();
            if (accept.test(v)) {
                return v;
            }
            if (System.nanoTime() > end) {
                fail("not true within 10 s: " + what + " (last: " + v + ")");
            }
            Thread.sleep(10);
        }
    }

    static Batch batch() {
        Measurement m = new Measurement("p", 1, Vector3.ZERO, Vector3.ZERO, Vector3.ZERO, Quality.GOOD);
        return new Batch("p", "node", 7, List.of(m), 1);
    }

    @Test
    void beforeAndAfterHooksGetTheBatchAndTheUpdateOnTheirOwnThreads() throws Exception {
        List<Analysis> seen = new CopyOnWriteArrayList<>();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AnalysisHook recording = a -> {
            seen.add(a);
            threads.add(Thread.currentThread().getName());
        };
        add("b", "before", 100, recording);
        add("a", "AFTER", 100, recording);
        Batch batch = batch();
        hooks.before(batch);
        await("the before hook ran", seen::size, n -> n == 1);
        hooks.after(batch, Optional.empty());
        await("the after hook ran", seen::size, n -> n == 2);
        assertEquals(new Analysis(HookPhase.BEFORE, Optional.of(batch), Optional.empty(), 1234), seen.get(0));
        assertEquals(new Analysis(HookPhase.AFTER, Optional.of(batch), Optional.empty(), 1234), seen.get(1));
        assertEquals(Set.of("cascade-hook-a", "cascade-hook-b"), threads);
        assertEquals(1, metrics("a").calls());
        assertEquals(HookPhase.AFTER, metrics("a").phase());
    }

    @Test
    void aCallPastItsBudgetIsCutOffCountedAndReported() throws Exception {
        RecordingManager manager = new RecordingManager();
        hooks.setToolManager(manager);
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        long id = add("sleeper", "before", 50, a -> {
            started.countDown();
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        long t0 = System.nanoTime();
        hooks.before(batch());
        long handOver = System.nanoTime() - t0;
        assertTrue(started.await(5, TimeUnit.SECONDS));
        assertTrue(handOver < TimeUnit.MILLISECONDS.toNanos(50), "before() returned after " + handOver + " ns");
        await("the call is cut off", () -> metrics("sleeper").overruns(), n -> n == 1);
        await("the hook saw the interrupt", interrupted::get, b -> b);
        await("the call ended", () -> hooks.metrics().get(0), h -> h.calls() == 1);
        assertEquals(List.of(id + ": analysis hook ran past its budget of 50 ms and was cut off"), manager.faults);
        assertEquals(0, metrics("sleeper").faults(), "an overrun is not also a throw");
    }

    @Test
    void aCallDueWhileThePreviousRunsIsSkipped() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        add("slow", "after", 10_000, a -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        hooks.after(batch(), Optional.empty());
        assertTrue(started.await(5, TimeUnit.SECONDS));
        hooks.after(batch(), Optional.empty());
        hooks.after(batch(), Optional.empty());
        HookMetrics m = metrics("slow");
        assertEquals(1, m.calls());
        assertEquals(2, m.skipped());
        release.countDown();
        await(
                "the call ended, so the next one is made",
                () -> {
                    hooks.after(batch(), Optional.empty());
                    return metrics("slow").calls();
                },
                n -> n == 2);
    }

    @Test
    void throwsAreFaultsAndWithoutAToolManagerFiveInARowBypassTheHook() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        add(
                "thrower",
                "periodic",
                100,
                a -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("broken");
                },
                AnalysisHook.PERIOD_MS,
                10L);
        HookMetrics m = await(
                "the hook is bypassed",
                () -> metrics("thrower"),
                h -> h.state() == ToolState.QUARANTINED && h.faults() == Hooks.LOCAL_FAULT_LIMIT);
        assertEquals(Hooks.LOCAL_FAULT_LIMIT, m.calls());
        Thread.sleep(100); // ten more periods: a bypassed hook gets no call (asserting an absence)
        assertEquals(Hooks.LOCAL_FAULT_LIMIT, calls.get());
    }

    @Test
    void withAToolManagerThrowsAreReportedAndItsQuarantineIsObeyed() throws Exception {
        RecordingManager manager = new RecordingManager();
        hooks.setToolManager(manager);
        AtomicInteger calls = new AtomicInteger();
        long id = add(
                "thrower",
                "periodic",
                100,
                a -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("broken");
                },
                AnalysisHook.PERIOD_MS,
                10L);
        await("faults reach the tool manager", () -> manager.faults.size(), n -> n >= 3);
        assertTrue(
                manager.faults.get(0).startsWith(id + ": analysis hook threw java.lang.IllegalStateException: broken"));
        manager.quarantine(id, "test");
        int atQuarantine = calls.get();
        Thread.sleep(100); // ten periods: a quarantined hook gets no call (at most the one already handed over)
        assertTrue(calls.get() <= atQuarantine + 1, "calls after quarantine: " + (calls.get() - atQuarantine));
        assertEquals(ToolState.QUARANTINED, metrics("thrower").state());
    }

    @Test
    void aHookThatIgnoresTheInterruptIsQuarantined() throws Exception {
        RecordingManager manager = new RecordingManager();
        hooks.setToolManager(manager);
        AtomicBoolean release = new AtomicBoolean();
        long id = add("stubborn", "before", 20, a -> {
            while (!release.get()) {
                Thread.onSpinWait(); // ignores interrupts
            }
        });
        hooks.before(batch());
        await("quarantined", () -> manager.quarantined.get(id), r -> r != null);
        assertTrue(manager.quarantined.get(id).startsWith("ignored being cut off"), manager.quarantined.get(id));
        hooks.before(batch());
        assertEquals(1, metrics("stubborn").calls(), "not called once quarantined");
        release.set(true);
    }

    @Test
    void periodicHooksRunOnTheirPeriodAndBadPropertiesAreRefused() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        add("tick", "periodic", 100, a -> calls.incrementAndGet(), AnalysisHook.PERIOD_MS, "20");
        await("periodic calls", calls::get, n -> n >= 3);
        add("nophase", "sometimes", 100, a -> {});
        add("badbudget", "before", 0, a -> {});
        assertEquals(
                List.of("tick"), hooks.metrics().stream().map(HookMetrics::name).toList());
        assertEquals(AnalysisHook.DEFAULT_BUDGET_MS, Hooks.millis(Map.of(), AnalysisHook.BUDGET_MS, 100));
    }
}
