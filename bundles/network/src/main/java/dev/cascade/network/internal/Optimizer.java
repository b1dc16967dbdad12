package dev.cascade.network.internal;

import dev.cascade.api.Node;
import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.Measurement;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.estimation.Estimate;
import dev.cascade.api.estimation.Estimator;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.estimation.EstimatorState;
import dev.cascade.api.estimation.InputResponse;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.monitoring.HookRunner;
import dev.cascade.api.network.Batch;
import dev.cascade.api.network.CachedTensor;
import dev.cascade.api.network.OptimizerMetrics;
import dev.cascade.api.network.TensorCache;
import dev.cascade.api.network.TensorReset;
import dev.cascade.api.network.Transport;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
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
 * folds no batch twice. Before each fold it checks the cache for a newer update of the pair than its own,
 * published by another optimizer while the pair was not this node's (a partition that moved away and
 * back), and resumes from that.
 *
 * <p>Siblings (pairs with the same parent domain, as the loop reports them, re-read at most every {@link
 * #FAMILY_REFRESH_MILLIS}): the optimizer keeps, per pair that has siblings, the recent settings from its
 * batches ({@link SettingHistory}) and the {@link InputResponse} of its latest published estimate ({@link
 * SiblingModel}), and hands each fold the sum of the siblings' predicted contributions per measurement. A
 * batch whose siblings' cycles for its time have not come yet waits (one per pair) until they have, until
 * the pair's next batch comes, for at most {@link #MAX_WAIT_MILLIS}, or until the optimizer stops; what is
 * still missing then is predicted with the sibling's setting held.
 */
@Component(
        service = Optimizer.class,
        configurationPid = Optimizer.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
@Designate(ocd = Optimizer.Config.class)
public final class Optimizer {

    static final String PID = "dev.cascade.optimizer";

    /** How often, at most, the pairs' parents are read from the loop. */
    static final long FAMILY_REFRESH_MILLIS = 1000;

    /** How long, at most, a batch waits for its siblings' batches of the same time. */
    static final long MAX_WAIT_MILLIS = 5000;

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

    /** A pair with siblings: what its siblings' folds need of it, and its batch waiting for theirs. */
    private static final class Member {
        final SettingHistory history = new SettingHistory();
        /** From the latest estimate published; null while there is none. */
        SiblingModel model;

        Batch waiting;
        long waitingSince;
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
    private final FoldLedger ledger;

    // guarded by this
    private final Map<String, PairState> pairs = new HashMap<>();
    /** Per pair with siblings, the ids of its siblings. */
    private final Map<String, List<String>> siblingsOf = new HashMap<>();

    private boolean familiesRead;
    private long familiesReadAt;
    private final Map<String, Member> members = new HashMap<>();
    private long[] times = new long[128];
    private double[] sums = new double[3 * 128];
    private Estimator estimator;
    private Transport transport;
    private AutoCloseable subscription;
    /** Runs the analysis hooks around each fold (monitoring); absent: no hooks run. Never waited on. */
    private volatile HookRunner hooks;

    @Activate
    public Optimizer(
            Config config,
            @Reference Node node,
            @Reference ControlLoop loop,
            @Reference TensorCache cache,
            @Reference FoldLedger ledger) {
        this(config, node, loop, cache, System::currentTimeMillis, ledger);
    }

    /** For tests: an optimizer with a ledger of its own. */
    Optimizer(Config config, Node node, ControlLoop loop, TensorCache cache, LongSupplier clock) {
        this(config, node, loop, cache, clock, new FoldLedger());
    }

    Optimizer(Config config, Node node, ControlLoop loop, TensorCache cache, LongSupplier clock, FoldLedger ledger) {
        this.estimatorName = Check.name(PID, "estimator", config.estimator());
        this.transportName = Check.name(PID, "transport", config.transport());
        this.nodeId = node.id();
        this.loop = loop;
        this.cache = cache;
        this.clock = clock;
        this.ledger = ledger;
    }

    @Deactivate
    synchronized void deactivate() {
        foldWaiting();
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
            foldWaiting();
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
            foldWaiting();
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

    /**
     * Folds one batch, once, with its siblings' contributions; a batch of a pair with siblings may wait
     * for theirs (see the class). Runs on the transport's thread.
     */
    synchronized void fold(Batch batch) {
        if (estimator == null || transport == null) {
            throw new IllegalStateException("the optimizer is stopping");
        }
        readFamilies();
        foldOverdue();
        List<String> siblings = siblingsOf.get(batch.pair());
        if (siblings == null) {
            foldOne(batch);
            return;
        }
        Member me = members.computeIfAbsent(batch.pair(), this::member);
        Batch earlier = me.waiting;
        if (earlier != null && earlier.producer().equals(batch.producer()) && batch.sequence() <= earlier.sequence()) {
            ledger.duplicate(batch);
            return;
        }
        PairState pair = pairs.computeIfAbsent(batch.pair(), this::resume);
        Long last = pair.folded.get(batch.producer());
        if (last != null && batch.sequence() <= last) {
            ledger.duplicate(batch);
            return;
        }
        me.history.append(batch.measurements());
        if (earlier != null) {
            me.waiting = null;
            foldOne(earlier);
        }
        if (covered(batch)) {
            foldOne(batch);
        } else {
            me.waiting = batch;
            me.waitingSince = clock.getAsLong();
        }
        // this batch's cycles may be what a sibling's batch waits for
        for (String id : siblings) {
            Member sibling = members.get(id);
            if (sibling != null && sibling.waiting != null && covered(sibling.waiting)) {
                Batch waiting = sibling.waiting;
                sibling.waiting = null;
                foldOne(waiting);
            }
        }
    }

    /** Folds one batch now, once, with what is known of its siblings. */
    private void foldOne(Batch batch) {
        Estimator e = estimator;
        Transport t = transport;
        PairState pair = pairs.computeIfAbsent(batch.pair(), this::resume);
        Optional<CachedTensor> newer = cache.retrieve(batch.pair());
        if (newer.isPresent() && newer.get().update().version() > pair.version) {
            // another optimizer carried the pair on meanwhile (a transport that spreads pairs over nodes
            // moved it away and back): continue from its latest update, not from this node's older state
            pair = resume(batch.pair());
            pairs.put(batch.pair(), pair);
        }
        Long last = pair.folded.get(batch.producer());
        if (last != null && batch.sequence() <= last) {
            ledger.duplicate(batch);
            return;
        }
        Optional<EstimatorSettings> settings = loop.estimatorSettings(batch.pair());
        if (settings.isEmpty()) {
            ledger.failure();
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
        List<Vector3> contributions = contributions(batch, settings.get());
        Estimate estimate;
        try {
            estimate = e.fold(Optional.ofNullable(pair.state), batch, settings.get(), contributions);
        } catch (IllegalArgumentException stateRefused) {
            // state of another estimator or format: start this pair's estimation afresh
            LOG.warn(
                    "Estimator {} refused the state of pair {} ({}); estimating it afresh",
                    estimatorName,
                    batch.pair(),
                    stateRefused.getMessage());
            estimate = e.fold(Optional.empty(), batch, settings.get(), contributions);
        } catch (RuntimeException failed) {
            ledger.failure();
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
        ledger.folded(batch);
        if (estimate.gain().equals(Matrix3.ZERO) || estimate.confidence() == 0) {
            if (runner != null) {
                runner.after(batch, Optional.empty());
            }
            return; // no model yet: nothing for the loop
        }
        pair.version++;
        Member member = members.get(batch.pair());
        if (member != null) {
            member.model = model(e, batch.pair(), estimate.state(), settings.get());
        }
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
        ledger.published();
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
        Member member = members.get(request.pair());
        if (member != null) {
            if (member.waiting != null && estimator != null) {
                Batch waiting = member.waiting;
                member.waiting = null;
                foldOne(waiting); // measured before the reset was asked for
            }
            member.model = null; // the siblings no longer take off what the reset model predicts
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

    /**
     * A pair this optimizer has not seen: resume from the cache's latest update, if any, and from the
     * ledger, which knows every batch folded since the bundle started (also those folded after the latest
     * update, or before any).
     */
    private PairState resume(String pairId) {
        PairState pair = new PairState();
        pair.folded.putAll(ledger.highest(pairId));
        Optional<CachedTensor> cached = cache.retrieve(pairId);
        if (cached.isPresent()) {
            TensorUpdate u = cached.get().update();
            pair.version = u.version();
            u.folded().forEach((producer, sequence) -> pair.folded.merge(producer, sequence, Math::max));
            if (u.state().estimator().equals(estimatorName)) {
                pair.state = u.state();
            }
            LOG.info("Optimizer resumes pair {} from update v{}", pairId, u.version());
        }
        return pair;
    }

    /**
     * Reads which pairs share a parent from the loop, at most every {@link #FAMILY_REFRESH_MILLIS}, and
     * forgets what it kept of pairs no longer configured (their estimation, their settings and model) or
     * no longer with siblings; a batch such a pair had waiting is folded now (a removed pair's is
     * counted as a failure, as any batch of a pair not configured).
     */
    private void readFamilies() {
        long now = clock.getAsLong();
        if (familiesRead && now >= familiesReadAt && now - familiesReadAt < FAMILY_REFRESH_MILLIS) {
            return;
        }
        familiesRead = true;
        familiesReadAt = now;
        Map<String, List<String>> byParent = new HashMap<>();
        for (PairStatus p : loop.pairs()) {
            byParent.computeIfAbsent(p.parent(), k -> new ArrayList<>()).add(p.id());
        }
        siblingsOf.clear();
        for (List<String> family : byParent.values()) {
            if (family.size() > 1) {
                for (String id : family) {
                    List<String> others = new ArrayList<>(family);
                    others.remove(id);
                    siblingsOf.put(id, List.copyOf(others));
                }
            }
        }
        List<Batch> release = new ArrayList<>();
        for (Iterator<Map.Entry<String, Member>> it = members.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Member> m = it.next();
            if (!siblingsOf.containsKey(m.getKey())) {
                if (m.getValue().waiting != null) {
                    release.add(m.getValue().waiting);
                }
                it.remove();
            }
        }
        pairs.keySet().removeIf(id -> loop.estimatorSettings(id).isEmpty());
        for (Batch b : release) {
            foldOne(b);
        }
    }

    /** Folds the batches that waited for their siblings for {@link #MAX_WAIT_MILLIS} or longer. */
    private void foldOverdue() {
        long now = clock.getAsLong();
        for (Member m : members.values()) {
            if (m.waiting != null && now - m.waitingSince >= MAX_WAIT_MILLIS) {
                Batch waiting = m.waiting;
                m.waiting = null;
                foldOne(waiting);
            }
        }
    }

    /** Folds every batch waiting for its siblings: the optimizer stops taking batches. */
    private void foldWaiting() {
        if (estimator == null || transport == null) {
            return;
        }
        for (Member m : members.values()) {
            if (m.waiting != null) {
                Batch waiting = m.waiting;
                m.waiting = null;
                try {
                    foldOne(waiting);
                } catch (RuntimeException e) {
                    LOG.warn(
                            "Could not fold batch {}/{}/{}, which waited for its siblings: {}",
                            waiting.pair(),
                            waiting.producer(),
                            waiting.sequence(),
                            e.toString());
                }
            }
        }
    }

    /** @return a new member for a pair with siblings, with the model of its cached update, if any */
    private Member member(String pairId) {
        Member m = new Member();
        Optional<CachedTensor> cached = cache.retrieve(pairId);
        Optional<EstimatorSettings> settings = loop.estimatorSettings(pairId);
        if (cached.isPresent()
                && settings.isPresent()
                && cached.get().update().state().estimator().equals(estimatorName)) {
            m.model = model(estimator, pairId, cached.get().update().state(), settings.get());
        }
        return m;
    }

    /** @return the response of a pair's state, compiled; null if the estimator gives none */
    private static SiblingModel model(Estimator e, String pairId, EstimatorState state, EstimatorSettings settings) {
        try {
            return e.response(state, settings).map(SiblingModel::new).orElse(null);
        } catch (RuntimeException refused) {
            LOG.warn("No sibling contribution from pair {}: {}", pairId, refused.toString());
            return null;
        }
    }

    /**
     * @return true when every sibling that contributes (it has a model and settings seen here) has
     *     cycles past the batch's last measurement's window
     */
    private boolean covered(Batch batch) {
        Optional<EstimatorSettings> own = loop.estimatorSettings(batch.pair());
        if (own.isEmpty()) {
            return true; // folding will report it
        }
        double half = own.get().cycleSeconds() * 500;
        long time = batch.measurements().get(batch.measurements().size() - 1).timestamp();
        for (String id : siblingsOf.getOrDefault(batch.pair(), List.of())) {
            Member m = members.get(id);
            if (m == null || m.model == null || m.history.size() == 0) {
                continue; // contributes nothing: nothing to wait for
            }
            Optional<EstimatorSettings> settings = loop.estimatorSettings(id);
            if (settings.isPresent()
                    && !SiblingModel.covers(m.history, settings.get().cycleSeconds() * 1000, time, half)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return per measurement of the batch, the sum of its siblings' predicted contributions; empty when
     *     no sibling contributes
     */
    private List<Vector3> contributions(Batch batch, EstimatorSettings own) {
        List<String> siblings = siblingsOf.get(batch.pair());
        if (siblings == null) {
            return List.of();
        }
        List<Measurement> ms = batch.measurements();
        int n = ms.size();
        if (times.length < n) {
            times = new long[n];
            sums = new double[3 * n];
        }
        Arrays.fill(sums, 0, 3 * n, 0);
        for (int k = 0; k < n; k++) {
            times[k] = ms.get(k).timestamp();
        }
        double half = own.cycleSeconds() * 500;
        boolean any = false;
        for (String id : siblings) {
            Member m = members.get(id);
            Optional<EstimatorSettings> settings = loop.estimatorSettings(id);
            if (m != null && m.model != null && m.history.size() > 0 && settings.isPresent()) {
                m.model.addTo(m.history, settings.get().cycleSeconds() * 1000, times, n, half, sums);
                any = true;
            }
        }
        if (!any) {
            return List.of();
        }
        Vector3[] out = new Vector3[n];
        for (int k = 0; k < n; k++) {
            out[k] = new Vector3(sums[3 * k], sums[3 * k + 1], sums[3 * k + 2]);
        }
        return Arrays.asList(out);
    }

    /** @return the pairs whose settings and model this optimizer keeps for their siblings (for tests) */
    synchronized List<String> siblingMembers() {
        return members.keySet().stream().sorted().toList();
    }

    /** @return the batches waiting for their siblings' (for tests) */
    synchronized int waiting() {
        return (int) members.values().stream().filter(m -> m.waiting != null).count();
    }

    /** @return the metrics: the ledger's counts, which carry on over restarts of this component */
    synchronized OptimizerMetrics metrics() {
        return ledger.metrics(estimatorName, subscription != null);
    }
}
