package dev.cascade.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.PairState;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.tensor.Vector3;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PairsCommandTest {

    private static final List<PairStatus> PAIRS = List.of(
            new PairStatus(
                    "hall1",
                    "hall-1",
                    "crah-1",
                    PairState.RUNNING,
                    "",
                    new Vector3(24, 45, 120),
                    new Vector3(3, 4, 0),
                    0.9,
                    2,
                    1234,
                    1,
                    2.5,
                    new Vector3(1, 0, 0),
                    12.5),
            new PairStatus(
                    "bad",
                    "",
                    "",
                    PairState.STOPPED,
                    "rate = '0' is not valid",
                    Vector3.ZERO,
                    new Vector3(Double.NaN, Double.NaN, Double.NaN),
                    0,
                    0,
                    0,
                    0,
                    Double.NaN,
                    Vector3.ZERO,
                    0));

    private static String run(boolean json, List<PairStatus> pairs) {
        PairsCommand command = new PairsCommand();
        command.loop = new ControlLoop() {
            @Override
            public List<PairStatus> pairs() {
                return pairs;
            }

            @Override
            public Optional<PairStatus> pair(String id) {
                return Optional.empty();
            }

            @Override
            public Optional<dev.cascade.api.estimation.EstimatorSettings> estimatorSettings(String id) {
                return Optional.empty();
            }

            @Override
            public Optional<dev.cascade.api.tensor.Matrix3> tensor(String id) {
                return Optional.empty();
            }

            @Override
            public void setpoint(String id, Vector3 setpoint) {}
        };
        command.json = json;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        command.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        command.execute();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tableHasOneRowPerPairWithErrorNormAndRms() {
        String table = run(false, PAIRS);
        String[] lines = table.split("\n");
        assertEquals(3, lines.length, table);
        assertTrue(lines[0].startsWith("PAIR"), table);
        assertTrue(lines[1].contains("hall-1 -> crah-1") && lines[1].contains("RUNNING"), table);
        assertTrue(lines[1].contains(" 5.000 ") && lines[1].contains(" 2.500 "), "norm 5 and rms 2.5: " + table);
        assertTrue(lines[2].contains("STOPPED") && lines[2].contains("rate = '0'"), table);
    }

    @Test
    void jsonIsAnArrayWithNullForUnknownNumbers() {
        String json = run(true, PAIRS).strip();
        assertTrue(json.startsWith("[{\"id\":\"hall1\""), json);
        assertTrue(json.contains("\"error\":5.0,\"rmsError\":2.5"), json);
        assertTrue(json.contains("\"rmsError\":null"), json);
    }

    @Test
    void noPairsSaysHowToAddOne() {
        assertTrue(run(false, List.of()).contains("etc/dev.cascade.pair-NAME.cfg"));
        assertEquals("[]", run(true, List.of()).strip());
    }
}
