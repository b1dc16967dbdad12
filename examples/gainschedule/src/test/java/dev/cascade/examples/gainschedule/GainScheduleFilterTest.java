package dev.cascade.examples.gainschedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import org.junit.jupiter.api.Test;

class GainScheduleFilterTest {

    private static GainScheduleFilter.Config config(String axis, double[] thresholds, double[] factors) {
        return new GainScheduleFilter.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return GainScheduleFilter.Config.class;
            }

            @Override
            public String axis() {
                return axis;
            }

            @Override
            public double[] thresholds() {
                return thresholds;
            }

            @Override
            public double[] factors() {
                return factors;
            }

            @Override
            public String cascade_filter_pairs() {
                return "";
            }
        };
    }

    private static TestFrame frame(int axis, double parent, double... adjustment) {
        TestFrame f = new TestFrame();
        f.parent[axis] = parent;
        System.arraycopy(adjustment, 0, f.adjustment, 0, 3);
        return f;
    }

    @Test
    void theAdjustmentIsScaledByTheRegionOfTheConfiguredAxis() {
        GainScheduleFilter filter =
                new GainScheduleFilter(config("y", new double[] {40, 60}, new double[] {0.5, 1, 2}));
        double[][] cases = {{10, 0.5}, {39.999, 0.5}, {40, 1}, {59, 1}, {60, 2}, {1e6, 2}};
        for (double[] c : cases) {
            TestFrame f = frame(1, c[0], 1, -2, 4);
            f.parent[0] = 1000; // another axis: must not matter
            filter.process(f);
            assertArrayEquals(new double[] {c[1], -2 * c[1], 4 * c[1]}, f.adjustment, 1e-12, "parent y = " + c[0]);
        }
    }

    @Test
    void maskedAxesAndANonFiniteParentAreLeftAlone() {
        GainScheduleFilter filter = new GainScheduleFilter(config("x", new double[] {0}, new double[] {3, 3}));
        TestFrame f = frame(0, 1, 1, 1, 1);
        f.axisMask = 0b011;
        filter.process(f);
        assertArrayEquals(new double[] {3, 3, 1}, f.adjustment);
        f = frame(0, Double.NaN, 1, 1, 1);
        filter.process(f);
        assertArrayEquals(new double[] {1, 1, 1}, f.adjustment);
    }

    @Test
    void noThresholdsMeansOneFactorEverywhere() {
        GainScheduleFilter filter = new GainScheduleFilter(config("z", new double[0], new double[] {0.25}));
        assertEquals(0.25, filter.factor(-1e9));
        assertEquals(0.25, filter.factor(1e9));
    }

    @Test
    void badSchedulesAreRejectedNamingWhatIsWrong() {
        String msg = assertThrows(
                        IllegalArgumentException.class,
                        () -> new GainScheduleFilter(config("x", new double[] {1, 2}, new double[] {1, 1})))
                .getMessage();
        assertTrue(msg.contains("2 thresholds need 3 factors, got 2"), msg);
        msg = assertThrows(
                        IllegalArgumentException.class,
                        () -> new GainScheduleFilter(config("x", new double[] {2, 1}, new double[] {1, 1, 1})))
                .getMessage();
        assertTrue(msg.contains("strictly ascending"), msg);
        msg = assertThrows(
                        IllegalArgumentException.class,
                        () -> new GainScheduleFilter(config("x", new double[] {1}, new double[] {1, -1})))
                .getMessage();
        assertTrue(msg.contains("factor -1.0 is not valid"), msg);
        msg = assertThrows(
                        IllegalArgumentException.class,
                        () -> new GainScheduleFilter(config("w", new double[] {1}, new double[] {1, 1})))
                .getMessage();
        assertTrue(msg.contains("axis = 'w'"), msg);
    }
}
