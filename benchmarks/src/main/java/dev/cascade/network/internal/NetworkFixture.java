package dev.cascade.network.internal;

// The network benchmarks live in the network bundle's private package, dev.cascade.network.internal,
// because Network, Optimizer and InprocTransport take package-private configuration types. A split package
// is harmless here: JMH runs on one flat class path, not in OSGi, and this module is never deployed.

import dev.cascade.api.Node;
import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.MeasurementCollector;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.estimation.Estimator;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.CachedTensor;
import dev.cascade.api.network.TensorCache;
import dev.cascade.api.network.Transport;
import dev.cascade.api.tensor.Vector3;
import dev.cascade.tensor.internal.RlsEstimator;
import dev.cascade.tensor.internal.Tuning;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** The network's real components wired through their constructors, as the benchmarks use them. */
public final class NetworkFixture {

    /** The estimator settings of every benchmark pair: 10 Hz, no dead time. */
    static final EstimatorSettings SETTINGS = new EstimatorSettings(0, 0.995, 0.1);

    final Network network;
    final Optimizer optimizer;
    final Transport transport;
    final LatestCache cache = new LatestCache();

    /**
     * @param batchSize measurements per batch
     * @param clock the batcher's clock
     * @param batcherThread whether the network runs its own batcher thread (as in the distribution), or
     *     only when the caller calls {@link #tick()}
     * @param inproc the inproc transport (its own threads fold and publish), or else one that folds and
     *     publishes on the sending thread, to measure the whole path on one core
     */
    public NetworkFixture(int batchSize, LongSupplier clock, boolean batcherThread, boolean inproc) throws IOException {
        Network.Config config = config(
                Network.Config.class,
                "batchSize",
                batchSize,
                "ringCapacity",
                1 << 16,
                "spoolDirectory",
                Files.createTempDirectory("cascade-bench-spool").toString());
        Node node = node();
        network = batcherThread ? new Network(config, node, cache) : new Network(config, node, cache, clock);
        transport = inproc
                ? new InprocTransport(config(InprocTransport.Config.class, "queueCapacity", 100_000))
                : new Direct();
        Map<String, Object> name = Map.of(Transport.NAME, "inproc");
        network.addTransport(transport, name);
        optimizer = new Optimizer(config(Optimizer.Config.class), node, loop(), cache, clock);
        optimizer.addTransport(transport, name);
        optimizer.addEstimator(new RlsEstimator(Tuning.DEFAULTS), Map.of(Estimator.NAME, "rls"));
        network.setOptimizer(optimizer);
    }

    /** @return the loop's side of the network */
    public MeasurementCollector collector() {
        return network;
    }

    /** Cuts and sends what is due, on the caller's thread. */
    public void tick() {
        network.tick();
    }

    /** @return measurements the optimizer has folded */
    public long folded() {
        return optimizer.metrics().measurementsFolded();
    }

    /** @return updates the optimizer has published */
    public long published() {
        return optimizer.metrics().updatesPublished();
    }

    /** @return the newest version the cache handed to its listeners for {@code pair}, 0 if none */
    public long version(String pair) {
        TensorUpdate u = cache.latest.get(pair);
        return u == null ? 0 : u.version();
    }

    public void close() throws InterruptedException {
        network.deactivate();
        optimizer.deactivate();
        if (transport instanceof InprocTransport inproc) {
            inproc.deactivate();
        }
    }

    /** Hands each batch to the optimizer and each update to the network on the sending thread. */
    static final class Direct implements Transport {
        private volatile Consumer<dev.cascade.api.network.Batch> batches;
        private volatile Consumer<TensorUpdate> updates;

        @Override
        public java.util.concurrent.CompletionStage<Void> send(dev.cascade.api.network.Batch batch) {
            Consumer<dev.cascade.api.network.Batch> b = batches;
            if (b == null) {
                return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("no optimizer"));
            }
            b.accept(batch);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> publish(TensorUpdate update) {
            Consumer<TensorUpdate> u = updates;
            if (u != null) {
                u.accept(update);
            }
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        @Override
        public AutoCloseable subscribeBatches(Consumer<dev.cascade.api.network.Batch> receiver) {
            batches = receiver;
            return () -> batches = null;
        }

        @Override
        public AutoCloseable subscribeUpdates(Consumer<TensorUpdate> receiver) {
            updates = receiver;
            return () -> updates = null;
        }

        @Override
        public dev.cascade.api.network.TransportState state() {
            return batches == null
                    ? dev.cascade.api.network.TransportState.OFFLINE
                    : dev.cascade.api.network.TransportState.CONNECTED;
        }
    }

    /** A cache that takes every newer version and tells its listeners, as the real one does once valid. */
    static final class LatestCache implements TensorCache {
        final Map<String, TensorUpdate> latest = new java.util.concurrent.ConcurrentHashMap<>();
        final List<Consumer<CachedTensor>> listeners = new CopyOnWriteArrayList<>();

        @Override
        public Optional<String> validate(TensorUpdate update) {
            TensorUpdate have = latest.get(update.pair());
            return have != null && have.version() >= update.version() ? Optional.of("old") : Optional.empty();
        }

        @Override
        public boolean store(TensorUpdate update) {
            if (validate(update).isPresent()) {
                return false;
            }
            latest.put(update.pair(), update);
            CachedTensor cached = new CachedTensor(update, update.created(), update.confidence(), update.created(), 1);
            listeners.forEach(l -> l.accept(cached));
            return true;
        }

        @Override
        public Optional<CachedTensor> retrieve(String pair) {
            return Optional.empty(); // a fresh optimizer starts every pair afresh
        }

        @Override
        public List<CachedTensor> all() {
            return List.of();
        }

        @Override
        public long rejected() {
            return 0;
        }

        @Override
        public AutoCloseable subscribe(Consumer<CachedTensor> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }
    }

    private static ControlLoop loop() {
        return new ControlLoop() {
            @Override
            public List<PairStatus> pairs() {
                return List.of();
            }

            @Override
            public Optional<PairStatus> pair(String id) {
                return Optional.empty();
            }

            @Override
            public void setpoint(String id, Vector3 setpoint) {}

            @Override
            public Optional<dev.cascade.api.tensor.Matrix3> tensor(String id) {
                return Optional.empty();
            }

            @Override
            public Optional<EstimatorSettings> estimatorSettings(String id) {
                return Optional.of(SETTINGS);
            }
        };
    }

    private static Node node() {
        return new Node() {
            @Override
            public String id() {
                return "bench";
            }

            @Override
            public String version() {
                return "bench";
            }

            @Override
            public Instant startedAt() {
                return Instant.EPOCH;
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <A> A config(Class<A> type, Object... keyValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            if (m.getName().equals("annotationType")) {
                return type;
            }
            return values.getOrDefault(m.getName(), m.getDefaultValue());
        });
    }
}
