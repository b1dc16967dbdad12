package dev.cascade.network.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.estimation.Estimate;
import dev.cascade.api.estimation.Estimator;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.estimation.EstimatorState;
import dev.cascade.api.estimation.InputResponse;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.Batch;
import dev.cascade.api.network.Transport;
import dev.cascade.api.network.TransportState;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import dev.cascade.tensor.internal.ProcessEstimator;
import dev.cascade.tensor.internal.ProcessTuning;
import dev.cascade.tensor.internal.RlsEstimator;
import dev.cascade.tensor.internal.Tuning;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Two children acting on one parent with correlated adjustments: the optimizer hands each pair's fold
 * its sibling's predicted contribution, so each pair learns its own gain, not its own plus a share of
 * its sibling's. The optimizer is wired through its constructor, batches are handed to {@link
 * Optimizer#fold} as the transport would, on a test clock.
 */
class OptimizerSiblingsTest {

    private static final Map<String, Object> RLS = Map.of(Estimator.NAME, "rls");
    private static final Map<String, Object> TEST = Map.of(Transport.NAME, "inproc");

    /** The parent's own dynamics per cycle, shared: {@code y(k+1) = y(k) + A·y(k) + B1·u1(k) + B2·u2(k-1)}. */
    private static final double[] A = {-0.10, 0.02, 0, 0, -0.15, 0.01, 0.02, 0, -0.20};

    private static final Matrix3 G1 = Matrix3.ofRowMajor(1.0, 0.3, 0, 0.2, 0.8, 0.1, 0, 0.2, 1.2);
    private static final Matrix3 G2 = Matrix3.ofRowMajor(0.6, 0, 0.2, 0, 0.9, 0, 0.3, 0, 0.7);
    private static final EstimatorSettings S1 = new EstimatorSettings(0, 0.995, 0.1);
    private static final EstimatorSettings S2 = new EstimatorSettings(1, 0.995, 0.1);

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final Fixtures.MemoryCache cache = new Fixtures.MemoryCache();
    private final Fixtures.Loop loop = new Fixtures.Loop();
    private final Publishing transport = new Publishing(cache);

    /** A transport that publishes straight into the cache. */
    static final class Publishing implements Transport {
        private final Fixtures.MemoryCache cache;
        final List<TensorUpdate> published = new CopyOnWriteArrayList<>();

        Publishing(Fixtures.MemoryCache cache) {
            this.cache = cache;
        }

