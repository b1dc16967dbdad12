package dev.cascade.network.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.estimation.InputResponse;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A sibling's settings kept by time, and its contributions placed on another pair's measurements. */
class SiblingModelTest {

    /** A sibling whose contribution is its setting on axis 0 (B = I, no modes). */
    private static final InputResponse IDENTITY = new InputResponse(0, Matrix3.IDENTITY, List.of());

    private static List<Measurement> cycles(long start, long step, double... adjustments) {
        List<Measurement> out = new ArrayList<>();
        for (int k = 0; k < adjustments.length; k++) {
            out.add(new Measurement(
                    "sibling",
                    start + k * step,
                    Vector3.ZERO,
                    Vector3.ZERO,
                    new Vector3(adjustments[k], 0, 0),
                    Quality.GOOD));
        }
        return out;
    }

    private static double[] axis0(double[] out, int n) {
        double[] a = new double[n];
        for (int k = 0; k < n; k++) {
            a[k] = out[3 * k];
        }
        return a;
    }

    @Test
    void eachSiblingCycleGoesToTheNearestMeasurementWithItsDeadTime() {
        SettingHistory h = new SettingHistory();
        h.append(cycles(1000, 100, 1, 1, 1, 1, 1)); // settings 1..5 at 1000..1400
        long[] times = {1003, 1103, 1203, 1303, 1403};
        double[] out = new double[15];
        new SiblingModel(IDENTITY).addTo(h, 100, times, 5, 50, out);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5}, axis0(out, 5), 0);
        double[] lagged = new double[15];
        new SiblingModel(new InputResponse(2, Matrix3.IDENTITY, List.of())).addTo(h, 100, times, 5, 50, lagged);
        // u(k-2), the oldest setting known while the history fills
        assertArrayEquals(new double[] {1, 1, 1, 2, 3}, axis0(lagged, 5), 0);
    }

    @Test
    void aFasterSiblingsCyclesAreSummedAndNoneCountsTwice() {
        SettingHistory h = new SettingHistory();
        h.append(cycles(1000, 50, 1, 1, 1, 1, 1, 1, 1, 1)); // 20 Hz: settings 1..8
        long[] times = {1000, 1100, 1200, 1300};
        double[] out = new double[12];
        new SiblingModel(IDENTITY).addTo(h, 50, times, 4, 50, out);
        // windows [t-50, t+50): 1000 takes 1000 (and 950, not there), 1100 takes 1050 and 1100, ...
        assertArrayEquals(new double[] {1, 2 + 3, 4 + 5, 6 + 7}, axis0(out, 4), 0);
    }

    @Test
    void pastTheSiblingsNewestCycleItsSettingIsHeldAndCoverageSaysSo() {
        SettingHistory h = new SettingHistory();
        h.append(cycles(1000, 100, 2, 1)); // settings 2, 3 at 1000, 1100
        long[] times = {1000, 1100, 1200, 1300};
        double[] out = new double[12];
        new SiblingModel(IDENTITY).addTo(h, 100, times, 4, 50, out);
        assertArrayEquals(new double[] {2, 3, 3, 3}, axis0(out, 4), 0);
        assertTrue(SiblingModel.covers(h, 100, 1100, 50));
        assertFalse(SiblingModel.covers(h, 100, 1200, 50), "the sibling's cycle at 1200 has not come");
        assertFalse(SiblingModel.covers(new SettingHistory(), 100, 0, 50));
    }

    @Test
    void aModeRunsFromTheOldestSettingKept() {
        // s(k) = u(k) - z(k), z(k+1) = 0.5 z(k) + 0.5 u(k): the level increments of a first-order lag
        InputResponse lag = new InputResponse(
                0, Matrix3.IDENTITY, List.of(new InputResponse.Mode(0.5, Matrix3.diagonal(new Vector3(-1, -1, -1)))));
        SettingHistory h = new SettingHistory();
        h.append(cycles(0, 100, 0, 1, 0, 0, 0));
        long[] times = {0, 100, 200, 300, 400};
        double[] out = new double[15];
        new SiblingModel(lag).addTo(h, 100, times, 5, 50, out);
        assertArrayEquals(new double[] {0, 1, 0.5, 0.25, 0.125}, axis0(out, 5), 1e-15);
    }

    @Test
    void theHistoryIsBoundedAndKeepsTheNewestInOrder() {
        SettingHistory h = new SettingHistory();
        double[] ones = new double[SettingHistory.CAPACITY + 10];
        java.util.Arrays.fill(ones, 1);
        h.append(cycles(0, 100, ones));
        assertEquals(SettingHistory.CAPACITY, h.size());
        assertEquals(10 * 100, h.time(0));
        assertEquals(11, h.setting(0, 0), 0);
        assertEquals((SettingHistory.CAPACITY + 9) * 100L, h.lastTime());
        assertEquals(SettingHistory.CAPACITY + 10, h.setting(h.size() - 1, 0), 0);
        // an older measurement (re-sent, or another producer's) is left out
        h.append(cycles(500, 100, 7));
        assertEquals(SettingHistory.CAPACITY + 10, h.setting(h.size() - 1, 0), 0);
    }
}
