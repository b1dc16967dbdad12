package dev.cascade.monitoring.internal;

import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.monitoring.Analysis;
import dev.cascade.api.monitoring.AnalysisHook;
import dev.cascade.api.monitoring.HookMetrics;
import dev.cascade.api.monitoring.HookPhase;
import dev.cascade.api.monitoring.HookRunner;
import dev.cascade.api.network.Batch;
import dev.cascade.api.tools.ToolInfo;
import dev.cascade.api.tools.ToolManager;
import dev.cascade.api.tools.ToolState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analysis hook runner: tracks {@link AnalysisHook}s (whiteboard), calls the {@code before} and
 * {@code after} hooks when the optimizer hands it a batch ({@link HookRunner}) and the {@code periodic}
 * ones on their period, each call on the hook's own thread under the hook's budget.
 *
 * <p>Rules: at most one call per hook in flight; a call due while the previous one runs is skipped and
 * counted. A call past its budget is cut off (its thread interrupted) and counted as an overrun; a throw is
 * counted as a fault; both are reported to the tool manager as faults, which quarantines a hook that keeps
 * faulting (without a tool manager, {@link #LOCAL_FAULT_LIMIT} faults in a row bypass it here). A hook that
 * ignores the interrupt and is still running {@link #STUCK_FACTOR} budgets (at least a second) later is
 * quarantined at once; its thread stays with it, and nothing else waits on it. A hook the tool manager does
 * not permit (rejected, quarantined, stopped) is not called.
 */
@Component(
        service = {HookRunner.class, Hooks.class},
        immediate = true)
public final class Hooks implements HookRunner {

    private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);

    /** Faults in a row that bypass a hook when no tool manager is there to decide. */
    static final int LOCAL_FAULT_LIMIT = 5;

    /** A call still running this many budgets (at least a second) after its start ignores being cut off. */
    static final int STUCK_FACTOR = 10;

    /** One hook as the runner keeps it. */
    static final class Slot {
        final long serviceId;
        final String name;
        final AnalysisHook hook;
        final HookPhase phase;
        final long budgetMillis;
        final long periodMillis;
        final ExecutorService thread;
        ScheduledFuture<?> periodic;

        // guarded by this
        boolean running;
        long sequence;
        long cutOff = -1;
        Thread worker;
        long calls;
        long overruns;
        long faults;
        long skipped;
        int faultsInARow;
        String bypassed;

        Slot(long serviceId, String name, AnalysisHook hook, HookPhase phase, long budgetMillis, long periodMillis) {
            this.serviceId = serviceId;
            this.name = name;
            this.hook = hook;
            this.phase = phase;
            this.budgetMillis = budgetMillis;
            this.periodMillis = periodMillis;
            this.thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "cascade-hook-" + name);
                t.setDaemon(true);
                return t;
            });
        }
    }

    private final Map<Long, Slot> slots = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final LongSupplier clock;
    private volatile ToolManager toolManager;

    @Activate
    public Hooks() {
        this(System::currentTimeMillis);
    }

    Hooks(LongSupplier clock) {
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cascade-hooks");
            t.setDaemon(true);
            return t;
        });
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
        for (Slot slot : slots.values()) {
            slot.thread.shutdownNow();
        }
        slots.clear();
    }

    // ---- whiteboard

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addHook(AnalysisHook hook, Map<String, Object> properties) {
        long serviceId = (Long) properties.get(Constants.SERVICE_ID);
        String name = String.valueOf(
                properties.getOrDefault("component.name", hook.getClass().getName()));
        HookPhase phase;
        long budget;
        long period;
        try {
            phase = phase(properties.get(AnalysisHook.PHASE));
            budget = millis(properties, AnalysisHook.BUDGET_MS, AnalysisHook.DEFAULT_BUDGET_MS);
            period = millis(properties, AnalysisHook.PERIOD_MS, AnalysisHook.DEFAULT_PERIOD_MS);
        } catch (IllegalArgumentException e) {
            LOG.error("Analysis hook {} (service {}) is not run: {}", name, serviceId, e.getMessage());
            return;
        }
        Slot slot = new Slot(serviceId, name, hook, phase, budget, period);
        slots.put(serviceId, slot);
        if (phase == HookPhase.PERIODIC) {
            try {
                slot.periodic = timer.scheduleAtFixedRate(
                        () -> offer(
                                slot,
                                new Analysis(
                                        HookPhase.PERIODIC, Optional.empty(), Optional.empty(), clock.getAsLong())),
                        period,
                        period,
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                return;
            }
        }
        LOG.info(
                "Analysis hook {} runs {}{} with a budget of {} ms",
                name,
                phase.name().toLowerCase(Locale.ROOT),
                phase == HookPhase.PERIODIC ? " every " + period + " ms" : "",
                budget);
    }

    void removeHook(AnalysisHook hook, Map<String, Object> properties) {
        Slot slot = slots.remove((Long) properties.get(Constants.SERVICE_ID));
        if (slot != null) {
            if (slot.periodic != null) {
                slot.periodic.cancel(false);
            }
            slot.thread.shutdownNow();
        }
    }

    void updatedHook(AnalysisHook hook, Map<String, Object> properties) {
        removeHook(hook, properties);
        addHook(hook, properties);
    }

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setToolManager(ToolManager manager) {
        this.toolManager = manager;
    }

    void unsetToolManager(ToolManager manager) {
        if (this.toolManager == manager) {
            this.toolManager = null;
        }
    }

    static HookPhase phase(Object value) {
        String s = value == null ? "" : value.toString().strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "before" -> HookPhase.BEFORE;
            case "after" -> HookPhase.AFTER;
            case "periodic" -> HookPhase.PERIODIC;
            default -> throw new IllegalArgumentException(
                    AnalysisHook.PHASE + " = '" + value + "' is not a phase; use before, after or periodic");
        };
    }

    static long millis(Map<String, Object> properties, String key, long fallback) {
        Object v = properties.get(key);
        if (v == null) {
            return fallback;
        }
        long millis;
        try {
            millis = v instanceof Number n
                    ? n.longValue()
                    : Long.parseLong(v.toString().strip());
        } catch (NumberFormatException e) {
            millis = -1;
        }
        if (millis < 1 || millis > 3_600_000) {
            throw new IllegalArgumentException(
                    key + " = '" + v + "' is not valid; use a whole number of milliseconds from 1 to 3600000");
        }
        return millis;
    }

    // ---- HookRunner: from the optimizer's thread; hands over and returns

    @Override
    public void before(Batch batch) {
        Analysis analysis = null;
        for (Slot slot : slots.values()) {
            if (slot.phase == HookPhase.BEFORE) {
                if (analysis == null) {
                    analysis = new Analysis(HookPhase.BEFORE, Optional.of(batch), Optional.empty(), clock.getAsLong());
                }
                offer(slot, analysis);
            }
        }
    }

    @Override
    public void after(Batch batch, Optional<TensorUpdate> update) {
        Analysis analysis = null;
        for (Slot slot : slots.values()) {
            if (slot.phase == HookPhase.AFTER) {
                if (analysis == null) {
                    analysis = new Analysis(HookPhase.AFTER, Optional.of(batch), update, clock.getAsLong());
                }
                offer(slot, analysis);
            }
        }
    }

    // ---- calls

    private boolean permitted(Slot slot) {
        synchronized (slot) {
            if (slot.bypassed != null) {
                return false;
            }
        }
        ToolManager manager = toolManager;
        return manager == null || manager.permits(slot.serviceId);
    }

    /** Starts a call on the hook's thread unless one is still running (then skips it, counted). */
    void offer(Slot slot, Analysis analysis) {
        if (!permitted(slot)) {
            return;
        }
        long sequence;
        synchronized (slot) {
            if (slot.bypassed != null) {
                return; // bypassed since permitted() looked
            }
            if (slot.running) {
                slot.skipped++;
                return;
            }
            slot.running = true;
            slot.calls++;
            sequence = ++slot.sequence;
        }
        try {
            slot.thread.execute(() -> call(slot, sequence, analysis));
        } catch (RejectedExecutionException removed) {
            synchronized (slot) {
                slot.running = false;
            }
        }
    }

    private void call(Slot slot, long sequence, Analysis analysis) {
        synchronized (slot) {
            slot.worker = Thread.currentThread();
        }
        ScheduledFuture<?> budget;
        try {
            budget = timer.schedule(() -> cutOff(slot, sequence), slot.budgetMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            synchronized (slot) {
                slot.running = false;
                slot.worker = null;
            }
            return;
        }
        Throwable failure = null;
        try {
            slot.hook.analyse(analysis);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        budget.cancel(false);
        boolean overran;
        int inARow = 0;
        String bypassed = null;
        synchronized (slot) {
            overran = slot.cutOff == sequence;
            slot.running = false;
            slot.worker = null;
            if (failure != null && !overran) {
                slot.faults++;
                inARow = ++slot.faultsInARow;
                // decided with the call's end, under the same lock as the next call's start: no call in between
                bypassed = bypassLocally(slot, inARow, "threw " + failure);
            } else if (failure == null && !overran) {
                slot.faultsInARow = 0;
            }
        }
        Thread.interrupted(); // a cut-off's interrupt must not reach the next call
        if (failure != null && !overran) {
            faulted(slot, "threw " + failure, inARow, bypassed);
        }
    }

    /** The budget of call {@code sequence} is over: cut it off if it still runs. On the timer thread. */
    private void cutOff(Slot slot, long sequence) {
        synchronized (slot) {
            if (!slot.running || slot.sequence != sequence || slot.worker == null) {
                return;
            }
            slot.overruns++;
            slot.cutOff = sequence;
            slot.worker.interrupt();
        }
        fault(slot, "ran past its budget of " + slot.budgetMillis + " ms and was cut off");
        long stuckAfter = Math.max(1000, STUCK_FACTOR * slot.budgetMillis) - slot.budgetMillis;
        try {
            timer.schedule(() -> stuck(slot, sequence), stuckAfter, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // the runner is stopping
        }
    }

    private void stuck(Slot slot, long sequence) {
        synchronized (slot) {
            if (!slot.running || slot.sequence != sequence) {
                return;
            }
        }
        quarantine(
                slot,
                "ignored being cut off: still running "
                        + Math.max(1000, STUCK_FACTOR * slot.budgetMillis) + " ms after its call started (budget "
                        + slot.budgetMillis + " ms)");
    }

    private void fault(Slot slot, String what) {
        int inARow;
        String bypassed;
        synchronized (slot) {
            inARow = ++slot.faultsInARow;
            bypassed = bypassLocally(slot, inARow, what);
        }
        faulted(slot, what, inARow, bypassed);
    }

    /**
     * Without a tool manager, the fault that makes {@link #LOCAL_FAULT_LIMIT} in a row bypasses the hook.
     * Called holding the slot's lock.
     *
     * @return the reason if this fault bypassed the hook, else null
     */
    private String bypassLocally(Slot slot, int inARow, String what) {
        if (toolManager != null || inARow < LOCAL_FAULT_LIMIT || slot.bypassed != null) {
            return null;
        }
        slot.bypassed = inARow + " faults in a row (last: " + what + ")";
        return slot.bypassed;
    }

    /** Logs a fault and reports it to the tool manager, if there is one; {@code bypassed} as above. */
    private void faulted(Slot slot, String what, int inARow, String bypassed) {
        if (Long.bitCount(inARow) == 1) { // 1st, 2nd, 4th... in a row: no log flood
            LOG.warn("Analysis hook {} {} ({} in a row)", slot.name, what, inARow);
        }
        ToolManager manager = toolManager;
        if (manager != null) {
            manager.fault(slot.serviceId, "analysis hook " + what);
        } else if (bypassed != null) {
            LOG.error("Analysis hook {} is quarantined: {}", slot.name, bypassed);
        }
    }

    private void quarantine(Slot slot, String reason) {
        ToolManager manager = toolManager;
        LOG.error("Analysis hook {} is quarantined: {}", slot.name, reason);
        if (manager != null) {
            manager.quarantine(slot.serviceId, reason);
        } else {
            synchronized (slot) {
                slot.bypassed = reason;
            }
        }
    }

    // ---- metrics

    /** @return every hook, sorted by name */
    List<HookMetrics> metrics() {
        ToolManager manager = toolManager;
        List<ToolInfo> tools = manager == null ? List.of() : manager.tools();
        List<HookMetrics> result = new ArrayList<>();
        for (Slot slot : slots.values()) {
            ToolState state;
            synchronized (slot) {
                state = slot.bypassed != null ? ToolState.QUARANTINED : ToolState.ACTIVE;
            }
            if (manager != null) {
                state = stateOf(slot, tools, manager);
            }
            synchronized (slot) {
                result.add(new HookMetrics(
                        slot.name,
                        slot.phase,
                        slot.budgetMillis,
                        slot.calls,
                        slot.overruns,
                        slot.faults,
                        slot.skipped,
                        state));
            }
        }
        result.sort(Comparator.comparing(HookMetrics::name));
        return result;
    }

    private static ToolState stateOf(Slot slot, List<ToolInfo> tools, ToolManager manager) {
        // the tool manager names a tool by its component name, with "#<service.id>" when that is taken
        ToolInfo byName = null;
        for (ToolInfo t : tools) {
            if (t.name().equals(slot.name + "#" + slot.serviceId)) {
                return t.state();
            }
            if (t.name().equals(slot.name)) {
                byName = t;
            }
        }
        if (byName != null) {
            return byName.state();
        }
        return manager.permits(slot.serviceId) ? ToolState.ACTIVE : ToolState.QUARANTINED;
    }
}
