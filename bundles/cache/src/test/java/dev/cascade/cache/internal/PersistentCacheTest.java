package dev.cascade.cache.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.estimation.EstimatorState;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.CachedTensor;
import dev.cascade.api.network.TensorReset;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentCacheTest {

    private static final Matrix3 T = new Matrix3(2, 0.5, 0, 0.3, 1, 0.2, 0, 0.4, 1.5);

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private PersistentCache cache(String... config) {
        String[] all = Arrays.copyOf(config, config.length + 2);
        all[config.length] = "directory";
        all[config.length + 1] = dir.toString();
        return new PersistentCache(Configs.cache(all), now::get);
    }

    private TensorUpdate update(String pair, long version, Matrix3 tensor, double confidence) {
        return new TensorUpdate(
                pair,
                version,
                tensor,
                Matrix3.IDENTITY,
                confidence,
                new Vector3(10, 20, Double.NaN),
                new EstimatorState("rls", 1, new byte[] {1, 2, 3, (byte) version}),
                Map.of("node-a", 41 + version),
                "node-a",
                now.get());
    }

    @Test
    void keepsTheLastValidTensorAndNotifies() {
        PersistentCache cache = cache();
        List<CachedTensor> seen = new ArrayList<>();
        cache.subscribe(seen::add);
        assertTrue(cache.store(update("p1", 1, T, 0.8)));
        assertTrue(cache.store(update("p1", 2, T, 0.9)));
        assertEquals(2, cache.retrieve("p1").orElseThrow().update().version());
        assertEquals(0.9, cache.retrieve("p1").orElseThrow().confidence(), 1e-12);
        assertEquals(2, seen.size());
        assertTrue(cache.retrieve("p2").isEmpty());
    }

    @Test
    void confidenceHalvesWithEveryHalfLife() {
        PersistentCache cache = cache("halfLifeSeconds", "100");
        cache.store(update("p1", 1, T, 0.8));
        now.addAndGet(100_000);
        assertEquals(0.4, cache.retrieve("p1").orElseThrow().confidence(), 1e-12);
        now.addAndGet(100_000);
        CachedTensor aged = cache.retrieve("p1").orElseThrow();
        assertEquals(0.2, aged.confidence(), 1e-12);
        assertEquals(0.1, aged.confidenceAt(now.get() + 100_000), 1e-12);
    }

    @Test
    void rejectsBadUpdatesAndKeepsThePreviousTensor() {
        PersistentCache cache = cache("maxNorm", "100", "maxCondition", "1000", "maxRelativeChange", "0.5");
        assertTrue(cache.store(update("p1", 5, T, 0.9)));
        double nan = Double.NaN;
        assertRejected(cache, update("p1", 6, new Matrix3(nan, 0, 0, 0, 1, 0, 0, 0, 1), 0.9), "NaN");
        assertRejected(cache, update("p1", 6, new Matrix3(1e3, 0, 0, 0, 1e3, 0, 0, 0, 1e3), 0.9), "norm");
        assertRejected(cache, update("p1", 6, new Matrix3(1, 0, 0, 0, 1, 0, 0, 0, 1e-4), 0.9), "condition");
        assertRejected(cache, update("p1", 6, Matrix3.ZERO, 0.9), "condition");
        assertRejected(cache, update("p1", 5, T, 0.9), "not newer");
        assertRejected(cache, update("p1", 4, T, 0.9), "not newer");
        assertRejected(cache, update("p1", 6, new Matrix3(4, 0.5, 0, 0.3, 2, 0.2, 0, 0.4, 3), 0.9), "changes");
        assertRejected(cache, update("p1", 6, T, 1.5), "confidence");
        assertRejected(cache, update("../x", 1, T, 0.9), "not a valid id");
        TensorUpdate old = update("p1", 6, T, 0.9);
        now.addAndGet(2 * 86_400_000L);
        assertRejected(cache, old, "ago");
        assertEquals(10, cache.rejected());
        assertEquals(5, cache.retrieve("p1").orElseThrow().update().version());
        assertTrue(cache.store(update("p1", 6, T, 0.9)));
    }

    @Test
    void aResetDropsTheTensorOnDiskTooAndRefusesUpdatesFromBeforeIt() {
        PersistentCache cache = cache("maxRelativeChange", "0.5");
        List<TensorReset> seen = new ArrayList<>();
        cache.subscribeResets(seen::add);
        assertTrue(cache.store(update("p1", 3, T, 0.9)));
        assertTrue(cache.store(update("p2", 1, T, 0.9)));
        assertTrue(Files.exists(dir.resolve("p1.tensor")));

        assertFalse(cache.reset(new TensorReset("p1", 3, "node-a", now.get())), "not newer than v3");
        assertTrue(cache.retrieve("p1").isPresent());
        TensorReset reset = new TensorReset("p1", 4, "node-a", now.get());
        assertTrue(cache.reset(reset));
        assertEquals(List.of(reset), seen);
        assertTrue(cache.retrieve("p1").isEmpty());
        assertFalse(Files.exists(dir.resolve("p1.tensor")));
        assertEquals(List.of("p2"), cache.all().stream().map(CachedTensor::pair).toList(), "p2 untouched");

        assertRejected(cache, update("p1", 4, T, 0.9), "not newer than the reset to version 4");
        // the first update after a reset may be far from the dropped tensor: the pair learns afresh
        assertTrue(cache.store(update("p1", 5, new Matrix3(9, 0, 0, 0, 9, 0, 0, 0, 9), 0.9)));
        assertTrue(cache(/* restart */ ).retrieve("p1").isPresent());
        assertFalse(cache.reset(new TensorReset("p1", 4, "node-a", now.get())), "an old reset changes nothing");
    }

    @Test
    void aTensorTheLoopDoesNotRelyOnMayChangeFreely() {
        PersistentCache cache = cache("maxRelativeChange", "0.5", "changeCheckConfidence", "0.5");
        assertTrue(cache.store(update("p1", 1, T, 0.3)));
        assertTrue(cache.store(update("p1", 2, new Matrix3(4, 0.5, 0, 0.3, 2, 0.2, 0, 0.4, 3), 0.9)));
    }

    private static void assertRejected(PersistentCache cache, TensorUpdate update, String because) {
        String reason = cache.validate(update).orElseThrow(() -> new AssertionError("accepted: " + update));
        assertTrue(reason.contains(because), reason);
        assertFalse(cache.store(update));
    }

    @Test
    void restoresWhatItPersisted() {
        PersistentCache first = cache();
        TensorUpdate u = update("p1", 7, T, 0.7);
        first.store(u);
        first.store(update("p2", 3, Matrix3.IDENTITY, 0.5));
        PersistentCache second = cache();
        TensorUpdate restored = second.retrieve("p1").orElseThrow().update();
        assertEquals(u.version(), restored.version());
        assertEquals(u.tensor(), restored.tensor());
        assertEquals(u.state(), restored.state());
        assertEquals(u.folded(), restored.folded());
        assertEquals(u.timeConstants(), restored.timeConstants());
        assertEquals(2, second.all().size());
        assertFalse(second.store(update("p1", 7, T, 0.7)), "the version check survives the restart");
    }

    @Test
    void corruptAndTruncatedFilesAreMovedAside() throws IOException {
        PersistentCache first = cache();
        first.store(update("good", 1, T, 0.7));
        first.store(update("torn", 1, T, 0.7));
        first.store(update("flipped", 1, T, 0.7));
        Path torn = dir.resolve("torn.tensor");
        byte[] bytes = Files.readAllBytes(torn);
        Files.write(torn, Arrays.copyOf(bytes, bytes.length / 2));
        Path flipped = dir.resolve("flipped.tensor");
        byte[] other = Files.readAllBytes(flipped);
        other[40] ^= 0x10;
        Files.write(flipped, other);
        Files.write(dir.resolve("empty.tensor"), new byte[0]);
        Files.write(dir.resolve("good.tensor.tmp"), new byte[] {1, 2});

        PersistentCache second = cache();

        assertEquals(
                List.of("good"), second.all().stream().map(CachedTensor::pair).toList());
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names =
                    files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(4, names.size(), names.toString());
            assertTrue(names.contains("good.tensor"));
            assertEquals(
                    3,
                    names.stream().filter(n -> n.contains(".tensor.corrupt-")).count(),
                    names.toString());
        }
        assertTrue(second.store(update("torn", 1, T, 0.7)), "the pair starts afresh");
    }

    @Test
    void badConfigurationNamesFieldValueAndRule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cache("halfLifeSeconds", "-1"));
        assertEquals("dev.cascade.cache: halfLifeSeconds = -1.0 is not valid; use a finite number > 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cache("changeCheckConfidence", "2"));
        assertTrue(e.getMessage().contains("changeCheckConfidence = 2.0"), e.getMessage());
    }

    @Test
    void conditionNumberMatchesKnownSingularValues() {
        assertEquals(1000, Conditioning.condition(new Matrix3(1, 0, 0, 0, 0.001, 0, 0, 0, 0.5)), 1e-6);
        // a rotation times diag(3, 2, 1): singular values 3, 2, 1
        double c = Math.cos(0.3);
        double s = Math.sin(0.3);
        Matrix3 m = new Matrix3(3 * c, -2 * s, 0, 3 * s, 2 * c, 0, 0, 0, 1);
        double[] sv = Conditioning.singularValuesSquared(m);
        Arrays.sort(sv);
        assertArrayEquals(new double[] {1, 4, 9}, sv, 1e-9);
        assertEquals(3, Conditioning.condition(m), 1e-9);
    }
}
