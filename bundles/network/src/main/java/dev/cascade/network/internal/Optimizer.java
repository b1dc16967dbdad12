package dev.cascade.network.internal;

import dev.cascade.api.Node;
import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.estimation.Estimate;
import dev.cascade.api.estimation.Estimator;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.estimation.EstimatorState;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.monitoring.HookRunner;
import dev.cascade.api.network.Batch;
import dev.cascade.api.network.CachedTensor;
import dev.cascade.api.network.OptimizerMetrics;
import dev.cascade.api.network.TensorCache;
import dev.cascade.api.network.TensorReset;
import dev.cascade.api.network.Transport;
import dev.cascade.api.tensor.Matrix3;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The optimizer: takes the batches the transport gives it, folds each into its pair's estimation with
 * the configured {@link Estimator}, and publishes a {@link TensorUpdate}. It subscribes only while both its
 * transport and its estimator are present, so without them batches spool at their producers.
 *
 * <p>A batch is identified by (pair, producer, sequence) and each producer's batches of a pair arrive in
 * sequence order (the spool re-sends in order), so the highest sequence folded per producer is all the
 * de-duplication state a pair needs. It travels in every update ({@link TensorUpdate#folded()}) beside the
 * estimator state, so an optimizer that resumes a pair from the cache (after a restart, or on another node)
 * folds no batch twice.
 */
@Component(
        service = Optimizer.class,
        configurationPid = Optimizer.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
@Designate(ocd = Optimizer.Config.class)
public final class Optimizer {

    static final String PID = "dev.cascade.optimizer";

    private static final Logger LOG = LoggerFactory.getLogger(Optimizer.class);

    @ObjectClassDefinition(
            name = "Cascade optimizer",
            description = "Folds measurement batches into each pair's estimation and publishes tensor updates.")
    @interface Config {
        @AttributeDefinition(name = "Estimator", description = "Name of the estimator to fold with (rls).")
        String estimator() default "rls";

        @AttributeDefinition(name = "Transport", description = "Name of the transport to take batches from.")
        String transport() default "inproc";
    }

    /** One pair's estimation as this optimizer carries it on. */
    private static final class PairState {
        EstimatorState state;
        final Map<String, Long> folded = new HashMap<>();
        long version;
    }

    private final String estimatorName;
    private final String transportName;
    private final String nodeId;
    private final ControlLoop loop;
    private final TensorCache cache;
    private final LongSupplier clock;

    // guarded by this
    private final Map<String, PairState> pairs = new HashMap<>();
    private Estimator estimator;
    private Transport transport;
    private AutoCloseable subscription;
    /** Runs the analysis hooks around each fold (monitoring); absent: no hooks run. Never waited on. */
    private volatile HookRunner hooks;

    private long batchesFolded;
    private long measurementsFolded;
    private long duplicates;
    private long failures;
    private long updatesPublished;

    @Activate
    public Optimizer(Config config, @Reference Node node, @Reference ControlLoop loop, @Reference TensorCache cache) {
        this(config, node, loop, cache, System::currentTimeMillis);
    }

    Optimizer(Config config, Node node, ControlLoop loop, TensorCache cache, LongSupplier clock) {
        this.estimatorName = Check.name(PID, "estimator", config.estimator());
        this.transportName = Check.name(PID, "transport", config.transport());
        this.nodeId = node.id();
        this.loop = loop;
        this.cache = cache;
        this.clock = clock;
    }

    @Deactivate
    synchronized void deactivate() {
        estimator = null;
        transport = null;
        resubscribe();
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addEstimator(Estimator candidate, Map<String, Object> properties) {
        if (estimator == null && estimatorName.equals(properties.get(Estimator.NAME))) {
            estimator = candidate;
            resubscribe();
        }
    }

    synchronized void removeEstimator(Estimator candidate, Map<String, Object> properties) {
        if (estimator == candidate) {
            estimator = null;
            resubscribe();
        }
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addTransport(Transport candidate, Map<String, Object> properties) {
        if (transport == null && transportName.equals(properties.get(Transport.NAME))) {
            transport = candidate;
            resubscribe();
        }
    }

    synchronized void removeTransport(Transport candidate, Map<String, Object> properties) {
        if (transport == candidate) {
            transport = null;
            resubscribe();
        }
    }

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setHooks(HookRunner runner) {
        this.hooks = runner;
    }

    void unsetHooks(HookRunner runner) {
        if (this.hooks == runner) {
            this.hooks = null;
        }
    }

    private void resubscribe() {
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.warn("Could not unsubscribe from transport {}: {}", transportName, e.toString());
            }
            subscription = null;
        }
        if (transport != null && estimator != null) {
            AutoCloseable batches = transport.subscribeBatches(this::fold);
            AutoCloseable resets = transport.subscribeResetRequests(this::reset);
            subscription = () -> {
                try {
                    resets.close();
                } finally {
                    batches.close();
                }
            };
            LOG.info("Optimizer folds batches from {} with estimator {}", transportName, estimatorName);
        }
    }

    /** Folds one batch, once. Runs on the transport's thread. */
    synchronized void fold(Batch batch) {
        Estimator e = estimator;
        Transport t = transport;
        if (e == null || t == null) {
            throw new IllegalStateException("the optimizer is stopping");
        }
        PairState pair = pairs.computeIfAbsent(batch.pair(), this::resume);
        Long last = pair.folded.get(batch.producer());
        if (last != null && batch.sequence() <= last) {
            duplicates++;
            return;
        }
        Optional<EstimatorSettings> settings = loop.estimatorSettings(batch.pair());
        if (settings.isEmpty()) {
            failures++;
            LOG.warn(
                    "Batch {}/{}/{} is for pair {}, which is not configured here; skipped",
                    batch.pair(),
                    batch.producer(),
                    batch.sequence(),
                    batch.pair());
            return;
        }
        HookRunner runner = hooks;
        if (runner != null) {
            runner.before(batch); // hands over and returns: the fold never waits on a hook
        }
        Estimate estimate;
        try {
            estimate = e.fold(Optional.ofNullable(pair.state), batch, settings.get(), List.of());
        } catch (IllegalArgumentException stateRefused) {
            // state of another estimator or format: start this pair's estimation afresh
            LOG.warn(
                    "Estimator {} refused the state of pair {} ({}); estimating it afresh",
                    estimatorName,
                    batch.pair(),
                    stateRefused.getMessage());
            estimate = e.fold(Optional.empty(), batch, settings.get(), List.of());
        } catch (RuntimeException failed) {
            failures++;
            LOG.error(
                    "Estimator {} failed on batch {}/{}/{}",
                    estimatorName,
                    batch.pair(),
                    batch.producer(),
                    batch.sequence(),
                    failed);
            return;
        }
        pair.state = estimate.state();
        pair.folded.put(batch.producer(), batch.sequence());
        batchesFolded++;
        measurementsFolded += batch.measurements().size();
        if (estimate.gain().equals(Matrix3.ZERO) || estimate.confidence() == 0) {
            if (runner != null) {
                runner.after(batch, Optional.empty());
            }
            return; // no model yet: nothing for the loop
        }
        pair.version++;
        TensorUpdate update = new TensorUpdate(
                batch.pair(),
                pair.version,
                estimate.tensor(),
                estimate.gain(),
                estimate.confidence(),
                estimate.timeConstants(),
                estimate.state(),
                pair.folded,
                nodeId,
                clock.getAsLong());
        updatesPublished++;
        if (runner != null) {
            runner.after(batch, Optional.of(update));
        }
        t.publish(update).whenComplete((ok, failed) -> {
            if (failed != null) {
                LOG.warn(
                        "Could not publish update v{} of pair {}: {}",
                        update.version(),
                        update.pair(),
                        failed.getMessage());
            }
        });
    }

    /**
     * Makes a pair's estimation start over: forgets its estimator state (the next batch starts a fresh
     * estimation; the de-duplication state stays) and publishes the reset to every node with the next
     * version, so the caches refuse any update this optimizer published before it. Runs on the transport's
     * thread, in order with the pair's batches.
     *
     * @throws IllegalArgumentException if the pair is not configured here
     */
    synchronized void reset(TensorReset request) {
        Transport t = transport;
        if (t == null) {
            throw new IllegalStateException("the optimizer is stopping");
        }
        if (loop.estimatorSettings(request.pair()).isEmpty()) {
            throw new IllegalArgumentException(
                    "no pair '" + request.pair() + "' is configured on the optimizer's node");
        }
        PairState pair = pairs.computeIfAbsent(request.pair(), this::resume);
        pair.state = null;
        pair.version++;
        TensorReset published = request.withVersion(pair.version);
        LOG.info(
                "Optimizer resets pair {} at version {}, as {} requested",
                request.pair(),
                pair.version,
                request.source());
        t.publishReset(published).whenComplete((ok, failed) -> {
            if (failed != null) {
                LOG.warn("Could not publish the reset of pair {}: {}", published.pair(), failed.getMessage());
            }
        });
    }

    /** A pair this optimizer has not seen: resume from the cache's latest update, if any. */
    private PairState resume(String pairId) {
        PairState pair = new PairState();
        Optional<CachedTensor> cached = cache.retrieve(pairId);
        if (cached.isPresent()) {
            TensorUpdate u = cached.get().update();
            pair.version = u.version();
            pair.folded.putAll(u.folded());
            if (u.state().estimator().equals(estimatorName)) {
                pair.state = u.state();
            }
            LOG.info("Optimizer resumes pair {} from update v{}", pairId, u.version());
        }
        return pair;
    }

    synchronized OptimizerMetrics metrics() {
        return new OptimizerMetrics(
                estimatorName,
                subscription != null,
                batchesFolded,
                measurementsFolded,
                duplicates,
                failures,
                updatesPublished);
    }
}
