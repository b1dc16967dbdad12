package dev.cascade.network.internal;

import dev.cascade.api.Node;
import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.MeasurementView;
import dev.cascade.api.control.PairState;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.CachedTensor;
import dev.cascade.api.network.TensorCache;
import dev.cascade.api.network.TensorReset;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Test doubles and helpers for the network's tests. */
final class Fixtures {

    private Fixtures() {}

    /** Builds a component configuration as SCR does: the annotation's defaults, some values replaced. */
    @SuppressWarnings("unchecked")
    static <A> A config(Class<A> type, Object... keyValues) {
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

    static Node node(String id) {
        return new Node() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String version() {
                return "test";
            }

            @Override
            public Instant startedAt() {
                return Instant.EPOCH;
            }
        };
    }

    /** A loop that knows one set of estimator settings for every pair in {@code pairs}, each with its own parent. */
    static ControlLoop loop(EstimatorSettings settings, String... pairs) {
        Loop loop = new Loop();
        for (String id : pairs) {
            loop.pair(id, "parent-" + id, settings);
        }
        return loop;
    }

    /** A loop whose pairs, parents and estimator settings a test sets; pairs with the same parent are siblings. */
    static final class Loop implements ControlLoop {
        final Map<String, String> parents = new TreeMap<>();
        final Map<String, EstimatorSettings> settings = new TreeMap<>();

        void pair(String id, String parent, EstimatorSettings s) {
            parents.put(id, parent);
            settings.put(id, s);
        }

        void remove(String id) {
            parents.remove(id);
            settings.remove(id);
        }

        @Override
        public List<PairStatus> pairs() {
            List<PairStatus> out = new ArrayList<>();
            parents.forEach((id, parent) -> out.add(new PairStatus(
                    id,
                    parent,
                    "child-" + id,
                    PairState.RUNNING,
                    "",
                    Vector3.ZERO,
                    Vector3.ZERO,
                    0,
                    0,
                    0,
                    0,
                    0,
                    Vector3.ZERO,
                    0)));
            return out;
        }

        @Override
        public Optional<PairStatus> pair(String id) {
            return pairs().stream().filter(p -> p.id().equals(id)).findFirst();
        }

        @Override
        public void setpoint(String id, Vector3 setpoint) {}

        @Override
        public Optional<Matrix3> tensor(String id) {
            return Optional.empty();
        }

        @Override
        public Optional<EstimatorSettings> estimatorSettings(String id) {
            return Optional.ofNullable(settings.get(id));
        }
    }

    /** A cache in memory that takes every newer version. */
    static final class MemoryCache implements TensorCache {
        final Map<String, TensorUpdate> updates = new TreeMap<>();
        final List<Consumer<CachedTensor>> listeners = new CopyOnWriteArrayList<>();

        @Override
        public synchronized Optional<String> validate(TensorUpdate update) {
            TensorUpdate have = updates.get(update.pair());
            long reset = resets.stream()
                    .filter(r -> r.pair().equals(update.pair()))
                    .mapToLong(TensorReset::version)
                    .max()
                    .orElse(0);
            return (have != null && have.version() >= update.version()) || update.version() <= reset
                    ? Optional.of("old")
                    : Optional.empty();
        }

        @Override
        public boolean store(TensorUpdate update) {
            synchronized (this) {
                if (validate(update).isPresent()) {
                    return false;
                }
                updates.put(update.pair(), update);
            }
            listeners.forEach(l -> l.accept(cached(update)));
            return true;
        }

        @Override
        public synchronized Optional<CachedTensor> retrieve(String pair) {
            return Optional.ofNullable(updates.get(pair)).map(MemoryCache::cached);
        }

        @Override
        public synchronized List<CachedTensor> all() {
            return new ArrayList<>(
                    updates.values().stream().map(MemoryCache::cached).toList());
        }

        @Override
        public long rejected() {
            return 0;
        }

        final List<TensorReset> resets = new CopyOnWriteArrayList<>();

        /** Drops the tensor and refuses updates up to the reset's version. */
        @Override
        public synchronized boolean reset(TensorReset reset) {
            updates.remove(reset.pair());
            resets.add(reset);
            return true;
        }

        @Override
        public AutoCloseable subscribe(Consumer<CachedTensor> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        private static CachedTensor cached(TensorUpdate u) {
            return new CachedTensor(u, u.created(), u.confidence(), u.created(), 3_600_000);
        }
    }

    /** A reusable measurement frame, as the loop hands it over. */
    static final class Frame implements MeasurementView {
        String pair = "p1";
        long timestamp;
        final double[] parent = new double[3];
        final double[] error = new double[3];
        final double[] adjustment = new double[3];

        @Override
        public String pair() {
            return pair;
        }

        @Override
        public long timestamp() {
            return timestamp;
        }

        @Override
        public double parent(int axis) {
            return parent[axis];
        }

        @Override
        public double error(int axis) {
            return error[axis];
        }

        @Override
        public double adjustment(int axis) {
            return adjustment[axis];
        }

        @Override
        public Quality quality() {
            return Quality.GOOD;
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not true within 10 s: " + what);
            }
            Thread.sleep(5);
        }
    }
}
