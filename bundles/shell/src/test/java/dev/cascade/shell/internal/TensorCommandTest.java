package dev.cascade.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade.api.network.Estimation;
import dev.cascade.api.network.TensorReset;
import dev.cascade.api.tensor.Vector3;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class TensorCommandTest {

    private static final long STORED = 1_800_000_000_000L;

    private final Fakes.Loop loop =
            new Fakes.Loop().with(Fakes.status("hall1", new Vector3(24, 45, 120), 3), Fakes.ESTIMATED);
    private final Fakes.Cache cache = new Fakes.Cache();
    private final List<String> resets = new ArrayList<>();

    /** Resets as the network does once the optimizer's reset came back: cache dropped, loop on T0. */
    private final Estimation estimation = new Estimation() {
        @Override
        public CompletionStage<TensorReset> reset(String pair) {
            resets.add(pair);
            cache.reset(new TensorReset(pair, 4, "node-a", STORED));
            loop.with(Fakes.status(pair, new Vector3(24, 45, 120), 0), Fakes.INITIAL);
            return CompletableFuture.completedFuture(new TensorReset(pair, 4, "node-a", STORED));
        }
    };

    TensorCommandTest() {
        cache.store(Fakes.update("hall1", 3, STORED));
    }

    private TensorCommand command(boolean reset, boolean json) {
        TensorCommand command = new TensorCommand();
        command.loop = loop;
        command.cache = cache;
        command.estimation = estimation;
        command.id = "hall1";
        command.reset = reset;
        command.json = json;
        command.clock = Clock.fixed(Instant.ofEpochMilli(STORED + 90_000), ZoneOffset.UTC);
        return command;
    }

    private static String run(TensorCommand command) throws Exception {
        return Fakes.capture(out -> {
            command.out = out;
            command.execute();
        });
    }

    @Test
    void showsTheTensorInUseWithGainConfidenceVersionSourceAndAge() throws Exception {
        String text = run(command(false, false));
        assertTrue(
                text.contains("version      v3\nsource       node-a\nconfidence   0.900\nage          90.0 s"), text);
        assertTrue(text.contains("T, in use:\n           2.000       0.5000"), text);
        assertTrue(text.contains("G, estimated (update v3, confidence 0.800 now):"), text);
        assertTrue(text.contains("time constants: 3.000, 10.00, 30.00 s"), text);
        assertTrue(resets.isEmpty());
    }

    @Test
    void resetGoesThroughEstimationAndShowsTheInitialTensor() throws Exception {
        String text = run(command(true, false));
        assertEquals(List.of("hall1"), resets);
        assertTrue(
                text.startsWith(
                        "hall1: estimation reset (reset v4); the pair is back on its configured initial tensor"),
                text);
        assertTrue(text.contains("version      v0\nsource       configured initial tensor"), text);
        assertTrue(text.contains("17.90"), text);
        assertTrue(text.contains("G: none estimated yet"), text);
    }

    @Test
    void aResetPairWithoutInitialTensorLearnsFromScratch() throws Exception {
        TensorCommand command = command(true, false);
        command.estimation = pair -> {
            loop.with(Fakes.status(pair, new Vector3(24, 45, 120), 0), dev.cascade.api.tensor.Matrix3.ZERO);
            return CompletableFuture.completedFuture(new TensorReset(pair, 4, "node-a", STORED));
        };
        assertTrue(run(command)
                .startsWith("hall1: estimation reset (reset v4); the pair has no initial tensor: it holds, and learns"
                        + " from scratch"));
    }

    @Test
    void jsonParses() throws Exception {
        JsonNode before = new ObjectMapper().readTree(run(command(false, true)));
        assertEquals(3, before.get("version").asLong());
        assertEquals("node-a", before.get("source").asText());
        assertEquals(90.0, before.get("ageSeconds").asDouble());
        assertEquals(0.5, before.get("gain").get(0).get(0).asDouble());
        JsonNode after = new ObjectMapper().readTree(run(command(true, true)));
        assertEquals(4, after.get("resetToVersion").asLong());
        assertEquals(0, after.get("version").asLong());
        assertEquals(17.9, after.get("tensor").get(0).get(0).asDouble());
        assertTrue(after.get("gain").isNull());
    }

    @Test
    void aFailedResetSaysWhy() {
        TensorCommand failing = command(true, false);
        failing.estimation = pair -> CompletableFuture.failedFuture(
                new IllegalStateException("pair hall1 was not reset: no optimizer is subscribed"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(failing));
        assertEquals("pair hall1 was not reset: no optimizer is subscribed", e.getMessage());

        TensorCommand unconfirmed = command(true, false);
        unconfirmed.estimation = pair -> new CompletableFuture<>();
        unconfirmed.resetTimeoutMillis = 50;
        e = assertThrows(IllegalStateException.class, () -> run(unconfirmed));
        assertTrue(e.getMessage().contains("no optimizer confirmed it within"), e.getMessage());

        TensorCommand noNetwork = command(true, false);
        noNetwork.estimation = null;
        e = assertThrows(IllegalStateException.class, () -> run(noNetwork));
        assertTrue(e.getMessage().contains("the network (feature cascade-network)"), e.getMessage());

        TensorCommand unknown = command(true, false);
        unknown.id = "hall9";
        assertThrows(IllegalArgumentException.class, () -> run(unknown));
        assertTrue(resets.isEmpty(), "nothing was reset");
    }
}
