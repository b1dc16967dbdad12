package dev.cascade.tools.internal;

import dev.cascade.api.control.Filter;
import dev.cascade.api.domain.DomainAdapter;
import dev.cascade.api.estimation.Estimator;
import dev.cascade.api.monitoring.AnalysisHook;
import dev.cascade.api.tools.Tool;
import dev.cascade.api.tools.ToolAllocation;
import dev.cascade.api.tools.ToolCapacity;
import dev.cascade.api.tools.ToolContext;
import dev.cascade.api.tools.ToolInfo;
import dev.cascade.api.tools.ToolManager;
import dev.cascade.api.tools.ToolState;
import dev.cascade.api.tools.ToolUsage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tool manager. It tracks every Cascade SPI service (whiteboard), admits each only if the node's
 * remaining capacity covers its contract, starts {@link Tool}s on their own bounded executor, measures the
 * CPU and allocation of those threads every sampling interval, throttles a tool over its CPU share and
 * quarantines one that stays over it, allocates without bound, or keeps faulting.
 */
@Component(service = ToolManager.class, configurationPid = ToolManagerImpl.PID, immediate = true)
@Designate(ocd = ToolManagerImpl.Config.class)
public final class ToolManagerImpl implements ToolManager {

    static final String PID = "dev.cascade.tools";

    private static final Logger LOG = LoggerFactory.getLogger(ToolManagerImpl.class);

    @ObjectClassDefinition(
            name = "Cascade tools",
            description = "What the node sets aside for tools, and how tools are held to their contracts.")
    @interface Config {
        @AttributeDefinition(name = "CPU", description = "Cores set aside for tools.")
        double cpu() default 1.0;

        @AttributeDefinition(name = "Heap", description = "MiB of heap set aside for tools.")
        int heapMb() default 256;

        @AttributeDefinition(name = "Threads", description = "Threads set aside for tools' executors.")
        int threads() default 16;

        @AttributeDefinition(name = "Sampling interval", description = "Milliseconds between measurements.")
        long sampleMillis() default 100;

        @AttributeDefinition(
                name = "Strikes",
                description = "Consecutive measurements over the contract (CPU while throttled, or allocation)"
                        + " before a tool is quarantined.")
        int strikes() default 3;

        @AttributeDefinition(
                name = "Fault limit",
                description = "Faults within the fault window that quarantine a tool.")
        int faultLimit() default 3;

        @AttributeDefinition(
                name = "Fault window",
                description = "Milliseconds over which faults are counted (a whole number of sampling intervals).")
        long faultWindowMillis() default 5000;
    }

    private record Settings(
            Capacity capacity, long sampleMillis, int strikes, int faultLimit, int faultWindowSamples) {}

    private final Settings settings;
    private final Map<Long, TrackedTool> tools = new TreeMap<>();
    /** The same tools for lock-free lookup by {@link #fault}, which the loop thread calls. */
    private final Map<Long, TrackedTool> byServiceId = new java.util.concurrent.ConcurrentHashMap<>();

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sampler;
    private long lastSampleNanos = System.nanoTime();

