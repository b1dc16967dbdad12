package dev.cascade.network.internal;

import dev.cascade.api.estimation.Estimator;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.Batch;
import dev.cascade.api.network.TensorCache;
import dev.cascade.api.network.Transport;
import dev.cascade.api.network.TransportState;
import dev.cascade.cache.internal.SimulatedCache;
import dev.cascade.core.internal.SimulatedPair;
import dev.cascade.demo.internal.SimulatedHall;
import dev.cascade.tensor.internal.ProcessEstimator;
import dev.cascade.tensor.internal.ProcessTuning;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The demo pair as the distribution runs it, in simulated time on the test's thread: the demo's hall and
 * cooling unit (stepped directly), the core's pair cycle, the network's ring and batcher, the optimizer with
 * the real process estimator, the real tensor cache, and the engine's tensor swap. Only the transport is a test
 * double: it hands batches to the optimizer and updates back at once, on the same thread, so a run is
 * reproducible (the inproc transport's threads add about a millisecond, nothing at this loop's 100 ms).
 */
final class DemoRun implements AutoCloseable {

    static final long START_MILLIS = 1_700_000_000_000L;

    /** Delivers synchronously: the batcher's send folds the batch, and its update is in use on return. */
    static final class DirectTransport implements Transport {
        private Consumer<Batch> batches;
        private Consumer<TensorUpdate> updates;

        @Override
        public CompletionStage<Void> send(Batch batch) {
            if (batches == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("no optimizer"));
            }
            batches.accept(batch);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> publish(TensorUpdate update) {
            if (updates != null) {
                updates.accept(update);
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public AutoCloseable subscribeBatches(Consumer<Batch> receiver) {
            batches = receiver;
            return () -> batches = null;
        }

        @Override
        public AutoCloseable subscribeUpdates(Consumer<TensorUpdate> receiver) {
            updates = receiver;
            return () -> updates = null;
        }

        @Override
        public TransportState state() {
            return batches == null ? TransportState.OFFLINE : TransportState.CONNECTED;
        }
    }

    final AtomicLong millis = new AtomicLong(START_MILLIS);
    private long nanos = 1_000_000_000L;
    private final long periodMillis;
    final SimulatedHall hall;
    final SimulatedPair pair;
    final TensorCache cache;
    final Network network;
    final Optimizer optimizer;

    DemoRun(Map<String, String> pairConfig, long seed, Path dir) throws Exception {
        hall = new SimulatedHall(seed, millis::get);
        pair = new SimulatedPair(pairConfig, hall.hall(), hall.unit());
        periodMillis = Math.round(pair.estimatorSettings().cycleSeconds() * 1000);
        cache = SimulatedCache.create(dir.resolve("cache"), millis::get);
        cache.subscribe(c -> pair.offer(c, millis.get()));
        DirectTransport transport = new DirectTransport();
        Map<String, Object> direct = Map.of(Transport.NAME, "inproc");
        network = new Network(
                Fixtures.config(
                        Network.Config.class,
                        "spoolDirectory",
                        dir.resolve("spool").toString()),
                Fixtures.node("node-a"),
                cache,
                millis::get);
        network.addTransport(transport, direct);
        optimizer = new Optimizer(
                Fixtures.config(Optimizer.Config.class, "estimator", ProcessEstimator.NAME),
                Fixtures.node("node-a"),
                Fixtures.loop(pair.estimatorSettings(), pair.id()),
                cache,
                millis::get);
        optimizer.addTransport(transport, direct);
        optimizer.addEstimator(
                new ProcessEstimator(ProcessTuning.DEFAULTS), Map.of(Estimator.NAME, ProcessEstimator.NAME));
        network.setOptimizer(optimizer);
    }

    /** One loop cycle, the plant's steps until the next, and the batcher's tick. */
    void cycle() {
        pair.cycle(nanos, millis.get(), network);
        nanos += periodMillis * 1_000_000L;
        hall.advance(millis.addAndGet(periodMillis), periodMillis);
        network.tick();
    }

    /** @return simulated seconds since the start */
    double seconds() {
        return (millis.get() - START_MILLIS) / 1000.0;
    }

    /** @return the relative (Frobenius) distance of the latest estimated gain from the plant's true gain */
    double gainError() {
        return cache.retrieve(pair.id())
                .map(c -> {
                    double[] estimated = c.update().gain().toRowMajor();
                    double[] truth = hall.gain();
                    double diff = 0, norm = 0;
                    for (int i = 0; i < 9; i++) {
                        diff += (estimated[i] - truth[i]) * (estimated[i] - truth[i]);
                        norm += truth[i] * truth[i];
                    }
                    return Math.sqrt(diff / norm);
                })
                .orElse(Double.NaN);
    }

    @Override
    public void close() {
        try {
            network.deactivate();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        optimizer.deactivate();
    }
}