        @Override
        public CompletionStage<Void> send(Batch batch) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("not in this test"));
        }

        @Override
        public CompletionStage<Void> publish(TensorUpdate update) {
            published.add(update);
            cache.store(update);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public AutoCloseable subscribeBatches(Consumer<Batch> receiver) {
            return () -> {};
        }

        @Override
        public AutoCloseable subscribeUpdates(Consumer<TensorUpdate> receiver) {
            return () -> {};
        }

        @Override
        public TransportState state() {
            return TransportState.CONNECTED;
        }
    }

    private Optimizer optimizer(Estimator estimator) {
        Optimizer o =
                new Optimizer(Fixtures.config(Optimizer.Config.class), Fixtures.node("opt"), loop, cache, clock::get);
        o.addTransport(transport, TEST);
        o.addEstimator(estimator, RLS);
        return o;
    }

    /**
     * The plant: a parent driven by two children whose settings change together every 4 cycles
     * (correlation 0.8 per axis), noise 0.01; pair 1 acts at once, pair 2 one cycle later; pair 2's parent
     * readings are stamped 3 ms after pair 1's.
     */
    static final class Plant {
        private final SplittableRandom random;
        private final double[] y = new double[3];
        private final double[] u1 = new double[3];
        private final double[] u2 = new double[3];
        private final double[] u2Before = new double[3];
        private final double[] b1;
        private final double[] b2;
        long time;
        long sequence = 1000;
        int cycle;

        Plant(long seed, long start) {
            random = new SplittableRandom(seed);
            time = start;
            b1 = input(G1);
            b2 = input(G2);
        }

        /** {@code B = -A·G}, so that the steady state gain is {@code G}. */
        private static double[] input(Matrix3 g) {
            double[] b = new double[9];
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    for (int m = 0; m < 3; m++) {
                        sum += A[3 * r + m] * g.get(m, c);
                    }
                    b[3 * r + c] = -sum;
                }
            }
            return b;
        }

        /** Runs {@code n} cycles; returns the two pairs' batches. */
        List<Batch> run(int n) {
            List<Measurement> one = new ArrayList<>();
            List<Measurement> two = new ArrayList<>();
            for (int k = 0; k < n; k++, cycle++) {
                double[] a1 = new double[3];
                double[] a2 = new double[3];
                if (cycle % 4 == 0) {
                    for (int i = 0; i < 3; i++) {
                        double common = random.nextGaussian();
                        double next1 = common;
                        double next2 = 0.8 * common + 0.6 * random.nextGaussian();
                        a1[i] = next1 - u1[i];
                        a2[i] = next2 - u2[i];
                    }
                }
                Vector3 parent = new Vector3(y[0], y[1], y[2]);
                one.add(new Measurement(
                        "p1", time, parent, Vector3.ZERO, new Vector3(a1[0], a1[1], a1[2]), Quality.GOOD));
                two.add(new Measurement(
                        "p2", time + 3, parent, Vector3.ZERO, new Vector3(a2[0], a2[1], a2[2]), Quality.GOOD));
                System.arraycopy(u2, 0, u2Before, 0, 3);
                for (int i = 0; i < 3; i++) {
                    u1[i] += a1[i];
                    u2[i] += a2[i];
                }
                double[] next = new double[3];
                for (int r = 0; r < 3; r++) {
                    double d = 0;
                    for (int m = 0; m < 3; m++) {
                        d += A[3 * r + m] * y[m] + b1[3 * r + m] * u1[m] + b2[3 * r + m] * u2Before[m];
                    }
                    next[r] = y[r] + d + 0.01 * random.nextGaussian();
                }
                System.arraycopy(next, 0, y, 0, 3);
                time += 100;
            }
            sequence++;
            return List.of(new Batch("p1", "ctl", sequence, one, time), new Batch("p2", "ctl", sequence, two, time));
        }
    }

    private static double relativeError(Matrix3 estimate, Matrix3 truth) {
        double num = 0;
        double den = 0;
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                double d = estimate.get(r, c) - truth.get(r, c);
                num += d * d;
                den += truth.get(r, c) * truth.get(r, c);
            }
        }
        return Math.sqrt(num / den);
    }

    private Matrix3 latestGain(String pair) {
        return cache.retrieve(pair).orElseThrow().update().gain();
    }

    /** Runs the two pairs for 100 batches of 100 cycles, batches handed over pair 1 first. */
    private double[] learn(String parent1, String parent2) {
        loop.pair("p1", parent1, S1);
        loop.pair("p2", parent2, S2);
        Optimizer o = optimizer(new RlsEstimator(Tuning.DEFAULTS));
        Plant plant = new Plant(5, clock.get());
        int waited = 0;
        for (int round = 0; round < 100; round++) {
            for (Batch b : plant.run(100)) {
                clock.set(b.cut());
                o.fold(b);
                waited += o.waiting();
            }
        }
        if (parent1.equals(parent2)) {
            // pair 1's batch comes first, so it waits for pair 2's of the same time, once pair 2 has a model
            assertTrue(waited > 90, "pair 1's batches waited for pair 2's: " + waited);
        } else {
            assertEquals(0, waited, "no siblings, nothing waits");
        }
        o.deactivate();
        assertEquals(0, o.waiting(), "nothing waits once the optimizer stopped");
        assertEquals(20_000, o.metrics().measurementsFolded(), "every measurement folded once");
        return new double[] {relativeError(latestGain("p1"), G1), relativeError(latestGain("p2"), G2)};
    }

    @Test
    void eachSiblingLearnsItsOwnGainWhenTheOtherIsTakenOff() {
        double[] with = learn("hall", "hall");
        System.out.printf("siblings taken off: G1 %.1f %% off, G2 %.1f %% off%n", 100 * with[0], 100 * with[1]);
        assertTrue(with[0] < 0.05, "G1 within 5 %, was " + with[0]);
        assertTrue(with[1] < 0.05, "G2 within 5 %, was " + with[1]);
    }

    @Test
    void ignoringTheSiblingBiasesBothGains() {
        double[] with = learn("hall", "hall");
        cache.updates.clear();
        transport.published.clear();
        double[] without = learn("hall-a", "hall-b"); // the same data, the pairs not known as siblings
        System.out.printf(
                "siblings taken off: %.1f %% / %.1f %%; ignored: %.1f %% / %.1f %%%n",
                100 * with[0], 100 * with[1], 100 * without[0], 100 * without[1]);
        assertTrue(
                without[0] > 0.15 && without[1] > 0.15, "ignored, both are far off: " + without[0] + ", " + without[1]);
        assertTrue(without[0] > 4 * with[0], "pair 1: " + without[0] + " vs " + with[0]);
        assertTrue(without[1] > 4 * with[1], "pair 2: " + without[1] + " vs " + with[1]);
    }

    /** Folds with the real rls estimator and records the contributions each fold was given. */
    static final class Recording implements Estimator {
        final RlsEstimator rls = new RlsEstimator(Tuning.DEFAULTS);
        final Map<String, List<List<Vector3>>> given = new TreeMap<>();

        @Override
        public Estimate fold(
                Optional<EstimatorState> previous, Batch batch, EstimatorSettings settings, List<Vector3> siblings) {
            given.computeIfAbsent(batch.pair(), k -> new ArrayList<>()).add(siblings);
            return rls.fold(previous, batch, settings, siblings);
        }

        @Override
        public Optional<InputResponse> response(EstimatorState state, EstimatorSettings settings) {
            return rls.response(state, settings);
        }

        long nonEmpty(String pair) {
            return given.getOrDefault(pair, List.of()).stream()
                    .filter(l -> !l.isEmpty())
                    .count();
        }
    }

    @Test
    void aSiblingWithoutAnEstimateContributesNothingAndIsNotWaitedFor() {
        loop.pair("p1", "hall", S1);
        loop.pair("p2", "hall", S2);
        Recording recording = new Recording();
        Optimizer o = optimizer(recording);
        Plant plant = new Plant(7, clock.get());
        // batches of 5 cycles: the rls models warm up over 20 rows and pair 2's publishes its first estimate
        // after about 500 cycles (pair 1's long before); until then pair 1 is given nothing and never waits
        int rounds = 0;
        while (transport.published.stream().noneMatch(u -> u.pair().equals("p2"))) {
            for (Batch b : plant.run(5)) {
                clock.set(b.cut());
                o.fold(b);
                assertEquals(0, o.waiting(), "nothing to wait for before a sibling has an estimate");
            }
            assertTrue(++rounds < 1000, "pair 2 publishes an estimate within 5000 cycles");
        }
        System.out.println("pair 2 published after " + rounds + " batches; pair 1: "
                + transport.published.stream()
                        .filter(u -> u.pair().equals("p1"))
                        .count() + " updates");
        assertTrue(rounds > 2, "several folds without an estimate: " + rounds);
        int before = recording.given.get("p1").size();
        assertTrue(
                recording.given.get("p1").stream().allMatch(List::isEmpty),
                "pair 1 was given no contributions while pair 2 had no estimate");
        // from pair 2's first estimate on, pair 1's folds are given its contributions
        for (Batch b : plant.run(5)) {
            clock.set(b.cut());
            o.fold(b);
        }
        List<List<Vector3>> p1 = recording.given.get("p1");
        assertTrue(p1.size() > before && !p1.get(p1.size() - 1).isEmpty(), "then pair 1 gets them");
        assertEquals(5, p1.get(p1.size() - 1).size(), "one per measurement");
    }

    @Test
    void aPairWithAnotherParentIsUnaffected() {
        loop.pair("p1", "hall", S1);
        loop.pair("p2", "hall", S2);
        loop.pair("p3", "other", S1);
        Recording recording = new Recording();
        Optimizer o = optimizer(recording);
        Plant plant = new Plant(9, clock.get());
        Plant alone = new Plant(9, clock.get());
        Recording isolated = new Recording();
        Fixtures.Loop soloLoop = new Fixtures.Loop();
        soloLoop.pair("p3", "other", S1);
        Fixtures.MemoryCache soloCache = new Fixtures.MemoryCache();
        Optimizer solo = new Optimizer(
                Fixtures.config(Optimizer.Config.class), Fixtures.node("opt"), soloLoop, soloCache, clock::get);
        solo.addTransport(new Publishing(soloCache), TEST);
        solo.addEstimator(isolated, RLS);
        for (int round = 0; round < 30; round++) {
            List<Batch> both = plant.run(100);
            Batch third = renamed(alone.run(100).get(0), "p3");
            clock.set(third.cut());
            o.fold(both.get(0));
            o.fold(third);
            o.fold(both.get(1));
            solo.fold(third);
        }
        assertTrue(recording.nonEmpty("p1") > 20 && recording.nonEmpty("p2") > 20, "the siblings take each other off");
        assertEquals(0, recording.nonEmpty("p3"), "p3 is given no contributions");
        assertEquals(
                soloCache.retrieve("p3").orElseThrow().update().state(),
                cache.retrieve("p3").orElseThrow().update().state(),
                "p3's estimation is bit for bit what it is alone");
        assertEquals(List.of("p1", "p2"), o.siblingMembers());
    }

    private static Batch renamed(Batch b, String pair) {
        List<Measurement> ms = b.measurements().stream()
                .map(m -> new Measurement(pair, m.timestamp(), m.parent(), m.error(), m.adjustment(), m.quality()))
                .toList();
        return new Batch(pair, b.producer(), b.sequence(), ms, b.cut());
    }

    @Test
    void aRemovedPairIsForgottenAndItsSiblingFoldsWithoutIt() {
        loop.pair("p1", "hall", S1);
        loop.pair("p2", "hall", S2);
        Recording recording = new Recording();
        Optimizer o = optimizer(recording);
        Plant plant = new Plant(11, clock.get());
        for (int round = 0; round < 20; round++) {
            for (Batch b : plant.run(100)) {
                clock.set(b.cut());
                o.fold(b);
            }
        }
        assertEquals(List.of("p1", "p2"), o.siblingMembers());
        // pair 1's batch waits for pair 2's, and then pair 2 is removed
        List<Batch> next = plant.run(100);
        o.fold(next.get(0));
        assertEquals(1, o.waiting());
        long folded = o.metrics().measurementsFolded();
        loop.remove("p2");
        clock.addAndGet(Optimizer.FAMILY_REFRESH_MILLIS);
        int given = recording.given.get("p1").size();
        Batch later = plant.run(100).get(0);
        o.fold(later);
        assertEquals(List.of(), o.siblingMembers(), "nothing kept of p2, nor of p1, which has no sibling left");
        assertEquals(0, o.waiting());
        assertEquals(folded + 200, o.metrics().measurementsFolded(), "the waiting batch and the new one folded");
        List<List<Vector3>> p1 = recording.given.get("p1");
        assertEquals(given + 2, p1.size());
        assertTrue(p1.get(p1.size() - 1).isEmpty(), "p1 folds alone now");
        // a batch of the removed pair is not folded, and leaves nothing behind
        o.fold(next.get(1));
        assertEquals(List.of(), o.siblingMembers());
        assertEquals(1, o.metrics().failures());
    }

    /**
     * A process parent (10 Hz) with two children: every channel of child 1 a first-order lag of 6 s, of
     * child 2 one of 20 s behind a dead time of 1 s; the children's settings jump together every 5 s to new
     * levels (±5 around 0, correlation 0.8 per axis); measurement noise 0.05.
     */
    static final class ProcessParent {
        private final SplittableRandom random;
        private final double[] x1 = new double[9];
        private final double[] x2 = new double[9];
        private final double[] u1 = new double[3];
        private final double[] u2 = new double[3];
        private final List<double[]> history2 = new ArrayList<>();
        long time;
        long sequence = 1000;
        int cycle;

        ProcessParent(long seed, long start) {
            random = new SplittableRandom(seed);
            time = start;
        }

        List<Batch> run(int n) {
            List<Measurement> one = new ArrayList<>();
            List<Measurement> two = new ArrayList<>();
            double a1 = Math.exp(-0.1 / 6);
            double a2 = Math.exp(-0.1 / 20);
            for (int k = 0; k < n; k++, cycle++) {
                double[] y = new double[3];
                for (int j = 0; j < 3; j++) {
                    y[j] = 20
                            + x1[3 * j]
                            + x1[3 * j + 1]
                            + x1[3 * j + 2]
                            + x2[3 * j]
                            + x2[3 * j + 1]
                            + x2[3 * j + 2]
                            + 0.05 * random.nextGaussian();
                }
                double[] d1 = new double[3];
                double[] d2 = new double[3];
                if (cycle % 50 == 0) {
                    for (int i = 0; i < 3; i++) {
                        double common = random.nextGaussian();
                        d1[i] = 5 * common - u1[i];
                        d2[i] = 5 * (0.8 * common + 0.6 * random.nextGaussian()) - u2[i];
                    }
                }
                Vector3 parent = new Vector3(y[0], y[1], y[2]);
                one.add(new Measurement("p1", time, parent, Vector3.ZERO, Vector3.of(d1), Quality.GOOD));
                two.add(new Measurement("p2", time, parent, Vector3.ZERO, Vector3.of(d2), Quality.GOOD));
                for (int i = 0; i < 3; i++) {
                    u1[i] += d1[i];
                    u2[i] += d2[i];
                }
                history2.add(u2.clone());
                double[] delayed = history2.get(Math.max(0, history2.size() - 1 - 10));
                for (int j = 0; j < 3; j++) {
                    for (int i = 0; i < 3; i++) {
                        x1[3 * j + i] = a1 * x1[3 * j + i] + (1 - a1) * G1.get(j, i) * u1[i];
                        x2[3 * j + i] = a2 * x2[3 * j + i] + (1 - a2) * G2.get(j, i) * delayed[i];
                    }
                }
                time += 100;
            }
            sequence++;
            return List.of(new Batch("p1", "ctl", sequence, one, time), new Batch("p2", "ctl", sequence, two, time));
        }
    }

    /** The true response of a child of {@link ProcessParent}, in the process estimator's form. */
    static InputResponse trueResponse(Matrix3 g, double tau, int deadTime) {
        double a = Math.exp(-0.1 / tau);
        double[] gain = g.toRowMajor();
        double[] direct = new double[9];
        double[] mode = new double[9];
        for (int i = 0; i < 9; i++) {
            direct[i] = (1 - a) * gain[i];
            mode[i] = -(1 - a) * gain[i];
        }
        return new InputResponse(
                deadTime, Matrix3.ofRowMajor(direct), List.of(new InputResponse.Mode(a, Matrix3.ofRowMajor(mode))));
    }

    /**
     * Runs {@link ProcessParent} for {@code seconds} with the process estimator (forgetting 0.995 per 1 s
     * row); with {@code truth}, the siblings are given each other's true responses instead of their
     * estimates. @return per 1500 s, the two pairs' relative gain errors then
     */
    private List<double[]> learnProcess(String parent1, String parent2, int seconds, boolean truth) {
        cache.updates.clear();
        loop.pair("p1", parent1, new EstimatorSettings(0, 0.995, 0.1));
        loop.pair("p2", parent2, new EstimatorSettings(10, 0.995, 0.1));
        Optimizer o = new Optimizer(
                Fixtures.config(Optimizer.Config.class, "estimator", "process"),
                Fixtures.node("opt"),
                loop,
                cache,
                clock::get);
        ProcessEstimator process = new ProcessEstimator(ProcessTuning.DEFAULTS);
        Estimator estimator = !truth
                ? process
                : new Estimator() {
                    @Override
                    public Estimate fold(
                            Optional<EstimatorState> previous,
                            Batch batch,
                            EstimatorSettings settings,
                            List<Vector3> siblings) {
                        return process.fold(previous, batch, settings, siblings);
                    }

                    @Override
                    public Optional<InputResponse> response(EstimatorState state, EstimatorSettings settings) {
                        return Optional.of(
                                settings.deadTime() == 0 ? trueResponse(G1, 6, 0) : trueResponse(G2, 20, 10));
                    }
                };
        o.addTransport(transport, TEST);
        o.addEstimator(estimator, Map.of(Estimator.NAME, "process"));
        ProcessParent plant = new ProcessParent(13, clock.get());
        List<double[]> errors = new ArrayList<>();
        for (int round = 1; round <= seconds / 10; round++) {
            for (Batch b : plant.run(100)) {
                clock.set(b.cut());
                o.fold(b);
            }
            if (round % 150 == 0) {
                errors.add(new double[] {relativeError(latestGain("p1"), G1), relativeError(latestGain("p2"), G2)});
            }
        }
        o.deactivate();
        return errors;
    }

    private static String percent(List<double[]> errors) {
        StringBuilder b = new StringBuilder();
        for (double[] e : errors) {
            b.append(String.format(" %.1f/%.1f", 100 * e[0], 100 * e[1]));
        }
        return b.toString();
    }

    /**
     * The process estimator: each pair takes its sibling's modelled level off. The siblings' estimates
     * correct each other, so with correlated adjustments the bias fades over several memories of the
     * estimator (0.995 per row: about 200 s), not at once.
     */
    @Test
    void theProcessEstimatorTakesTheSiblingsLevelOff() {
        List<double[]> with = learnProcess("hall", "hall", 6000, false);
        List<double[]> without = learnProcess("hall-a", "hall-b", 6000, false);
        System.out.println(
                "process, % off per 1500 s, siblings taken off:" + percent(with) + "; ignored:" + percent(without));
        double[] end = with.get(with.size() - 1);
        double[] ignored = without.get(without.size() - 1);
        assertTrue(end[0] < 0.03 && end[1] < 0.03, "within 3 % at 6000 s: " + end[0] + ", " + end[1]);
        assertTrue(ignored[0] > 10 * end[0] && ignored[1] > 10 * end[1], "ignored: " + ignored[0] + ", " + ignored[1]);
    }

    /**
     * The optimizer's part alone (histories, time windows, dead times, waiting): given the siblings' true
     * responses, each pair's process estimate is within 3 % already after 1500 s, correlation 0.8.
     */
    @Test
    void withTheSiblingsTrueResponsesTheProcessEstimatesAreRightAtOnce() {
        List<double[]> truth = learnProcess("hall", "hall", 1500, true);
        System.out.println("process, true sibling responses, % off at 1500 s:" + percent(truth));
        assertTrue(truth.get(0)[0] < 0.03 && truth.get(0)[1] < 0.03, percent(truth));
    }
}
