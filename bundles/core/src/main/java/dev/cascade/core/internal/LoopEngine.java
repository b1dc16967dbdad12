package dev.cascade.core.internal;

import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.Filter;
import dev.cascade.api.control.FilterStage;
import dev.cascade.api.control.MeasurementCollector;
import dev.cascade.api.control.PairState;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.domain.DomainAdapter;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.monitoring.Histogram;
import dev.cascade.api.monitoring.LoopMetrics;
import dev.cascade.api.monitoring.LoopWindow;
import dev.cascade.api.network.CachedTensor;
import dev.cascade.api.network.TensorCache;
import dev.cascade.api.network.TensorReset;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import dev.cascade.api.tools.ToolManager;
import dev.cascade.api.tools.ToolResources;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
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
 * The node's control loop: tracks pairs (from {@link PairComponent}s), domain adapters and filters
 * (whiteboard), builds the plan the {@link LoopThread} runs, and reports on pairs. Every change builds a new
 * immutable plan off the loop thread; the loop picks it up atomically.
 */
@Component(
        service = {ControlLoop.class, LoopEngine.class},
        immediate = true)
public final class LoopEngine implements ControlLoop {

    private static final Logger LOG = LoggerFactory.getLogger(LoopEngine.class);

    /** A filter without a declared time budget gets the tool contract's default. */
    static final long DEFAULT_FILTER_BUDGET_MICROS = 100;

    private record Rejection(String id, String reason) {}

    private record Domain(DomainAdapter adapter, long serviceId, int ranking) {}

    // guarded by this
    private final Map<String, PairSettings> configured = new HashMap<>();
    /** The pid of each configured pair id, so that a put checks for a duplicate id without a scan. */
    private final Map<String, String> pidById = new HashMap<>();

    private final Map<String, Rejection> rejected = new HashMap<>();
    private final Map<String, PairRuntime> runtimes = new HashMap<>();
    private final Map<Long, Map.Entry<String, Domain>> domainsByService = new HashMap<>();
    private final Map<Long, FilterSlot> filters = new TreeMap<>();
    /** The chains the current plan runs (their runs count the filters' calls; see reportCalls). */
    private java.util.Set<FilterChain> planChains = java.util.Set.of();
    /** Chains of earlier plans, until no pass can run them any more. */
    private final List<Retired> retiring = new ArrayList<>();
    /** Per filter, the calls counted by chains no plan runs any more. */
    private final Map<FilterSlot, Long> folded = new HashMap<>();

    /** A chain that left the plan when {@code loop} had begun {@code sweeps} passes. */
    private record Retired(FilterChain chain, LoopThread loop, long sweeps) {}

    /** Cycle time and lateness per loop pass, recorded by the loop thread(s). */
    final LoopTiming timing = new LoopTiming();

    private volatile Plan plan = Plan.EMPTY;
    /** A change waits for the next plan (see {@link #changed}). */
    private volatile boolean dirty;
    /** A rebuild is scheduled on {@link #planner}; guarded by this. */
    private boolean rebuildScheduled;
    /**
     * How long a change waits for others to join it in one plan: a node that starts with many pairs gets them
     * (and their domains) one call each, and building a plan per call made adding N pairs cost O(N²).
     */
    static final long COALESCE_MILLIS = 5;
    /** How long the planner's last plan took to build; guarded by this. */
    private long lastBuildNanos;
    /** Plans built so far (for tests). */
    volatile long plansBuilt;

    private volatile MeasurementCollector collector;
    private volatile ConfigurationAdmin configurationAdmin;
    private volatile ToolManager toolManager;
    private AutoCloseable toolSubscription;
    private volatile LoopThread loop;
    private int generation;
    /** Services that hung a loop thread: never called again by this engine (until re-registered). */
    private final java.util.Set<Long> fenced = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final java.util.concurrent.ScheduledExecutorService watchdog;
    /** Builds the plan for changes that may come in bursts: added pairs, domains, filters. */
    private final java.util.concurrent.ScheduledExecutorService planner;

    /** A loop thread inside one sweep for longer than this is stuck in a tool and replaced. */
    static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    // guarded by this
    private TensorCache cache;
    private AutoCloseable cacheSubscription;
    private AutoCloseable resetSubscription;

