package dev.cascade.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PairSettingsTest {

    @Test
    void defaultsAreUsable() {
        PairSettings s = Configs.settings();
        assertEquals("p1", s.id());
        assertArrayEquals(new double[] {1, 2, 3}, s.setpoint());
        assertEquals(0b111, s.axisMask());
        assertEquals(100_000_000, s.periodNanos());
        assertTrue(Double.isNaN(s.kp()), "kp auto");
        assertEquals(PairSettings.StalePolicy.HOLD, s.stalePolicy());
        assertEquals(Double.POSITIVE_INFINITY, s.outputMax()[1]);
    }

    @Test
    void listsAndPoliciesParse() {
        PairSettings s = Configs.settings(
                "axes",
                "x, z",
                "outputMin",
                "-5, -inf, -1",
                "outputMax",
                "5, inf, 1",
                "maxRate",
                "1, 2, 3",
                "stalePolicy",
                "Ramp",
                "kp",
                "0.5",
                "ki",
                "auto",
                "timeConstants",
                "10, 20, 30");
        assertEquals(0b101, s.axisMask());
        assertEquals(Double.NEGATIVE_INFINITY, s.outputMin()[1]);
        assertEquals(PairSettings.StalePolicy.RAMP, s.stalePolicy());
        assertEquals(0.5, s.kp());
        assertArrayEquals(new double[] {10, 20, 30}, s.timeConstants());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "id|bad id!|id = 'bad id!'",
                "child|hall|child = 'hall'",
                "setpoint|1, 2|setpoint = '1, 2'",
                "setpoint|1, x, 3|setpoint = '1, x, 3'",
                "setpoint|1, NaN, 3|setpoint = '1, NaN, 3'",
                "setpoint|1, inf, 3|setpoint = '1, inf, 3'",
                "axes|x, w|axes = 'x, w'",
                "rate|0.5|rate = '0.5'",
                "rate|1001|rate = '1001.0'",
                "kp|-1|kp = '-1'",
                "ki|fast|ki = 'fast'",
                "weight|0|weight = '0.0'",
                "confidenceFloor|1.5|confidenceFloor = '1.5'",
                "initialTensor|1, 0, 0|initialTensor = '1, 0, 0'",
                "outputMin|1, -1, -1|outputMin/outputMax",
                "maxRate|1, 0, 1|maxRate = '1, 0, 1'",
                "staleTimeoutMillis|0|staleTimeoutMillis = '0'",
                "stalePolicy|panic|stalePolicy = 'panic'",
                "timeConstants|1, -2, 3|timeConstants = '1, -2, 3'",
            })
    void badValuesAreRejectedNamingFieldAndValue(String field, String value, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Configs.settings(field, value));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("dev.cascade.pair"), e.getMessage());
        assertTrue(e.getMessage().contains("use "), "says what is allowed: " + e.getMessage());
    }
}
