package dev.cascade.network.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.estimation.Estimator;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.estimation.EstimatorState;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.Batch;
import dev.cascade.api.network.NetworkMetrics;
import dev.cascade.api.network.OptimizerMetrics;
import dev.cascade.api.network.TensorReset;
import dev.cascade.api.network.Transport;
import dev.cascade.api.network.TransportState;
import dev.cascade.tensor.internal.RlsEstimator;
import dev.cascade.tensor.internal.Tuning;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network's components wired through their constructors: the collector and batcher, the inproc
 * transport, the optimizer with the real rls estimator, and a cache in memory. The batcher runs when the
 * test calls {@code tick()}, on a clock the test moves.
 */
class NetworkTest {

    private static final EstimatorSettings SETTINGS = new EstimatorSettings(0, 0.995, 0.1);
    private static final Map<String, Object> INPROC = Map.of(Transport.NAME, "inproc");
    private static final Map<String, Object> RLS = Map.of(Estimator.NAME, "rls");

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final Fixtures.MemoryCache cache = new Fixtures.MemoryCache();
    private final InprocTransport inproc = new InprocTransport(Fixtures.config(InprocTransport.Config.class));
    private final RlsEstimator rls = new RlsEstimator(Tuning.DEFAULTS);
    private final Fixtures.Frame frame = new Fixtures.Frame();
    private final SplittableRandom random = new SplittableRandom(7);
    private Network network;
    private Optimizer optimizer;
    private final double[] y = new double[3];
    private final double[] setting = new double[3];

    @AfterEach
    void stop() throws InterruptedException {
        if (network != null) {
            network.deactivate();
        }
        inproc.deactivate();
    }

    private Network network(Object... config) throws Exception {
        Object[] all = new Object[config.length + 4];
        System.arraycopy(config, 0, all, 0, config.length);
        all[config.length] = "spoolDirectory";
        all[config.length + 1] = dir.toString();
        all[config.length + 2] = "retryMillis";
        all[config.length + 3] = 1L;
        network = new Network(Fixtures.config(Network.Config.class, all), Fixtures.node("node-a"), cache, clock::get);
        network.addTransport(inproc, INPROC);
        return network;
    }

    private Optimizer optimizer() {
        optimizer = new Optimizer(
                Fixtures.config(Optimizer.Config.class),
                Fixtures.node("node-a"),
                Fixtures.loop(SETTINGS, "p1"),
                cache,
                clock::get);
        optimizer.addTransport(inproc, INPROC);
        network.setOptimizer(optimizer);
        return optimizer;
    }

    /**
     * Loop cycles on three first-order plants, y_j <- 0.9 y_j + 0.2 u_j with u_j the actuator setting, set
     * at random; the measurement carries the adjustment, the change of the setting.
     */
    private void cycles(int n) {
        for (int i = 0; i < n; i++) {
            frame.timestamp = clock.addAndGet(100);
            for (int j = 0; j < 3; j++) {
                double u = random.nextDouble(-1, 1);
                frame.parent[j] = y[j];
                frame.adjustment[j] = u - setting[j];
                setting[j] = u;
                y[j] = 0.9 * y[j] + 0.1 * 2 * u + random.nextGaussian() * 0.001;
            }
            network.collect(frame);
        }
    }

    @Test
    void batchesAreCutByCountAndByAge() throws Exception {
        network("batchSize", 10, "maxBatchAgeMillis", 1000L);
        List<Batch> seen = new ArrayList<>();
        inproc.subscribeBatches(seen::add);
        cycles(25);
        network.tick();
        assertEquals(
                List.of(10, 10), seen.stream().map(b -> b.measurements().size()).toList());
        clock.addAndGet(500); // the oldest waiting is 0.9 s old
        network.tick();
        assertEquals(2, seen.size());
        clock.addAndGet(100);
        network.tick();
        assertEquals(3, seen.size());
        assertEquals(5, seen.get(2).measurements().size());
        assertEquals(seen.get(0).sequence() + 2, seen.get(2).sequence());
        assertEquals("node-a", seen.get(0).producer());
        NetworkMetrics m = network.metrics();
        assertEquals(25, m.collected());
        assertEquals(3, m.batchesSent());
        assertEquals(TransportState.CONNECTED, m.state());
    }

    @Test
    void theOptimizerFoldsAndTheUpdateReachesTheCacheWithItsLatency() throws Exception {
        network("batchSize", 100);
        optimizer().addEstimator(rls, RLS);
        for (int i = 0; i < 10; i++) {
            cycles(100);
            network.tick();
        }
        Fixtures.await(
                "updates arrive",
                () -> network.metrics().updatesReceived() > 0
                        && network.metrics().updatesReceived()
                                == optimizer.metrics().updatesPublished());
        assertEquals(1000, optimizer.metrics().measurementsFolded());
        var update = cache.retrieve("p1").orElseThrow().update();
        assertEquals(2.0, update.gain().get(0, 0), 0.1, "the plant's gain on axis x from u0");
        assertTrue(network.metrics().latencyLastMillis() >= 0);
        assertTrue(network.metrics().latencyP99Millis() < 1000);
    }

