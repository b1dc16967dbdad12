package dev.cascade.shell.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.estimation.EstimatorState;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.CachedTensor;
import dev.cascade.api.network.NetworkMetrics;
import dev.cascade.api.network.NetworkMonitor;
import dev.cascade.api.network.OptimizerMetrics;
import dev.cascade.api.network.TensorCache;
import dev.cascade.api.network.TransportState;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class NetworkCommandTest {

    private static String run(boolean json) {
        NetworkCommand command = new NetworkCommand();
        command.network = new NetworkMonitor() {
            @Override
            public NetworkMetrics metrics() {
                return new NetworkMetrics("inproc", TransportState.DEGRADED, 5000, 3, 50, 40, 7, 2, 39, 1, 0.25, 0.5);
            }

            @Override
            public Optional<OptimizerMetrics> optimizer() {
                return Optional.of(new OptimizerMetrics("rls", true, 40, 4000, 1, 0, 39));
            }
        };
        TensorUpdate update = new TensorUpdate(
                "hall1",
                12,
                Matrix3.IDENTITY,
                Matrix3.IDENTITY,
                0.8,
                new Vector3(10, 20, 30),
                new EstimatorState("rls", 1, new byte[0]),
                Map.of("node-a", 3L),
                "node-a",
                1000);
        command.cache = new TensorCache() {
            @Override
            public Optional<String> validate(TensorUpdate u) {
                return Optional.empty();
            }

            @Override
            public boolean store(TensorUpdate u) {
                return false;
            }

            @Override
            public Optional<CachedTensor> retrieve(String pair) {
                return Optional.empty();
            }

            @Override
            public List<CachedTensor> all() {
                return List.of(new CachedTensor(update, 1000, 0.4, 3_601_000, 3_600_000));
            }

            @Override
            public long rejected() {
                return 1;
            }

            @Override
            public AutoCloseable subscribe(Consumer<CachedTensor> listener) {
                return () -> {};
            }
        };
        command.json = json;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        command.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        command.execute();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tableShowsTransportSpoolLatencyOptimizerAndTensors() {
        String out = run(false);
        assertTrue(out.contains("inproc     DEGRADED"), out);
        assertTrue(out.contains("      7        2"), out);
        assertTrue(out.contains("0.2500"), out);
        assertTrue(out.contains("Optimizer (rls): running, 40 batches / 4000 measurements folded, 1 duplicates"), out);
        assertTrue(out.contains("hall1                 v12   0.40     3600.0  node-a"), out);
    }

    @Test
    void jsonCarriesTheSameNumbers() {
        String out = run(true).strip();
        assertTrue(out.startsWith("{\"transport\":\"inproc\",\"state\":\"DEGRADED\""), out);
        assertTrue(out.contains("\"spoolDepth\":7,\"spoolDropped\":2"), out);
        assertTrue(out.contains("\"duplicates\":1"), out);
        assertTrue(
                out.endsWith("\"tensors\":[{\"pair\":\"hall1\",\"version\":12,\"confidence\":0.4,"
                        + "\"ageSeconds\":3600.0,\"source\":\"node-a\"}]}"),
                out);
    }
}
