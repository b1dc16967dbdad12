package dev.cascade.network.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cascade.api.estimation.Estimator;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.network.Batch;
import dev.cascade.api.network.Transport;
import dev.cascade.tensor.internal.RlsEstimator;
import dev.cascade.tensor.internal.Tuning;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pair's estimation moving between optimizers on different nodes, as a transport that spreads pairs
 * (Kafka's consumer group) moves it: each new owner continues from the latest update, including an owner
 * that had the pair before and still holds its older state.
 */
class OptimizerHandOverTest {

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
    private final SplittableRandom random = new SplittableRandom(11);
    private final double[] y = new double[3];
    private final double[] setting = new double[3];
    private Network network;

    @AfterEach
    void stop() throws InterruptedException {
        network.deactivate();
        inproc.deactivate();
    }

    private Optimizer optimizer(String node) {
        Optimizer o = new Optimizer(
                Fixtures.config(Optimizer.Config.class),
                Fixtures.node(node),
                Fixtures.loop(SETTINGS, "p1"),
                cache,
                clock::get);
        o.addTransport(inproc, INPROC);
        o.addEstimator(rls, RLS);
        return o;
    }

    private void awaitVersion(long version) throws InterruptedException {
        Fixtures.await("the cache holds v" + version, () -> cache.retrieve("p1")
                .map(c -> c.update().version() == version)
                .orElse(false));
    }

    @Test
    void eachOwnerContinuesFromTheLatestUpdateAlsoWhenThePairComesBack() throws Exception {
        network = new Network(
                Fixtures.config(Network.Config.class, "spoolDirectory", dir.toString(), "batchSize", 100),
                Fixtures.node("ctl"),
                cache,
                clock::get);
        network.addTransport(inproc, INPROC);
        List<Batch> sent = new ArrayList<>();
        inproc.subscribeBatches(sent::add);
        for (int i = 0; i < 9; i++) {
            for (int k = 0; k < 100; k++) {
                frame.timestamp = clock.addAndGet(100);
                for (int j = 0; j < 3; j++) {
                    double u = random.nextDouble(-1, 1);
                    frame.parent[j] = y[j];
                    frame.adjustment[j] = u - setting[j];
                    setting[j] = u;
                    y[j] = 0.9 * y[j] + 0.2 * u + random.nextGaussian() * 0.001;
                }
                network.collect(frame);
            }
            network.tick();
        }
        Fixtures.await("nine batches cut", () -> sent.size() == 9);

        // the optimizers are handed batches the way a consumer group would: not through the subscription
        Optimizer a = optimizer("opt-a");
        Optimizer b = optimizer("opt-b");
        for (int i = 0; i < 3; i++) {
            a.fold(sent.get(i));
        }
        Fixtures.await("opt-a's updates are cached", () -> cache.retrieve("p1")
                .map(c -> c.update().version() == a.metrics().updatesPublished())
                .orElse(false));
        long afterA = cache.retrieve("p1").orElseThrow().update().version();

        // the partition moves to opt-b: it resumes from opt-a's latest update; a re-read batch is a duplicate
        b.fold(sent.get(2));
        b.fold(sent.get(3));
        b.fold(sent.get(4));
        assertEquals(1, b.metrics().duplicates());
        awaitVersion(afterA + 2);
        assertEquals("opt-b", cache.retrieve("p1").orElseThrow().update().source());

        // and back to opt-a, which still holds its older state: it continues from opt-b's update
        a.fold(sent.get(4)); // re-read: folded by opt-b already
        a.fold(sent.get(5));
        assertEquals(1, a.metrics().duplicates());
        awaitVersion(afterA + 3);
        var latest = cache.retrieve("p1").orElseThrow().update();
        assertEquals("opt-a", latest.source());
        assertEquals(sent.get(5).sequence(), latest.folded().get("ctl"));
        assertEquals(
                sent.subList(0, 6).stream()
                        .mapToInt(x -> x.measurements().size())
                        .sum(),
                a.metrics().measurementsFolded() + b.metrics().measurementsFolded(),
                "every batch folded once over both optimizers");
    }
}