    @Activate
    public LoopEngine() {
        FaultPaths.warmUp();
        loop = new LoopThread(this, generation);
        loop.start();
        watchdog = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cascade-loop-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(this::watch, 20, 20, TimeUnit.MILLISECONDS);
        // cuts the loop's timing into intervals of a second for the recent windows (loop(Duration))
        watchdog.scheduleAtFixedRate(() -> timing.tick(System.currentTimeMillis()), 1, 1, TimeUnit.SECONDS);
        watchdog.scheduleAtFixedRate(this::reportCalls, 1, 1, TimeUnit.SECONDS);
        planner = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cascade-loop-planner");
            t.setDaemon(true);
            return t;
        });
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        FaultPaths.stop();
        watchdog.shutdownNow();
        planner.shutdownNow();
        synchronized (this) {
            closeCacheSubscription();
        }
        loop.stop();
    }

    /**
     * The watchdog: a call into a tool that never returns cannot be preempted in the JVM, so when the loop
     * thread has been inside one sweep for {@link #STUCK_NANOS} in a tool's call, the tool is fenced off
     * (and reported to the tool manager), the pair it was called for gets fresh frames, the stuck thread is
     * abandoned (interrupted; should it ever return it unwinds without touching anything) and a fresh loop
     * thread takes over.
     */
    void watch() {
        LoopThread current = loop;
        Fence fence = current.fence;
        long start = fence.sweepStart();
        Object tool = fence.calling();
        if (start == 0 || tool == null || System.nanoTime() - start < STUCK_NANOS) {
            return;
        }
        long serviceId = fence.callingServiceId();
        PairRuntime pair = fence.callingPair();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        synchronized (this) {
            if (loop != current || fence.calling() != tool) {
                return; // it returned meanwhile
            }
            current.abandon();
            fenced.add(serviceId);
            if (pair != null) {
                pair.freshFrames();
            }
            String reason = "blocked the loop thread for " + millis + " ms ("
                    + tool.getClass().getName() + ")";
            LOG.error("Tool service {} {}; fenced off, and the loop continues on a fresh thread", serviceId, reason);
            ToolManager manager = toolManager;
            if (manager != null) {
                manager.quarantine(serviceId, reason);
            }
            LoopThread fresh = new LoopThread(this, ++generation);
            fresh.lateness = current.lateness;
            loop = fresh;
            rebuild(); // the fenced tool leaves the plan before the fresh thread runs it
            fresh.start();
            stuckThreads++;
        }
    }

    /** How many loop threads the watchdog has abandoned. */
    volatile long stuckThreads;

    Plan plan() {
        return plan;
    }

    /** Sets (or clears, with null) the receiver of every cycle's lateness in nanoseconds. */
    void lateness(java.util.function.LongConsumer sink) {
        loop.lateness = sink;
    }

    // ---- pairs, from PairComponent

    synchronized void put(String pid, PairSettings settings) {
        String other = pidById.get(settings.id());
        if (other != null && !other.equals(pid)) {
            String reason = PairSettings.PID + ": id = '" + settings.id() + "' is already used by " + other
                    + "; give each pair its own id";
            reject(pid, settings.id(), reason);
            throw new IllegalArgumentException(reason);
        }
        rejected.remove(pid);
        PairSettings previous = configured.put(pid, settings);
        if (previous != null) {
            pidById.remove(previous.id());
        }
        pidById.put(settings.id(), pid);
        if (previous == null) {
            LOG.info(
                    "Pair {} added: {} -> {} at {} Hz",
                    settings.id(),
                    settings.parent(),
                    settings.child(),
                    settings.rateHz());
        } else {
            LOG.info("Pair {} reconfigured", settings.id());
        }
        changed();
    }

    synchronized void reject(String pid, String id, String reason) {
        rejected.put(pid, new Rejection(id == null || id.isBlank() ? pid : id, reason));
        PairSettings removed = configured.remove(pid);
        if (removed != null) {
            pidById.remove(removed.id());
            runtimes.remove(pid);
            changed();
        }
    }

    synchronized void remove(String pid, boolean forget) {
        if (forget) {
            rejected.remove(pid);
        }
        PairSettings removed = configured.remove(pid);
        if (removed != null) {
            pidById.remove(removed.id());
            runtimes.remove(pid);
            LOG.info("Pair {} removed", removed.id());
            changed();
        }
    }

    // ---- whiteboard: domains

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addDomain(DomainAdapter adapter, Map<String, Object> properties) {
        Object id = properties.get(DomainAdapter.DOMAIN_ID);
        long serviceId = (Long) properties.get(Constants.SERVICE_ID);
        if (!(id instanceof String s) || s.isBlank()) {
            LOG.error(
                    "Ignored domain adapter {} (service {}): its {} property is '{}', not a domain id",
                    adapter.getClass().getName(),
                    serviceId,
                    DomainAdapter.DOMAIN_ID,
                    id);
            return;
        }
        domainsByService.put(serviceId, Map.entry(s, new Domain(adapter, serviceId, ranking(properties))));
        changed();
    }

    synchronized void removeDomain(DomainAdapter adapter, Map<String, Object> properties) {
        long serviceId = (Long) properties.get(Constants.SERVICE_ID);
        fenced.remove(serviceId);
        if (domainsByService.remove(serviceId) != null) {
            detach(serviceId);
        }
    }

    /**
     * Takes a removed domain adapter out of the loop's plan before the removal returns (its bundle may be
     * stopping), without building a whole plan: a bundle with many adapters removes them one call each, and
     * a plan per call would cost O(N²). The pairs that used it wait; the next plan (see {@link #changed})
     * gives them another adapter of the same domain, if there is one.
     */
    private void detach(long serviceId) {
        Plan current = plan;
        Plan.Entry[] entries = current.entries();
        Plan.Entry[] patched = null;
        for (int i : current.usersOf(serviceId)) {
            Plan.Entry e = entries[i];
            boolean parent = e.parentService() == serviceId && e.parent() != null;
            if (parent || (e.childService() == serviceId && e.child() != null)) {
                if (patched == null) {
                    patched = entries.clone();
                }
                patched[i] = e.waiting(parent ? Plan.Entry.noParent(e.settings()) : Plan.Entry.noChild(e.settings()));
            }
        }
        if (patched != null) {
            // readers off the loop rebuild first while a change is pending (see current()), so the patched
            // plan's indexes may keep pointing at the entries it replaced
            plan = current.patched(patched);
        }
        changed();
    }

    synchronized void updatedDomain(DomainAdapter adapter, Map<String, Object> properties) {
        domainsByService.remove((Long) properties.get(Constants.SERVICE_ID));
        addDomain(adapter, properties);
    }

    // ---- whiteboard: filters

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addFilter(Filter filter, Map<String, Object> properties) {
        long serviceId = (Long) properties.get(Constants.SERVICE_ID);
        String name = String.valueOf(
                properties.getOrDefault("component.name", filter.getClass().getName()));
        try {
            FilterStage stage = FilterStage.fromProperty(String.valueOf(properties.get(Filter.STAGE)));
            PairTarget target = PairTarget.parse((String) properties.get(Filter.PAIRS));
            long budget = TimeUnit.MICROSECONDS.toNanos(
                    longProperty(properties, ToolResources.MAX_CALL_MICROS, DEFAULT_FILTER_BUDGET_MICROS));
            double maxCallRate = doubleProperty(properties, ToolResources.MAX_CALL_RATE, 0);
            FilterSlot slot =
                    new FilterSlot(filter, name, stage, ranking(properties), serviceId, target, budget, maxCallRate);
            slot.reporter = this::filterFault;
            filters.put(serviceId, slot);
            LOG.info("Filter {} added at stage {}", name, stage.property());
        } catch (IllegalArgumentException | ClassCastException e) {
            LOG.error("Ignored filter {} (service {}): {}", name, serviceId, e.getMessage());
            return;
        }
        changed();
    }

    synchronized void removeFilter(Filter filter, Map<String, Object> properties) {
        fenced.remove((Long) properties.get(Constants.SERVICE_ID));
        if (filters.remove((Long) properties.get(Constants.SERVICE_ID)) != null) {
            rebuild();
        }
    }

    synchronized void updatedFilter(Filter filter, Map<String, Object> properties) {
        filters.remove((Long) properties.get(Constants.SERVICE_ID));
        addFilter(filter, properties);
    }

    // ---- the collector and Config Admin

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void setCollector(MeasurementCollector collector) {
        this.collector = collector;
        changed();
    }

    synchronized void unsetCollector(MeasurementCollector collector) {
        if (this.collector == collector) {
            this.collector = null;
            rebuild();
        }
    }

    /**
     * The tool manager decides which filters and domain adapters the loop may call (admitted tools only) and
     * hears of every bypassed filter call; without one, every service is called.
     */
    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setToolManager(ToolManager manager) {
        AutoCloseable subscription = manager.onChange(this::toolsChanged);
        synchronized (this) {
            closeToolSubscription();
            this.toolManager = manager;
            this.toolSubscription = subscription;
            rebuild();
        }
    }

    synchronized void unsetToolManager(ToolManager manager) {
        if (this.toolManager == manager) {
            closeToolSubscription();
            this.toolManager = null;
            rebuild();
        }
    }

    private void closeToolSubscription() {
        if (toolSubscription != null) {
            try {
                toolSubscription.close();
            } catch (Exception e) {
                LOG.debug("Closing the tool manager subscription failed", e);
            }
            toolSubscription = null;
        }
    }

    private synchronized void toolsChanged() {
        rebuild();
    }

    /**
     * Tells the tool manager, once a second off the loop thread, how often the loop has called each filter
     * and how long its timed calls took (running totals, counted by the loop thread without a lock).
     *
     * <p>The loop counts runs of a chain, not calls of a filter (one increment per pair-cycle, see
     * {@link FilterChain}), so a filter's calls are the runs of the chains it is in: those of the current
     * plan, those of earlier plans that a pass may still be running, and what chains no plan runs any more
     * had counted when they were folded in (once the loop has begun two passes since they left the plan).
     */
    private void reportCalls() {
        ToolManager manager = toolManager;
        if (manager == null) {
            return;
        }
        List<FilterSlot> slots;
        Map<FilterSlot, Long> calls;
        synchronized (this) {
            LoopThread current = loop;
            for (java.util.Iterator<Retired> it = retiring.iterator(); it.hasNext(); ) {
                Retired r = it.next();
                if (r.loop() != current || current.sweeps.get() - r.sweeps() >= 2) {
                    r.chain().addCalls(folded);
                    it.remove();
                }
            }
            folded.keySet().retainAll(filters.values());
            calls = new HashMap<>(folded);
            for (FilterChain chain : planChains) {
                chain.addCalls(calls);
            }
            for (Retired r : retiring) {
                r.chain().addCalls(calls);
            }
            slots = List.copyOf(filters.values());
        }
        for (FilterSlot slot : slots) {
            try {
                manager.calls(slot.serviceId, calls.getOrDefault(slot, 0L), slot.timedCalls(), slot.timedNanos());
            } catch (RuntimeException e) { // the next second tries again; the watchdog must keep its schedule
                LOG.warn("The tool manager refused the call counts of filter {}: {}", slot.name, e.toString());
            }
        }
    }

    void filterFault(FilterSlot slot, FilterSlot.Fault fault) {
        ToolManager manager = toolManager;
        if (manager != null) {
            manager.fault(slot.serviceId, fault.description);
        }
    }

    private boolean permitted(long serviceId) {
        if (fenced.contains(serviceId)) {
            return false;
        }
        ToolManager manager = toolManager;
        return manager == null || manager.permits(serviceId);
    }

    // ---- the tensor cache: estimated tensors swap in as they arrive

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void setCache(TensorCache cache) {
        closeCacheSubscription();
        this.cache = cache;
        cacheSubscription = cache.subscribe(this::tensorChanged);
        resetSubscription = cache.subscribeResets(this::tensorReset);
        for (CachedTensor cached : cache.all()) {
            tensorChanged(cached);
        }
    }

    synchronized void unsetCache(TensorCache cache) {
        if (this.cache == cache) {
            closeCacheSubscription();
            this.cache = null;
        }
    }

    private void closeCacheSubscription() {
        if (resetSubscription != null) {
            try {
                resetSubscription.close();
            } catch (Exception e) {
                LOG.warn("Could not unsubscribe from the tensor cache's resets: {}", e.toString());
            }
            resetSubscription = null;
        }
        if (cacheSubscription != null) {
            try {
                cacheSubscription.close();
            } catch (Exception e) {
                LOG.warn("Could not unsubscribe from the tensor cache: {}", e.toString());
            }
            cacheSubscription = null;
        }
    }

    /** Called by the cache (on its thread) with every accepted tensor. */
    void tensorChanged(CachedTensor cached) {
        Plan.Entry e = plan.entry(cached.pair());
        if (e != null) {
            offer(e.runtime(), e.settings(), cached, System.currentTimeMillis());
        }
    }

    /**
     * Called by the cache (on its thread) when a pair's estimation was reset: the pair goes back to its
     * configured initial tensor (version 0), or, with none, to holding and probing until it has learnt one.
     * Bumpless like any swap: the law is in velocity form.
     */
    void tensorReset(TensorReset reset) {
        Plan.Entry e = plan.entry(reset.pair());
        if (e != null) {
            PairSettings s = e.settings();
            e.runtime().tensor = new PairRuntime.Tensor(s.initialTensor().clone(), 0, s.initialConfidence());
            LOG.info("Pair {} is back on its initial tensor after a reset", reset.pair());
        }
    }

    /**
     * Swaps the pair's tensor for the cached one when that is newer, unless it would replace a tensor
     * the pair can act on by one it cannot (below its confidence floor). The swap is bumpless: the law is
     * in velocity form, so a new tensor changes the next increment, never the output.
     */
    static void offer(PairRuntime runtime, PairSettings settings, CachedTensor cached, long nowMillis) {
        PairRuntime.Tensor current = runtime.tensor;
        if (cached.update().version() <= current.version()) {
            return;
        }
        double floor = settings.confidenceFloor();
        if (cached.confidenceAt(nowMillis) < floor && current.confidenceAt(nowMillis) >= floor) {
            return;
        }
        runtime.tensor = new PairRuntime.Tensor(
                cached.update().tensor().toRowMajor(),
                cached.update().version(),
                cached.update().confidence(),
                new double[] {
                    cached.update().timeConstants().x(),
                    cached.update().timeConstants().y(),
                    cached.update().timeConstants().z()
                },
                cached.stored(),
                cached.halfLifeMillis());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setConfigurationAdmin(ConfigurationAdmin admin) {
        this.configurationAdmin = admin;
    }

    void unsetConfigurationAdmin(ConfigurationAdmin admin) {
        if (this.configurationAdmin == admin) {
            this.configurationAdmin = null;
        }
    }

    // ---- the plan

    /**
     * Notes a change that may come in a burst (a pair added, changed or removed; a domain, filter or collector
     * added; a domain removed, after {@link #detach}): the loop gets it with the next plan, built once for all
     * changes of the next {@value #COALESCE_MILLIS} ms, or of four builds' time when plans take longer to
     * build (100,000 pairs: about 0.6 s). Readers off the loop thread see it at once ({@link #current}). A
     * filter removed, the collector removed or a tool quarantined rebuilds at once instead: those are few, and
     * the service must not be called any more. Called holding this.
     */
    private void changed() {
        dirty = true;
        if (!rebuildScheduled) {
            try {
                // a large plan takes long to build: wait four builds' time, so that building takes at most a
                // fifth of the time while changes keep coming (and the calls that make them get the lock)
                long wait = Math.max(TimeUnit.MILLISECONDS.toNanos(COALESCE_MILLIS), 4 * lastBuildNanos);
                planner.schedule(this::rebuildPending, wait, TimeUnit.NANOSECONDS);
                rebuildScheduled = true;
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                rebuild(); // deactivated: no planner any more
            }
        }
    }

    private synchronized void rebuildPending() {
        rebuildScheduled = false;
        if (dirty) {
            long start = System.nanoTime();
            try {
                rebuild();
            } catch (RuntimeException e) {
                // a bug of ours: the loop keeps its plan, the next change or reader tries again
                LOG.error("Building the loop's plan failed; the loop runs the previous one", e);
            }
            lastBuildNanos = System.nanoTime() - start;
        }
    }

    /** The plan with every change made so far, for readers off the loop thread (the loop reads {@link #plan}). */
    Plan current() {
        if (dirty) {
            synchronized (this) {
                if (dirty) {
                    rebuild();
                }
            }
        }
        return plan;
    }

    /** Builds and publishes a new plan from the current pairs, domains and filters. */
    private void rebuild() {
        plansBuilt++;
        Map<String, Domain> domains = new HashMap<>();
        for (Map.Entry<String, Domain> d : domainsByService.values()) {
            Domain current = domains.get(d.getKey());
            Domain candidate = d.getValue();
            if (!permitted(candidate.serviceId())) {
                continue; // not admitted, quarantined or stopped by the tool manager
            }
            if (current == null
                    || candidate.ranking() > current.ranking()
                    || (candidate.ranking() == current.ranking() && candidate.serviceId() < current.serviceId())) {
                domains.put(d.getKey(), candidate);
            }
        }
        List<Map.Entry<String, PairSettings>> pairs = new ArrayList<>(configured.entrySet());
        pairs.sort(Comparator.comparing(e -> e.getValue().id()));
        Map<String, Double> weightByParent = new HashMap<>();
        Map<String, List<PairRuntime>> byParent = new HashMap<>();
        for (Map.Entry<String, PairSettings> p : pairs) {
            PairSettings s = p.getValue();
            weightByParent.merge(s.parent(), s.weight(), Double::sum);
            PairRuntime runtime = runtimes.computeIfAbsent(p.getKey(), pid -> {
                PairRuntime created = new PairRuntime(pid, s);
                // a new (or restarted) pair resumes from its last good tensor
                if (cache != null) {
                    cache.retrieve(s.id()).ifPresent(c -> offer(created, s, c, System.currentTimeMillis()));
                }
                return created;
            });
            byParent.computeIfAbsent(s.parent(), k -> new ArrayList<>()).add(runtime);
        }
        Map<String, Plan.Entry> previous = new HashMap<>();
        FilterChain.Pool chains = new FilterChain.Pool();
        for (Plan.Entry e : plan.entries()) {
            previous.put(e.runtime().pid, e);
            chains.share(e.chain()); // the chains in use come first, so a new pair joins one of them
        }
        List<FilterSlot> slots = new ArrayList<>();
        for (FilterSlot slot : filters.values()) {
            if (permitted(slot.serviceId)) {
                slots.add(slot);
            }
        }
        Plan.Entry[] entries = new Plan.Entry[pairs.size()];
        for (int i = 0; i < entries.length; i++) {
            String pid = pairs.get(i).getKey();
            PairSettings s = pairs.get(i).getValue();
            PairRuntime runtime = runtimes.get(pid);
            PairRuntime[] cascade = byParent.getOrDefault(s.child(), List.of()).toArray(PairRuntime[]::new);
            Domain parent = domains.get(s.parent());
            Domain child = cascade.length > 0 ? null : domains.get(s.child());
            String waitingFor = parent == null
                    ? Plan.Entry.noParent(s)
                    : (cascade.length == 0 && child == null ? Plan.Entry.noChild(s) : "");
            FilterChain chain = FilterChain.of(slots, s);
            Plan.Entry old = previous.get(pid);
            if (old != null && old.chain().sameAs(chain)) {
                chain = old.chain(); // unchanged: keep the instance, so the pair sees no swap
            } else {
                chain = chains.share(chain);
            }
            entries[i] = new Plan.Entry(
                    runtime,
                    s,
                    parent == null ? null : parent.adapter(),
                    child == null ? null : child.adapter(),
                    cascade,
                    chain,
                    s.weight() / weightByParent.get(s.parent()),
                    waitingFor,
                    parent == null ? 0 : parent.serviceId(),
                    child == null ? 0 : child.serviceId());
        }
        runtimes.keySet().retainAll(configured.keySet());
        plan = new Plan(entries, collector);
        dirty = false; // after the plan: a build that failed leaves the change pending
        retire(entries);
        loop.wake();
    }

    /** Notes the chains the new plan no longer runs; their calls are counted until they are folded in. */
    private void retire(Plan.Entry[] entries) {
        java.util.Set<FilterChain> now = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Plan.Entry e : entries) {
            if (!e.chain().isEmpty()) {
                now.add(e.chain());
            }
        }
        LoopThread current = loop;
        for (FilterChain chain : planChains) {
            if (!now.contains(chain)) {
                retiring.add(new Retired(chain, current, current.sweeps.get()));
            }
        }
        planChains = now;
    }

    // ---- ControlLoop

    @Override
    public List<PairStatus> pairs() {
        Map<String, PairStatus> byId = new TreeMap<>();
        for (Plan.Entry e : current().entries()) {
            byId.put(e.settings().id(), status(e));
        }
        synchronized (this) {
            for (Rejection r : rejected.values()) {
                byId.putIfAbsent(
                        r.id(),
                        new PairStatus(
                                r.id(),
                                "",
                                "",
                                PairState.STOPPED,
                                r.reason(),
                                Vector3.ZERO,
                                new Vector3(Double.NaN, Double.NaN, Double.NaN),
                                0,
                                0,
                                0,
                                0,
                                Double.NaN,
                                Vector3.ZERO,
                                0));
            }
        }
        return List.copyOf(byId.values());
    }

    @Override
    public Optional<PairStatus> pair(String id) {
        Plan.Entry e = current().entry(id);
        if (e != null) {
            return Optional.of(status(e));
        }
        return pairs().stream().filter(p -> p.id().equals(id)).findFirst(); // a rejected configuration
    }

    @Override
    public void setpoint(String id, Vector3 setpoint) {
        if (!setpoint.isFinite()) {
            throw new IllegalArgumentException("setpoint " + setpoint + " of pair " + id + " is not finite");
        }
        Plan.Entry entry = current().entry(id);
        if (entry == null) {
            throw new IllegalArgumentException("no pair '" + id + "'; cascade:pairs lists them");
        }
        String pid = entry.runtime().pid;
        ConfigurationAdmin admin = configurationAdmin;
        if (admin == null) {
            throw new IllegalStateException("Config Admin is not available; cannot change pair " + id);
        }
        try {
            Configuration configuration = admin.getConfiguration(pid, "?");
            Dictionary<String, Object> properties = configuration.getProperties();
            properties.put("setpoint", setpoint.x() + ", " + setpoint.y() + ", " + setpoint.z());
            // Config Admin persists it (and Karaf writes it back to etc/); the pair adopts it bumplessly
            configuration.update(properties);
        } catch (IOException e) {
            throw new IllegalStateException("could not store the setpoint of pair " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Matrix3> tensor(String id) {
        Plan.Entry e = current().entry(id);
        return e == null
                ? Optional.empty()
                : Optional.of(Matrix3.ofRowMajor(e.runtime().tensor.t()));
    }

    @Override
    public Optional<EstimatorSettings> estimatorSettings(String id) {
        if (!dirty) {
            return Optional.ofNullable(plan.entry(id)).map(e -> e.settings().estimatorSettings());
        }
        // a change waits for the plan: the settings as configured, without building a plan per call (the
        // optimizer asks for every batch it folds)
        synchronized (this) {
            String pid = pidById.get(id);
            return Optional.ofNullable(pid == null ? null : configured.get(pid)).map(PairSettings::estimatorSettings);
        }
    }

    @Override
    public LoopMetrics loop() {
        Histogram[] timed = timing.snapshot();
        long missed = 0;
        for (Plan.Entry e : plan.entries()) {
            missed += e.runtime().missedDeadlines;
        }
        return new LoopMetrics(timed[0].count(), timed[0], timed[1], missed);
    }

    @Override
    public LoopWindow loop(Duration last) {
        return timing.window(LoopWindow.seconds(last));
    }

    @Override
    public LoopWindow loop(Duration last, java.util.function.Predicate<Instant> include) {
        int seconds = LoopWindow.pooledSeconds(last);
        return timing.window(seconds, java.util.Objects.requireNonNull(include, "include"));
    }

    private static PairStatus status(Plan.Entry e) {
        PairRuntime r = e.runtime();
        long cycles = r.cycles(); // acquire: the status fields below are at least this fresh
        PairSettings s = e.settings();
        double[] sp = s.setpoint();
        PairRuntime.Tensor t = r.tensor;
        return new PairStatus(
                s.id(),
                s.parent(),
                s.child(),
                e.ready() ? r.state : PairState.WAITING,
                e.ready() ? r.reason : "waiting for " + e.waitingFor(),
                new Vector3(sp[0] + r.shift(0), sp[1] + r.shift(1), sp[2] + r.shift(2)),
                new Vector3(r.lastErrorX, r.lastErrorY, r.lastErrorZ),
                t.confidenceAt(System.currentTimeMillis()),
                t.version(),
                cycles,
                r.missedDeadlines,
                r.rms(),
                new Vector3(r.output(0), r.output(1), r.output(2)),
                r.integralAbsError);
    }

    private static int ranking(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }

    private static double doubleProperty(Map<String, Object> properties, String key, double fallback) {
        Object v = properties.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(v.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = '" + v + "' is not a number");
        }
    }

    private static long longProperty(Map<String, Object> properties, String key, long fallback) {
        Object v = properties.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = '" + v + "' is not a whole number of microseconds");
        }
    }
}
