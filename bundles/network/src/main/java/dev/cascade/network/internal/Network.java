package dev.cascade.network.internal;

import dev.cascade.api.Node;
import dev.cascade.api.control.Measurement;
import dev.cascade.api.control.MeasurementCollector;
import dev.cascade.api.control.MeasurementView;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.monitoring.Histogram;
import dev.cascade.api.network.Batch;
import dev.cascade.api.network.Estimation;
import dev.cascade.api.network.NetworkMetrics;
import dev.cascade.api.network.NetworkMonitor;
import dev.cascade.api.network.OptimizerMetrics;
import dev.cascade.api.network.TensorCache;
import dev.cascade.api.network.TensorReset;
import dev.cascade.api.network.Transport;
import dev.cascade.api.network.TransportState;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
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
 * The node's side of the network. The loop hands it every cycle ({@link #collect}, into a ring per pair);
 * its own thread cuts the rings into batches by count or age, sends them through the configured transport,
 * and spools them to disk while the transport or the optimizer is down or slow, re-sending them in order
 * when it recovers. Tensor updates from the transport go into the cache (which hands them to the loop);
 * the time from a batch's cut to its tensor being in use is the update latency.
 *
 * <p>Sequences start from the clock ({@code millis * 1000} when a pair's ring is created) and count up,
 * so they keep increasing over restarts without being stored, as long as fewer than 1000 batches of a
 * pair are cut per millisecond of uptime.
 */
@Component(
        service = {MeasurementCollector.class, NetworkMonitor.class, Estimation.class},
        configurationPid = Network.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
@Designate(ocd = Network.Config.class)
public final class Network implements MeasurementCollector, NetworkMonitor, Estimation {

    static final String PID = "dev.cascade.network";

    private static final Logger LOG = LoggerFactory.getLogger(Network.class);

    @ObjectClassDefinition(
            name = "Cascade network",
            description = "Batching of measurements, the transport they go through, and the spool for outages.")
    @interface Config {
        @AttributeDefinition(name = "Transport", description = "Name of the transport to use (inproc, kafka).")
        String transport() default "inproc";

        @AttributeDefinition(
                name = "Ring capacity",
                description = "Measurements buffered per pair between the loop and the batcher: a power of two"
                        + " from 16 to 1048576. When full, the oldest are overwritten and counted.")
        int ringCapacity() default 4096;

        @AttributeDefinition(
                name = "Batch size",
                description = "A batch is cut when this many measurements wait (1 to 100000).")
        int batchSize() default 100;

        @AttributeDefinition(
                name = "Batch age",
                description =
                        "... or when the oldest waiting measurement is this many milliseconds old (10 to" + " 600000).")
        long maxBatchAgeMillis() default 1000;

        @AttributeDefinition(
                name = "Send timeout",
                description = "Milliseconds a send may take before the transport counts as degraded and the batch"
                        + " spools (1 to 600000).")
        long sendTimeoutMillis() default 2000;

        @AttributeDefinition(
                name = "Retry interval",
                description = "Milliseconds between attempts to send while the transport fails (1 to 600000).")
        long retryMillis() default 1000;

        @AttributeDefinition(
                name = "Spool size",
                description = "Batches the on-disk spool holds (1 to 10000000); when full the oldest are dropped"
                        + " and counted.")
        int spoolMaxBatches() default 10000;

        @AttributeDefinition(
                name = "Spool directory",
                description = "Where batches wait during outages; empty: ${karaf.data}/cascade/spool.")
        String spoolDirectory() default "";
    }

    private final String transportName;
    private final int ringCapacity;
    private final int batchSize;
    private final long maxBatchAgeMillis;
    private final long sendTimeoutMillis;
    private final long retryNanos;
    private final String nodeId;
    private final TensorCache cache;
    private final LongSupplier clock;
    private final Map<String, Ring> rings = new ConcurrentHashMap<>();
    private final Spool spool;
    private final Latencies latencies = new Latencies();
    private final ScheduledExecutorService thread;
    /** Resets requested here, per pair, waiting for the optimizer's reset to come back. */
    private final Map<String, List<CompletableFuture<TensorReset>>> pendingResets = new ConcurrentHashMap<>();

    // batcher thread
    private long retryAt;
    private volatile TransportState failure;
    private volatile long batchesCut;
    private volatile long batchesSent;
    private volatile long updatesReceived;
    private volatile long updatesRejected;

    // guarded by this
    private Transport transport;
    private AutoCloseable updates;
    private AutoCloseable resets;
    private volatile Optimizer optimizer;

    @Activate
    public Network(Config config, @Reference Node node, @Reference TensorCache cache) throws IOException {
        this(config, node, cache, System::currentTimeMillis);
        thread.scheduleWithFixedDelay(this::tickSafely, pollMillis(), pollMillis(), TimeUnit.MILLISECONDS);
    }

    /** For tests: nothing runs until the test calls {@link #tick()}. */
    Network(Config config, Node node, TensorCache cache, LongSupplier clock) throws IOException {
        this.transportName = Check.name(PID, "transport", config.transport());
        this.ringCapacity = config.ringCapacity();
        if (ringCapacity < 16 || ringCapacity > 1 << 20 || Integer.bitCount(ringCapacity) != 1) {
            throw Check.invalid(PID, "ringCapacity", ringCapacity, "a power of two from 16 to 1048576");
        }
        this.batchSize = (int) Check.range(PID, "batchSize", config.batchSize(), 1, 100_000);
        this.maxBatchAgeMillis = Check.range(PID, "maxBatchAgeMillis", config.maxBatchAgeMillis(), 10, 600_000);
        this.sendTimeoutMillis = Check.range(PID, "sendTimeoutMillis", config.sendTimeoutMillis(), 1, 600_000);
        this.retryNanos =
                TimeUnit.MILLISECONDS.toNanos(Check.range(PID, "retryMillis", config.retryMillis(), 1, 600_000));
        int spoolMax = (int) Check.range(PID, "spoolMaxBatches", config.spoolMaxBatches(), 1, 10_000_000);
        this.nodeId = node.id();
        this.cache = cache;
        this.clock = clock;
        this.spool = new Spool(directory(config.spoolDirectory()), spoolMax);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cascade-network");
            t.setDaemon(true);
            return t;
        });
    }

    private long pollMillis() {
        return Math.max(5, Math.min(50, maxBatchAgeMillis / 4));
    }

    private static Path directory(String configured) {
        if (!configured.isBlank()) {
            return Paths.get(configured.strip());
        }
        String data = System.getProperty("karaf.data");
        if (data == null) {
            throw new IllegalArgumentException(PID + ": spoolDirectory = '' and the system property karaf.data is"
                    + " not set; give a directory for the spool");
        }
        return Paths.get(data, "cascade", "spool");
    }

    /** Cuts what the rings hold into the spool, so a restart re-sends it, and stops the thread. */
    @Deactivate
    void deactivate() throws InterruptedException {
        thread.shutdownNow();
        thread.awaitTermination(5, TimeUnit.SECONDS);
        for (Ring ring : rings.values()) {
            while (ring.available() > 0) {
                Batch batch = cut(ring, clock.getAsLong());
                if (batch != null) {
                    toSpool(batch);
                }
            }
        }
        synchronized (this) {
            unsubscribe();
        }
    }

    // ---- the loop's side: cheap, allocation-free after a pair's first cycle, never blocking

    @Override
    public void collect(MeasurementView measurement) {
        Ring ring = rings.get(measurement.pair());
        if (ring == null) {
            ring = rings.computeIfAbsent(measurement.pair(), this::ring);
        }
        ring.put(measurement);
    }

    private Ring ring(String pair) {
        Ring ring = new Ring(pair, ringCapacity);
        ring.nextSequence = clock.getAsLong() * 1000;
        return ring;
    }

    // ---- the batcher thread

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.error("The network's batcher failed; it carries on at the next tick", e);
        }
    }

    /** Cuts due batches, sends them (or spools them) and re-sends what the spool holds. */
    void tick() {
        long now = clock.getAsLong();
        for (Ring ring : rings.values()) {
            while (true) {
                int waiting = ring.available();
                if (waiting == 0 || (waiting < batchSize && now - ring.oldestTime() < maxBatchAgeMillis)) {
                    break;
                }
                Batch batch = cut(ring, now);
                if (batch != null) {
                    dispatch(batch);
                }
            }
        }
        drain();
    }

    private Batch cut(Ring ring, long now) {
        List<Measurement> measurements = ring.take(batchSize);
        if (measurements.isEmpty()) {
            return null;
        }
        long sequence = ring.nextSequence++;
        ring.cut(sequence, System.nanoTime());
        batchesCut++;
        return new Batch(ring.pair, nodeId, sequence, measurements, now);
    }

    /** Sends a fresh batch, unless older ones wait in the spool: then it queues behind them, in order. */
    private void dispatch(Batch batch) {
        if (!spool.isEmpty() || !send(batch)) {
            toSpool(batch);
        }
    }

    private void toSpool(Batch batch) {
        try {
            spool.append(batch);
        } catch (IOException e) {
            LOG.error("Could not spool batch {}/{}; it is lost: {}", batch.pair(), batch.sequence(), e.toString());
        }
    }

    private void drain() {
        while (!spool.isEmpty()) {
            Batch head = spool.peek();
            if (head == null || !send(head)) {
                return;
            }
            try {
                spool.remove();
            } catch (IOException e) {
                LOG.error("Could not remove a sent batch from the spool: {}", e.toString());
                return;
            }
        }
    }

    /** @return true once the transport has the batch; false after a failure, or while waiting to retry */
    private boolean send(Batch batch) {
        Transport t;
        synchronized (this) {
            t = transport;
        }
        if (t == null) {
            failure = TransportState.OFFLINE;
            return false;
        }
        if (failure != null && System.nanoTime() - retryAt < 0) {
            return false;
        }
        try {
            t.send(batch).toCompletableFuture().get(sendTimeoutMillis, TimeUnit.MILLISECONDS);
            batchesSent++;
            if (failure != null) {
                LOG.info("Transport {} accepts batches again; {} spooled to re-send", transportName, spool.depth());
                failure = null;
            }
            return true;
        } catch (TimeoutException e) {
            failed(TransportState.DEGRADED, "did not accept a batch within " + sendTimeoutMillis + " ms");
        } catch (ExecutionException e) {
            failed(TransportState.OFFLINE, e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private void failed(TransportState state, String why) {
        if (failure == null) {
            LOG.warn("Transport {} {}; batches spool until it recovers", transportName, why);
        }
        failure = state;
        retryAt = System.nanoTime() + retryNanos;
    }

    // ---- updates: transport -> cache -> loop

    void received(TensorUpdate update) {
        updatesReceived++;
        if (!cache.store(update)) {
            updatesRejected++;
            return;
        }
        // the cache has handed the tensor to the loop: it is in use from the next cycle
        Long sequence = update.folded().get(nodeId);
        Ring ring = rings.get(update.pair());
        if (sequence != null && ring != null) {
            long cut = ring.cutNanos(sequence);
            if (cut >= 0) {
                latencies.add(System.nanoTime() - cut);
            }
        }
    }

    // ---- resets: request -> transport -> optimizer -> transport -> cache -> loop

    /** How long {@link #reset} waits for the optimizer's reset to come back. */
    static final long RESET_TIMEOUT_MILLIS = 10_000;

    @Override
    public CompletionStage<TensorReset> reset(String pair) {
        Transport t;
        synchronized (this) {
            t = transport;
        }
        if (t == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "transport " + transportName + " is not available; pair " + pair + " was not reset"));
        }
        CompletableFuture<TensorReset> done = new CompletableFuture<>();
        List<CompletableFuture<TensorReset>> waiting =
                pendingResets.computeIfAbsent(pair, k -> new CopyOnWriteArrayList<>());
        waiting.add(done);
        done.orTimeout(RESET_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).whenComplete((r, e) -> waiting.remove(done));
        t.sendReset(new TensorReset(pair, 0, nodeId, clock.getAsLong())).whenComplete((ok, failed) -> {
            if (failed != null) {
                Throwable cause =
                        failed instanceof CompletionException && failed.getCause() != null ? failed.getCause() : failed;
                done.completeExceptionally(
                        new IllegalStateException("pair " + pair + " was not reset: " + cause.getMessage(), cause));
            }
        });
        return done;
    }

    /** A reset published by the optimizer: the cache drops the tensor (and the loop follows it). */
    void resetReceived(TensorReset reset) {
        boolean applied = cache.reset(reset);
        List<CompletableFuture<TensorReset>> waiting = pendingResets.get(reset.pair());
        if (waiting == null) {
            return;
        }
        for (CompletableFuture<TensorReset> done : waiting) {
            if (applied) {
                done.complete(reset);
            } else {
                done.completeExceptionally(new IllegalStateException("the cache holds a tensor of pair " + reset.pair()
                        + " newer than the reset to version " + reset.version()));
            }
        }
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addTransport(Transport candidate, Map<String, Object> properties) {
        if (transport == null && transportName.equals(properties.get(Transport.NAME))) {
            transport = candidate;
            updates = candidate.subscribeUpdates(this::received);
            resets = candidate.subscribeResets(this::resetReceived);
            LOG.info("Network uses transport {}", transportName);
        }
    }

    synchronized void removeTransport(Transport candidate, Map<String, Object> properties) {
        if (transport == candidate) {
            unsubscribe();
            transport = null;
            LOG.warn("Transport {} is gone; batches spool until it returns", transportName);
        }
    }

    private void unsubscribe() {
        if (resets != null) {
            try {
                resets.close();
            } catch (Exception e) {
                LOG.warn("Could not unsubscribe from transport {}: {}", transportName, e.toString());
            }
            resets = null;
        }
        if (updates != null) {
            try {
                updates.close();
            } catch (Exception e) {
                LOG.warn("Could not unsubscribe from transport {}: {}", transportName, e.toString());
            }
            updates = null;
        }
    }

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setOptimizer(Optimizer optimizer) {
        this.optimizer = optimizer;
    }

    void unsetOptimizer(Optimizer optimizer) {
        if (this.optimizer == optimizer) {
            this.optimizer = null;
        }
    }

    // ---- NetworkMonitor

    @Override
    public NetworkMetrics metrics() {
        Transport t;
        synchronized (this) {
            t = transport;
        }
        TransportState state = t == null ? TransportState.OFFLINE : failure != null ? failure : t.state();
        if (state == TransportState.CONNECTED && !spool.isEmpty()) {
            state = TransportState.DEGRADED; // still catching up
        }
        long collected = 0;
        long overwritten = 0;
        for (Ring ring : rings.values()) {
            collected += ring.collected();
            overwritten += ring.overwritten();
        }
        return new NetworkMetrics(
                transportName,
                state,
                collected,
                overwritten,
                batchesCut,
                batchesSent,
                spool.depth(),
                spool.dropped(),
                updatesReceived,
                updatesRejected,
                latencies.lastMillis(),
                latencies.p99Millis());
    }

    @Override
    public Histogram updateLatency() {
        return latencies.histogram();
    }

    @Override
    public Optional<OptimizerMetrics> optimizer() {
        Optimizer o = optimizer;
        return o == null ? Optional.empty() : Optional.of(o.metrics());
    }
}
