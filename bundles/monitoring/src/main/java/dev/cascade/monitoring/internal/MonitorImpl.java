package dev.cascade.monitoring.internal;

import dev.cascade.api.Node;
import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.monitoring.Histogram;
import dev.cascade.api.monitoring.HookMetrics;
import dev.cascade.api.monitoring.LoopMetrics;
import dev.cascade.api.monitoring.LoopWindow;
import dev.cascade.api.monitoring.Monitor;
import dev.cascade.api.monitoring.PairMetrics;
import dev.cascade.api.monitoring.PairSample;
import dev.cascade.api.network.CachedTensor;
import dev.cascade.api.network.NetworkMetrics;
import dev.cascade.api.network.NetworkMonitor;
import dev.cascade.api.network.OptimizerMetrics;
import dev.cascade.api.network.TensorCache;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tools.ToolAllocation;
import dev.cascade.api.tools.ToolCapacity;
import dev.cascade.api.tools.ToolInfo;
import dev.cascade.api.tools.ToolManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Monitor}: one view of the node for the operator's faces. Every part it reads is an optional
 * dynamic reference (the loop, the network, the tensor cache, the tool manager), so monitoring runs on a
 * node that has only some of them. Its own thread samples every pair every {@link #SAMPLE_MILLIS} ms into
 * the {@link History}, off the loop thread (through {@link ControlLoop#pairs()}, which reads the loop's
 * published fields).
 */
@Component(
        service = Monitor.class,
        configurationPid = Config.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
public final class MonitorImpl implements Monitor {

    private static final Logger LOG = LoggerFactory.getLogger(MonitorImpl.class);

    static final long SAMPLE_MILLIS = 250;

    private static final ToolAllocation NOTHING = new ToolAllocation(0, 0, 0, 0, 0);

    private final Hooks hooks;
    private final History history;
    private final LongSupplier clock;
    private final ScheduledExecutorService sampler;

    private volatile Node node;
    private volatile ControlLoop loop;
    private volatile NetworkMonitor network;
    private volatile TensorCache cache;
    private volatile ToolManager toolManager;

    @Activate
    public MonitorImpl(Config config, @Reference Hooks hooks) {
        this(hooks, historyCapacity(config.history_seconds()), System::currentTimeMillis);
        sampler.scheduleAtFixedRate(this::sample, SAMPLE_MILLIS, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Without the sampling thread: tests call {@link #sample()} themselves. */
    MonitorImpl(Hooks hooks, int historyCapacity, LongSupplier clock) {
        this.hooks = hooks;
        this.history = new History(historyCapacity);
        this.clock = clock;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cascade-monitoring");
            t.setDaemon(true);
            return t;
        });
    }

    static int historyCapacity(int seconds) {
        if (seconds < 1 || seconds > 3600) {
            throw new IllegalArgumentException(Config.PID + ": history.seconds = " + seconds
                    + " is not valid; use a number of seconds from 1 to 3600");
        }
        return (int) (seconds * 1000 / SAMPLE_MILLIS);
    }

    @Deactivate
    void deactivate() {
        sampler.shutdownNow();
    }

    /** Takes one sample of every pair into the history. */
    void sample() {
        ControlLoop l = loop;
        try {
            history.sample(clock.getAsLong(), l == null ? List.of() : l.pairs());
        } catch (RuntimeException e) {
            LOG.warn("Sampling the pairs' history failed: {}", e.toString());
        }
    }

    // ---- the parts, all optional

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setNode(Node n) {
        this.node = n;
    }

    void unsetNode(Node n) {
        if (this.node == n) {
            this.node = null;
        }
    }

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setLoop(ControlLoop l) {
        this.loop = l;
    }

    void unsetLoop(ControlLoop l) {
        if (this.loop == l) {
            this.loop = null;
        }
    }

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setNetwork(NetworkMonitor n) {
        this.network = n;
    }

    void unsetNetwork(NetworkMonitor n) {
        if (this.network == n) {
            this.network = null;
        }
    }

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setCache(TensorCache c) {
        this.cache = c;
    }

    void unsetCache(TensorCache c) {
        if (this.cache == c) {
            this.cache = null;
        }
    }

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setToolManager(ToolManager m) {
        this.toolManager = m;
    }

    void unsetToolManager(ToolManager m) {
        if (this.toolManager == m) {
            this.toolManager = null;
        }
    }

    // ---- Monitor

    @Override
    public String node() {
        Node n = node;
        return n == null ? "" : n.id();
    }

    @Override
    public List<PairMetrics> pairs() {
        ControlLoop l = loop;
        if (l == null) {
            return List.of();
        }
        List<PairMetrics> result = new ArrayList<>();
        for (PairStatus status : l.pairs()) {
            result.add(metrics(l, status));
        }
        return result;
    }

    @Override
    public Optional<PairMetrics> pair(String id) {
        ControlLoop l = loop;
        return l == null ? Optional.empty() : l.pair(id).map(status -> metrics(l, status));
    }

    private PairMetrics metrics(ControlLoop l, PairStatus status) {
        Matrix3 tensor = l.tensor(status.id()).orElse(Matrix3.ZERO);
        TensorCache c = cache;
        Optional<TensorUpdate> update =
                c == null ? Optional.empty() : c.retrieve(status.id()).map(CachedTensor::update);
        return new PairMetrics(status, tensor, update.map(TensorUpdate::gain), update.map(TensorUpdate::timeConstants));
    }

    @Override
    public List<PairSample> history(String id) {
        return history.of(id);
    }

    @Override
    public LoopMetrics loop() {
        ControlLoop l = loop;
        return l == null
                ? new LoopMetrics(0, Histogram.empty("microseconds"), Histogram.empty("microseconds"), 0)
                : l.loop();
    }

    @Override
    public LoopWindow loop(Duration last) {
        ControlLoop l = loop;
        if (l == null) {
            LoopWindow.seconds(last); // the same checks as with a loop
            return LoopWindow.empty(Instant.now());
        }
        return l.loop(last);
    }

    @Override
    public Optional<NetworkMetrics> network() {
        NetworkMonitor n = network;
        return n == null ? Optional.empty() : Optional.of(n.metrics());
    }

    @Override
    public Optional<OptimizerMetrics> optimizer() {
        NetworkMonitor n = network;
        return n == null ? Optional.empty() : n.optimizer();
    }

    @Override
    public Histogram updateLatency() {
        NetworkMonitor n = network;
        return n == null ? Histogram.empty("milliseconds") : n.updateLatency();
    }

    @Override
    public List<ToolInfo> tools() {
        ToolManager m = toolManager;
        return m == null ? List.of() : m.tools();
    }

    @Override
    public ToolCapacity capacity() {
        ToolManager m = toolManager;
        return m == null ? new ToolCapacity(NOTHING, NOTHING) : m.capacity();
    }

    @Override
    public List<HookMetrics> hooks() {
        return hooks.metrics();
    }
}