    @Test
    void whileTheOptimizerIsDownBatchesSpoolAndAreFoldedOnceInOrderAfterwards() throws Exception {
        network("batchSize", 50);
        Optimizer o = optimizer(); // no estimator yet: not subscribed, the transport is offline
        cycles(1000);
        network.tick();
        NetworkMetrics down = network.metrics();
        assertEquals(TransportState.OFFLINE, down.state());
        assertEquals(20, down.spoolDepth());
        assertEquals(0, down.batchesSent());

        List<Long> order = new ArrayList<>();
        inproc.subscribeBatches(b -> order.add(b.sequence()));
        o.addEstimator(rls, RLS);
        cycles(120);
        Fixtures.await("the spool drains", () -> {
            network.tick();
            return network.metrics().spoolDepth() == 0;
        });
        for (int i = 1; i < order.size(); i++) {
            assertEquals(order.get(i - 1) + 1, order.get(i), "re-sent in order, then the fresh ones");
        }
        OptimizerMetrics m = o.metrics();
        // 1120 measurements: 22 full batches, and the last 20 cut by age (2 s old by then)
        assertEquals(23, m.batchesFolded());
        assertEquals(1120, m.measurementsFolded(), "everything collected, each folded once");
        assertEquals(0, m.duplicates());
        assertEquals(0, network.metrics().overwritten());
    }

    @Test
    void aBatchSeenTwiceIsFoldedOnceAlsoAfterTheOptimizerRestarts() throws Exception {
        network("batchSize", 100);
        Optimizer first = optimizer();
        first.addEstimator(rls, RLS);
        List<Batch> sent = new ArrayList<>();
        inproc.subscribeBatches(sent::add);
        for (int i = 0; i < 5; i++) {
            cycles(100);
            network.tick();
        }
        Fixtures.await("all folded", () -> first.metrics().batchesFolded() == 5);
        first.fold(sent.get(4));
        first.fold(sent.get(1));
        assertEquals(2, first.metrics().duplicates());
        assertEquals(500, first.metrics().measurementsFolded());

        Fixtures.await("the last update is cached", () -> cache.retrieve("p1")
                .map(c -> c.update().folded().get("node-a") == sent.get(4).sequence())
                .orElse(false));
        first.deactivate();
        Optimizer second = optimizer();
        second.addEstimator(rls, RLS);
        second.fold(sent.get(4)); // re-sent after the restart: the cached update says it is folded
        assertEquals(1, second.metrics().duplicates());
        assertEquals(0, second.metrics().batchesFolded());
    }

    @Test
    void aResetTravelsThroughTheOptimizerAndEstimationStartsOver() throws Exception {
        network("batchSize", 100);
        optimizer().addEstimator(rls, RLS);
        List<Batch> sent = new ArrayList<>();
        inproc.subscribeBatches(sent::add);
        for (int i = 0; i < 5; i++) {
            cycles(100);
            network.tick();
        }
        Fixtures.await("updates of the first estimation arrive", () -> cache.retrieve("p1")
                .map(c -> c.update().folded().get("node-a")
                        == sent.get(sent.size() - 1).sequence())
                .orElse(false));
        long before = cache.retrieve("p1").orElseThrow().update().version();

        TensorReset reset = network.reset("p1").toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(before + 1, reset.version(), "above every update published before");
        assertEquals("node-a", reset.source());
        assertTrue(cache.retrieve("p1").isEmpty(), "the cache dropped the tensor");
        assertEquals(List.of(reset), cache.resets);

        int after = sent.size();
        for (int i = 0; i < 5; i++) {
            cycles(100);
            network.tick();
        }
        Fixtures.await("updates of the new estimation arrive", () -> cache.retrieve("p1")
                .map(c -> c.update().folded().get("node-a")
                        == sent.get(sent.size() - 1).sequence())
                .orElse(false));
        TensorUpdate fresh = cache.retrieve("p1").orElseThrow().update();
        assertTrue(fresh.version() > reset.version());
        // the estimator forgot: its state is what folding only the batches since the reset gives
        Optional<EstimatorState> expected = Optional.empty();
        for (Batch b : sent.subList(after, sent.size())) {
            expected = Optional.of(rls.fold(expected, b, SETTINGS, List.of()).state());
        }
        assertEquals(expected.orElseThrow(), fresh.state());
        assertEquals(1000, optimizer.metrics().measurementsFolded(), "no batch folded twice");
    }

    @Test
    void aResetOfAnUnknownPairOrWithoutAnOptimizerFailsWithTheReason() throws Exception {
        network();
        ExecutionException e = assertThrows(
                ExecutionException.class,
                () -> network.reset("p1").toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(
                "pair p1 was not reset: no optimizer is subscribed",
                e.getCause().getMessage());
        optimizer().addEstimator(rls, RLS);
        e = assertThrows(
                ExecutionException.class,
                () -> network.reset("nope").toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(
                e.getCause().getMessage().contains("no pair 'nope'"),
                e.getCause().getMessage());
        assertTrue(cache.resets.isEmpty());
    }

    @Test
    void badConfigurationNamesFieldValueAndRule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> network("ringCapacity", 1000));
        assertEquals(
                "dev.cascade.network: ringCapacity = 1000 is not valid; use a power of two from 16 to 1048576",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> network("batchSize", 0));
        assertTrue(e.getMessage().contains("batchSize = 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> network("transport", "in proc"));
        assertTrue(e.getMessage().contains("transport = 'in proc'"), e.getMessage());
        network = null;
    }

    @Test
    void theInprocTransportIsOfflineWithoutAnOptimizer() throws Exception {
        network();
        assertEquals(TransportState.OFFLINE, inproc.state());
        assertTrue(inproc.send(SpoolTest.batch(1)).toCompletableFuture().isCompletedExceptionally());
    }
}
