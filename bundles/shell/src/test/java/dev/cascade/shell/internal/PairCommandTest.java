package dev.cascade.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade.api.tensor.Vector3;
import org.junit.jupiter.api.Test;

class PairCommandTest {

    private final Fakes.Loop loop = new Fakes.Loop()
            .with(Fakes.status("hall1", new Vector3(24, 45, 120), 3), Fakes.ESTIMATED)
            .with(Fakes.status("hall2", new Vector3(22, 40, 80), 0), Fakes.INITIAL);
    private final Fakes.Cache cache = new Fakes.Cache();

    private String run(String id, boolean json) throws Exception {
        PairCommand command = new PairCommand();
        command.loop = loop;
        command.cache = cache;
        command.id = id;
        command.json = json;
        return Fakes.capture(out -> {
            command.out = out;
            command.execute();
        });
    }

    @Test
    void showsStateErrorIntegralsAdjustmentTensorAndGain() throws Exception {
        cache.store(Fakes.update("hall1", 3, 1000));
        String text = run("hall1", false);
        assertTrue(text.contains("state              RUNNING"), text);
        assertTrue(text.contains("parent -> child    hall-1 -> crah-1"), text);
        assertTrue(text.contains("setpoint           24.00, 45.00, 120.0"), text);
        assertTrue(text.contains("error              3.000, 4.000, 0.000  (norm 5.000)"), text);
        assertTrue(text.contains("RMS error (10 s)   2.500"), text);
        assertTrue(text.contains("integral |error|   12.50"), text);
        assertTrue(text.contains("adjustment         1.000, -2.000, 0.5000"), text);
        assertTrue(text.contains("tensor version     v3 (from node-a)"), text);
        assertTrue(text.contains("missed deadlines   1"), text);
        assertTrue(text.contains("T, the controller tensor in use:\n           2.000       0.5000        0.000"), text);
        assertTrue(text.contains("G, the estimated plant gain (update v3):\n          0.5000"), text);
        assertTrue(text.contains("time constants:    3.000, 10.00, 30.00 s"), text);
    }

    @Test
    void aPairOnItsInitialTensorHasNoGainYet() throws Exception {
        String text = run("hall2", false);
        assertTrue(text.contains("tensor version     v0 (the configured initial tensor)"), text);
        assertTrue(text.contains("17.90"), text);
        assertTrue(text.contains("G, the estimated plant gain: none yet"), text);
    }

    @Test
    void jsonParsesAndCarriesVectorsAndMatrices() throws Exception {
        cache.store(Fakes.update("hall1", 3, 1000));
        JsonNode pair = new ObjectMapper().readTree(run("hall1", true));
        assertEquals("hall1", pair.get("id").asText());
        assertEquals(120.0, pair.get("setpoint").get(2).asDouble());
        assertEquals(5.0, pair.get("errorNorm").asDouble());
        assertEquals(12.5, pair.get("integralAbsError").asDouble());
        assertEquals(-2.0, pair.get("adjustment").get(1).asDouble());
        assertEquals(0.5, pair.get("tensor").get(0).get(1).asDouble());
        assertEquals(0.7, pair.get("gain").get(2).get(2).asDouble());
        assertEquals(30.0, pair.get("timeConstants").get(2).asDouble());
        assertEquals(1234, pair.get("cycles").asLong());
        assertTrue(new ObjectMapper().readTree(run("hall2", true)).get("gain").isNull());
    }

    @Test
    void anUnknownPairIsNamedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run("hall9", false));
        assertEquals("no pair 'hall9'; known: hall1, hall2 (cascade:pairs lists them)", e.getMessage());
    }
}
