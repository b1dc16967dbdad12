package dev.cascade.demo.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.domain.Quality;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdaptersTest {

    private final HallModel hall = new HallModel(Configs.quiet(Map.of()), 1, 0);
    private final CoolingUnitAdapter unit = new CoolingUnitAdapter(hall.unit(0), () -> 42L);
    private final RecordingReading reading = new RecordingReading();

    @Test
    void unitReadsItsSettingsAsGoodAndStamped() {
        unit.read(reading);
        assertArrayEquals(Plant.INITIAL_SETTINGS, reading.state, 0.0);
        assertArrayEquals(new int[] {0, 0, 0}, reading.saturation);
        assertEquals(Quality.GOOD, reading.quality);
        assertEquals(42L, reading.timestamp);
    }

    @Test
    void adjustmentsAreIncrements() {
        unit.apply(1.5, -2, 0.25);
        unit.apply(1.5, -2, 0.25);
        unit.read(reading);
        assertArrayEquals(new double[] {38, 21, 15.5}, reading.state, 1e-12);
    }

    @Test
    void actuatorsStopAtTheirLimitsAndReportTheDirection() {
        unit.apply(80, -30, 0);
        unit.read(reading);
        assertArrayEquals(new double[] {100, 0, 15}, reading.state, 0.0);
        assertArrayEquals(new int[] {1, -1, 0}, reading.saturation);

        unit.apply(-0.5, 0.5, 0);
        unit.read(reading);
        assertArrayEquals(new double[] {99.5, 0.5, 15}, reading.state, 0.0, "leaving a limit is immediate");
        assertArrayEquals(new int[] {0, 0, 0}, reading.saturation);
    }

    @Test
    void nonFiniteAdjustmentIsRejectedAndMovesNothing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> unit.apply(1, Double.NaN, 1));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> unit.apply(Double.POSITIVE_INFINITY, 0, 0));
        unit.read(reading);
        assertArrayEquals(Plant.INITIAL_SETTINGS, reading.state, 0.0);
    }

    @Test
    void unitsAdjustmentMovesTheHall() {
        HallAdapter hallAdapter = new HallAdapter("hall-1", hall, "crah-1");
        hallAdapter.read(reading);
        double before = reading.state[2];
        unit.apply(10, 0, 0);
        for (int k = 0; k < 20 * 60; k++) {
            hall.step(1000 + k);
        }
        hallAdapter.read(reading);
        assertEquals(before + 10 * Plant.NOMINAL_GAIN[6], reading.state[2], 1e-6, "fan power after a minute");
        assertEquals(Quality.GOOD, reading.quality);
        assertEquals(1000 + 20 * 60 - 1, reading.timestamp, "stamped when measured");
    }

    @Test
    void hallReadsTheLatestSample() {
        HallAdapter hallAdapter = new HallAdapter("hall-1", hall, "crah-1");
        hall.step(99);
        hallAdapter.read(reading);
        HallSample s = hall.sample();
        assertArrayEquals(new double[] {s.temperature(), s.humidity(), s.power()}, reading.state, 0.0);
        assertEquals(99, reading.timestamp);
        assertArrayEquals(new int[] {0, 0, 0}, reading.saturation, "a hall has no actuators to saturate");
    }

    @Test
    void hallHasNoActuatorsAndSaysWhichUnitsToAdjust() {
        HallAdapter hallAdapter = new HallAdapter("hall-1", hall, "crah-1");
        UnsupportedOperationException e =
                assertThrows(UnsupportedOperationException.class, () -> hallAdapter.apply(1, 0, 0));
        assertTrue(e.getMessage().contains("hall-1") && e.getMessage().contains("crah-1"), e.getMessage());
    }
}