    @Activate
    public ToolManagerImpl(Config config) {
        this.settings = validate(config);
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cascade-tools");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(
                this::sample, settings.sampleMillis(), settings.sampleMillis(), TimeUnit.MILLISECONDS);
    }

    private static Settings validate(Config c) {
        if (!(c.cpu() > 0 && Double.isFinite(c.cpu()))) {
            throw invalid("cpu", "" + c.cpu(), "a number of cores > 0");
        }
        if (c.heapMb() < 0) {
            throw invalid("heapMb", "" + c.heapMb(), "a number of MiB >= 0");
        }
        if (c.threads() < 0) {
            throw invalid("threads", "" + c.threads(), "a number of threads >= 0");
        }
        if (c.sampleMillis() < 10 || c.sampleMillis() > 60_000) {
            throw invalid("sampleMillis", "" + c.sampleMillis(), "10 to 60000 milliseconds");
        }
        if (c.strikes() < 1) {
            throw invalid("strikes", "" + c.strikes(), "a whole number >= 1");
        }
        if (c.faultLimit() < 1) {
            throw invalid("faultLimit", "" + c.faultLimit(), "a whole number >= 1");
        }
        if (c.faultWindowMillis() < c.sampleMillis() || c.faultWindowMillis() > 3_600_000) {
            throw invalid("faultWindowMillis", "" + c.faultWindowMillis(), "sampleMillis to 3600000 milliseconds");
        }
        int windowSamples = (int) Math.max(1, c.faultWindowMillis() / c.sampleMillis());
        return new Settings(
                new Capacity(c.cpu(), c.heapMb(), c.threads()),
                c.sampleMillis(),
                c.strikes(),
                c.faultLimit(),
                windowSamples);
    }

    private static IllegalArgumentException invalid(String field, String value, String allowed) {
        return new IllegalArgumentException(PID + ": " + field + " = " + value + " is not valid; use " + allowed);
    }

    @Deactivate
    void deactivate() {
        sampler.shutdownNow();
        synchronized (this) {
            for (TrackedTool t : tools.values()) {
                release(t);
            }
            tools.clear();
            byServiceId.clear();
        }
    }

    // ---- whiteboard

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addTool(Tool tool, ServiceReference<Tool> reference) {
        track(tool, "Tool", reference);
    }

    void removeTool(Tool tool, ServiceReference<Tool> reference) {
        untrack(reference);
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addFilter(Filter filter, ServiceReference<Filter> reference) {
        track(filter, "Filter", reference);
    }

    void removeFilter(Filter filter, ServiceReference<Filter> reference) {
        untrack(reference);
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addDomain(DomainAdapter adapter, ServiceReference<DomainAdapter> reference) {
        track(adapter, "DomainAdapter", reference);
    }

    void removeDomain(DomainAdapter adapter, ServiceReference<DomainAdapter> reference) {
        untrack(reference);
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addHook(AnalysisHook hook, ServiceReference<AnalysisHook> reference) {
        track(hook, "AnalysisHook", reference);
    }

    void removeHook(AnalysisHook hook, ServiceReference<AnalysisHook> reference) {
        untrack(reference);
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addEstimator(Estimator estimator, ServiceReference<Estimator> reference) {
        track(estimator, "Estimator", reference);
    }

    void removeEstimator(Estimator estimator, ServiceReference<Estimator> reference) {
        untrack(reference);
    }

    void track(Object service, String kind, ServiceReference<?> reference) {
        Map<String, Object> properties = new java.util.HashMap<>();
        for (String key : reference.getPropertyKeys()) {
            properties.put(key, reference.getProperty(key));
        }
        Bundle owner = reference.getBundle();
        track(service, kind, properties, owner == null ? "" : owner.getSymbolicName());
    }

    void track(Object service, String kind, Map<String, Object> properties, String bundle) {
        long serviceId = (Long) properties.get(Constants.SERVICE_ID);
        synchronized (this) {
            if (tools.containsKey(serviceId)) {
                return; // one service implementing two SPIs is one tool
            }
            String name = String.valueOf(
                    properties.getOrDefault("component.name", service.getClass().getName()));
            for (TrackedTool other : tools.values()) {
                if (other.name.equals(name)) {
                    name = name + "#" + serviceId;
                    break;
                }
            }
            ToolAllocation contract;
            String error = null;
            try {
                contract = Contract.of(properties);
            } catch (IllegalArgumentException e) {
                contract = Contract.DEFAULT;
                error = e.getMessage();
            }
            TrackedTool tool =
                    new TrackedTool(serviceId, name, bundle, kind, service, Map.copyOf(properties), contract, error);
            tools.put(serviceId, tool);
            byServiceId.put(serviceId, tool);
            if (error != null) {
                tool.state = ToolState.REJECTED;
                tool.reason = "invalid contract: " + error;
                LOG.error("Tool {} not admitted: invalid contract: {}", name, error);
            } else {
                admit(tool);
            }
        }
        changed();
    }

    void untrack(ServiceReference<?> reference) {
        untrack((Long) reference.getProperty(Constants.SERVICE_ID));
    }

    void untrack(long serviceId) {
        synchronized (this) {
            TrackedTool tool = tools.remove(serviceId);
            byServiceId.remove(serviceId);
            if (tool == null) {
                return;
            }
            release(tool);
            LOG.info("Tool {} left; its allocation is free", tool.name);
            admitWaiting();
        }
        changed();
    }

    // ---- admission and lifecycle (callers hold the lock)

    private ToolAllocation used() {
        ToolAllocation sum = Capacity.NOTHING;
        for (TrackedTool t : tools.values()) {
            if (t.allocated) {
                sum = Capacity.plus(sum, t.contract);
            }
        }
        return sum;
    }

    private void admit(TrackedTool tool) {
        String refusal = settings.capacity().refusal(tool.contract, used());
        if (refusal != null) {
            if (tool.state != ToolState.REJECTED || !tool.reason.equals(refusal)) {
                LOG.warn("Tool {} not admitted: {}", tool.name, refusal);
            }
            tool.state = ToolState.REJECTED;
            tool.reason = refusal;
            return;
        }
        tool.allocated = true;
        tool.state = ToolState.ACTIVE;
        tool.reason = "";
        tool.cpuStrikes = 0;
        tool.allocationStrikes = 0;
        if (tool.service instanceof Tool work) {
            tool.executor = new ToolExecutor(tool.name, Math.max(1, tool.contract.threads()));
            try {
                work.start(context(tool));
            } catch (RuntimeException e) {
                quarantine(tool, "start threw " + e);
            }
        }
    }

    private void admitWaiting() {
        for (TrackedTool t : tools.values()) {
            if (t.state == ToolState.REJECTED && t.contractError == null) {
                admit(t);
            }
        }
    }

    private ToolContext context(TrackedTool tool) {
        Executor executor = tool.executor;
        Map<String, Object> configuration = Collections.unmodifiableMap(tool.properties);
        return new ToolContext() {
            @Override
            public String name() {
                return tool.name;
            }

            @Override
            public Map<String, Object> configuration() {
                return configuration;
            }

            @Override
            public ToolAllocation allocation() {
                return tool.contract;
            }

            @Override
            public Executor executor() {
                return executor;
            }
        };
    }

    /** Stops a tool's work and interrupts its threads; keeps its allocation. */
    private void halt(TrackedTool tool) {
        if (tool.service instanceof Tool work
                && (tool.state == ToolState.ACTIVE || tool.state == ToolState.THROTTLED)) {
            try {
                work.stop();
            } catch (RuntimeException e) {
                LOG.warn("Tool {} threw while stopping: {}", tool.name, e.toString());
            }
        }
        if (tool.executor != null) {
            tool.executor.shutdownNow();
            tool.executor = null;
        }
    }

    private void release(TrackedTool tool) {
        halt(tool);
        tool.allocated = false;
    }

    private void quarantine(TrackedTool tool, String why) {
        halt(tool);
        tool.state = ToolState.QUARANTINED;
        tool.reason = why;
        LOG.warn("Tool {} quarantined: {}", tool.name, why);
    }

    // ---- ToolManager

    @Override
    public synchronized ToolCapacity capacity() {
        Capacity c = settings.capacity();
        return new ToolCapacity(new ToolAllocation(c.cpu(), c.heapMb(), c.threads(), 0, 0), used());
    }

    @Override
    public synchronized List<ToolInfo> tools() {
        List<ToolInfo> list = new ArrayList<>();
        for (TrackedTool t : tools.values()) {
            list.add(t.info());
        }
        list.sort(Comparator.comparing(ToolInfo::name));
        return list;
    }

    @Override
    public void quarantine(String name, String reason) {
        synchronized (this) {
            TrackedTool tool = find(name);
            if (tool.state == ToolState.REJECTED || tool.state == ToolState.STOPPED) {
                throw new IllegalStateException(
                        "tool " + name + " is " + tool.state + "; only a running tool can be" + " quarantined");
            }
            quarantine(tool, "by operator" + (reason == null || reason.isBlank() ? "" : ": " + reason));
        }
        changed();
    }

    @Override
    public void quarantine(long serviceId, String reason) {
        synchronized (this) {
            TrackedTool tool = tools.get(serviceId);
            if (tool == null || tool.state == ToolState.QUARANTINED) {
                return;
            }
            quarantine(tool, reason);
        }
        changed();
    }

    @Override
    public void release(String name) {
        synchronized (this) {
            TrackedTool tool = find(name);
            if (tool.state != ToolState.QUARANTINED) {
                throw new IllegalStateException("tool " + name + " is " + tool.state + ", not quarantined");
            }
            tool.clearFaults();
            tool.allocated = false;
            admit(tool);
        }
        changed();
    }

    @Override
    public void stop(String name) {
        synchronized (this) {
            TrackedTool tool = find(name);
            if (tool.state == ToolState.STOPPED) {
                return;
            }
            release(tool);
            tool.state = ToolState.STOPPED;
            tool.reason = "stopped by operator";
            admitWaiting();
        }
        changed();
    }

    @Override
    public void start(String name) {
        synchronized (this) {
            TrackedTool tool = find(name);
            if (tool.state != ToolState.STOPPED) {
                throw new IllegalStateException("tool " + name + " is " + tool.state + ", not stopped");
            }
            admit(tool);
        }
        changed();
    }

    @Override
    public synchronized boolean permits(long serviceId) {
        TrackedTool tool = tools.get(serviceId);
        return tool == null || tool.permitted();
    }

    @Override
    public void fault(long serviceId, String what) {
        TrackedTool tool = byServiceId.get(serviceId); // no lock: the loop thread calls this
        if (tool != null) {
            tool.faults.incrementAndGet();
            long recent = tool.recentFaults.incrementAndGet();
            tool.lastFault = what;
            // the fault that fills the window is acted on now, not at the next sample: each call into a faulty
            // tool costs the loop (a throwing call takes tens of microseconds when its code is cold)
            if (recent + tool.priorFaults >= settings.faultLimit()
                    && tool.faultLimitReported.compareAndSet(false, true)) {
                try {
                    sampler.execute(() -> faultLimitReached(tool));
                } catch (RejectedExecutionException e) {
                    // the manager is going away: nothing left to quarantine for
                }
            }
        }
    }

    @Override
    public void calls(long serviceId, long calls, long timedCalls, long timedNanos) {
        TrackedTool tool = byServiceId.get(serviceId);
        if (tool != null) {
            tool.loopCalls = new long[] {calls, timedCalls, timedNanos};
        }
    }

    /** On the sampler's thread: quarantines {@code tool}, whose faults filled the window, if it still runs. */
    private void faultLimitReached(TrackedTool tool) {
        synchronized (this) {
            if (tools.get(tool.serviceId) != tool || !tool.permitted()) {
                tool.faultLimitReported.set(false);
                return;
            }
            quarantine(tool, faultReason(tool.recentFaults.get() + tool.priorFaults, tool));
        }
        changed();
    }

    private String faultReason(long faults, TrackedTool tool) {
        return faults + " faults within " + settings.faultWindowSamples() * settings.sampleMillis() + " ms (last: "
                + tool.lastFault + ")";
    }

    @Override
    public AutoCloseable onChange(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private TrackedTool find(String name) {
        for (TrackedTool t : tools.values()) {
            if (t.name.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no tool '" + name + "'; cascade:tools lists them");
    }

    private void changed() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("A tool state listener failed: {}", e.toString());
            }
        }
    }

    // ---- accounting and enforcement, every sampling interval

    void sample() {
        boolean changed = false;
        synchronized (this) {
            long now = System.nanoTime();
            double seconds = (now - lastSampleNanos) / 1e9;
            lastSampleNanos = now;
            for (TrackedTool t : tools.values()) {
                double[] use = t.sample(seconds);
                long recent = t.faultsWithin(t.recentFaults.getAndSet(0), settings.faultWindowSamples());
                ToolExecutor ex = t.executor;
                t.usage = new ToolUsage(
                        use[0],
                        use[1],
                        ex == null ? 0 : ex.liveThreads(),
                        (ex == null ? 0 : ex.tasks.get()) + t.loopCalls[0],
                        t.faults.get(),
                        t.callMicros());
                if (!t.permitted()) {
                    continue;
                }
                changed |= enforce(t, use[0], use[1], recent);
            }
        }
        if (changed) {
            changed();
        }
    }

    /** @return true if the tool's state changed */
    private boolean enforce(TrackedTool t, double cpu, double bytesPerSecond, long recentFaults) {
        ToolAllocation c = t.contract;
        if (recentFaults >= settings.faultLimit()) {
            quarantine(t, faultReason(recentFaults, t));
            return true;
        }
        double heapBytesPerSecond = c.heapMb() * 1024.0 * 1024.0;
        t.allocationStrikes = bytesPerSecond > Math.max(heapBytesPerSecond, 1024 * 1024) ? t.allocationStrikes + 1 : 0;
        if (t.allocationStrikes >= settings.strikes()) {
            quarantine(
                    t,
                    String.format(
                            Locale.ROOT,
                            "allocates %.0f MiB/s against a heap budget of %d MiB",
                            bytesPerSecond / 1024 / 1024,
                            c.heapMb()));
            return true;
        }
        if (cpu > c.cpu()) {
            if (t.state == ToolState.THROTTLED && cpu > 2 * c.cpu()) {
                t.cpuStrikes++;
            }
            if (t.cpuStrikes >= settings.strikes()) {
                quarantine(
                        t,
                        String.format(
                                Locale.ROOT,
                                "uses %.2f of a core against a contract of %.2f, throttled" + " or not",
                                cpu,
                                c.cpu()));
                return true;
            }
            if (t.state != ToolState.THROTTLED) {
                t.state = ToolState.THROTTLED;
                t.reason = String.format(Locale.ROOT, "uses %.2f of a core against a contract of %.2f", cpu, c.cpu());
                if (t.executor != null) {
                    // stretch each task's start so the duty cycle fits the contract
                    t.executor.throttle(TimeUnit.MILLISECONDS.toNanos(settings.sampleMillis()));
                }
                return true;
            }
            return false;
        }
        t.cpuStrikes = 0;
        if (t.state == ToolState.THROTTLED) {
            t.state = ToolState.ACTIVE;
            t.reason = "";
            if (t.executor != null) {
                t.executor.throttle(0);
            }
            return true;
        }
        return false;
    }
}
