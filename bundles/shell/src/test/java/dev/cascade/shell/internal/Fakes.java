package dev.cascade.shell.internal;

import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.PairState;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.estimation.EstimatorState;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.CachedTensor;
import dev.cascade.api.network.TensorCache;
import dev.cascade.api.network.TensorReset;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/** Services the commands call, in memory, and a way to capture what a command prints. */
final class Fakes {

    static final Matrix3 INITIAL = new Matrix3(17.9, 0.43, 4.7, -13.2, -0.98, -1.36, -5.66, 3.63, -0.81);
    static final Matrix3 ESTIMATED = new Matrix3(2, 0.5, 0, 0.3, 1, 0.2, 0, 0.4, 1.5);
    static final Matrix3 GAIN = new Matrix3(0.5, 0, 0, 0, 1, 0, 0, 0, 0.7);

    private Fakes() {}

    static PairStatus status(String id, Vector3 setpoint, long version) {
        return new PairStatus(
                id,
                "hall-1",
                "crah-1",
                PairState.RUNNING,
                "",
                setpoint,
                new Vector3(3, 4, 0),
                0.9,
                version,
                1234,
                1,
                2.5,
                new Vector3(1, -2, 0.5),
                12.5);
    }

    /** A loop of pairs in memory; a setpoint change shows at once, as it would once Config Admin delivered it. */
    static class Loop implements ControlLoop {
        final Map<String, PairStatus> pairs = new TreeMap<>();
        final Map<String, Matrix3> tensors = new TreeMap<>();
        final List<String> calls = new ArrayList<>();

        Loop with(PairStatus p, Matrix3 tensor) {
            pairs.put(p.id(), p);
            tensors.put(p.id(), tensor);
            return this;
        }

        @Override
        public List<PairStatus> pairs() {
            return List.copyOf(pairs.values());
        }

        @Override
        public Optional<PairStatus> pair(String id) {
            return Optional.ofNullable(pairs.get(id));
        }

        @Override
        public void setpoint(String id, Vector3 setpoint) {
            calls.add("setpoint " + id + " " + setpoint);
            PairStatus p = pairs.get(id);
            if (p == null) {
                throw new IllegalArgumentException("no pair '" + id + "'; cascade:pairs lists them");
            }
            pairs.put(id, status(id, setpoint, p.tensorVersion()));
        }

        @Override
        public Optional<Matrix3> tensor(String id) {
            return Optional.ofNullable(tensors.get(id));
        }

        @Override
        public Optional<EstimatorSettings> estimatorSettings(String id) {
            return Optional.empty();
        }
    }

    static TensorUpdate update(String pair, long version, long created) {
        return new TensorUpdate(
                pair,
                version,
                ESTIMATED,
                GAIN,
                0.8,
                new Vector3(3, 10, 30),
                new EstimatorState("rls", 1, new byte[0]),
                Map.of("node-a", 3L),
                "node-a",
                created);
    }

    /** A cache of fixed tensors; a reset drops one. */
    static final class Cache implements TensorCache {
        final Map<String, CachedTensor> tensors = new TreeMap<>();

        @Override
        public Optional<String> validate(TensorUpdate u) {
            return Optional.empty();
        }

        @Override
        public boolean store(TensorUpdate u) {
            tensors.put(u.pair(), new CachedTensor(u, u.created(), u.confidence(), u.created(), 3_600_000));
            return true;
        }

        @Override
        public Optional<CachedTensor> retrieve(String pair) {
            return Optional.ofNullable(tensors.get(pair));
        }

        @Override
        public List<CachedTensor> all() {
            return List.copyOf(tensors.values());
        }

        @Override
        public long rejected() {
            return 0;
        }

        @Override
        public AutoCloseable subscribe(Consumer<CachedTensor> listener) {
            return () -> {};
        }

        @Override
        public boolean reset(TensorReset reset) {
            return tensors.remove(reset.pair()) != null;
        }
    }

    /** Runs a command's body with its output captured. */
    interface Body {
        void run(PrintStream out) throws Exception;
    }

    static String capture(Body body) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        body.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
