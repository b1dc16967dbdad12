package dev.cascade.examples.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProbeFilterTest {

    private static ProbeFilter.Config config(double[] amplitude, double threshold, double bitSeconds) {
        return new ProbeFilter.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ProbeFilter.Config.class;
            }

            @Override
            public double[] amplitude() {
                return amplitude;
            }

            @Override
            public double confidenceThreshold() {
                return threshold;
            }

            @Override
            public double bitSeconds() {
                return bitSeconds;
            }

            @Override
            public String cascade_filter_pairs() {
                return "";
            }
        };
    }

    /** A pair's accumulated output, as the child's actuators would integrate the increments. */
    private final double[] output = new double[3];

    private void cycle(ProbeFilter filter, TestFrame frame, double confidence) {
        frame.confidence = confidence;
        frame.adjustment[0] = 0;
        frame.adjustment[1] = 0;
        frame.adjustment[2] = 0;
        filter.process(frame);
        for (int i = 0; i < 3; i++) {
            output[i] += frame.adjustment[i];
        }
        frame.cycle++;
    }

    @Test
    void whileConfidenceIsLowTheOutputSwitchesBetweenPlusAndMinusAmplitudeAndNeverBeyond() {
        double[] a = {0.5, 1, 2};
        ProbeFilter filter = new ProbeFilter(config(a, 0.5, 1.0));
        TestFrame frame = new TestFrame();
        frame.dt = 0.1;
        Set<Double> seenX = new HashSet<>();
        int switches = 0;
        double previous = 0;
        for (int c = 0; c < 2000; c++) {
            cycle(filter, frame, 0.1);
            for (int i = 0; i < 3; i++) {
                assertEquals(a[i], Math.abs(output[i]), 1e-12, "axis " + i + " at cycle " + c);
            }
            seenX.add(output[0]);
            if (c > 0 && output[0] != previous) {
                switches++;
            }
            previous = output[0];
        }
        assertEquals(Set.of(0.5, -0.5), seenX);
        // 200 s of 1 s bits: a PRBS switches on about half of them
        assertTrue(switches > 60 && switches < 140, "switches: " + switches);
    }

    @Test
    void aBitIsHeldForBitSeconds() {
        ProbeFilter filter = new ProbeFilter(config(new double[] {1, 1, 1}, 0.5, 1.0));
        TestFrame frame = new TestFrame();
        frame.dt = 0.1;
        cycle(filter, frame, 0);
        double first = output[0];
        for (int c = 1; c < 10; c++) {
            cycle(filter, frame, 0);
            assertEquals(first, output[0], "the first bit holds for 1 s, cycle " + c);
        }
    }

    @Test
    void theAxesAreExcitedDifferently() {
        ProbeFilter filter = new ProbeFilter(config(new double[] {1, 1, 1}, 0.5, 0.1));
        TestFrame frame = new TestFrame();
        int sameXY = 0;
        int sameXZ = 0;
        int n = 1000;
        for (int c = 0; c < n; c++) {
            cycle(filter, frame, 0);
            sameXY += output[0] == output[1] ? 1 : 0;
            sameXZ += output[0] == output[2] ? 1 : 0;
        }
        assertTrue(Math.abs(sameXY - n / 2) < n / 8, "x and y agree on " + sameXY + " of " + n);
        assertTrue(Math.abs(sameXZ - n / 2) < n / 8, "x and z agree on " + sameXZ + " of " + n);
    }

    @Test
    void whenConfidenceRecoversTheOffsetIsTakenBackAndNothingMoreIsAdded() {
        ProbeFilter filter = new ProbeFilter(config(new double[] {1, 1, 1}, 0.5, 0.3));
        TestFrame frame = new TestFrame();
        for (int c = 0; c < 37; c++) {
            cycle(filter, frame, 0.2);
        }
        assertNotEquals(0, output[0]);
        cycle(filter, frame, 0.9);
        assertEquals(0, output[0]);
        assertEquals(0, output[1]);
        assertEquals(0, output[2]);
        for (int c = 0; c < 100; c++) {
            cycle(filter, frame, 0.9);
            assertEquals(0, frame.adjustment[0]);
        }
    }

    @Test
    void maskedAxesAndZeroAmplitudesAreLeftAlone() {
        ProbeFilter filter = new ProbeFilter(config(new double[] {1, 0, 1}, 0.5, 0.1));
        TestFrame frame = new TestFrame();
        frame.axisMask = 0b011;
        for (int c = 0; c < 100; c++) {
            cycle(filter, frame, 0);
        }
        assertEquals(1, Math.abs(output[0]));
        assertEquals(0, output[1]);
        assertEquals(0, output[2]);
    }

    @Test
    void theSequenceIsMaximalLength() {
        int start = 1;
        int r = ProbeFilter.next(start);
        int period = 1;
        while (r != start) {
            r = ProbeFilter.next(r);
            period++;
        }
        assertEquals(32767, period);
    }

    @Test
    void badSettingsAreRejectedNamingTheValue() {
        String msg = assertThrows(
                        IllegalArgumentException.class, () -> new ProbeFilter(config(new double[] {1, -1, 1}, 0.5, 1)))
                .getMessage();
        assertTrue(msg.contains("amplitude -1.0"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> new ProbeFilter(config(new double[] {1, 1, 1}, 0, 1)))
                .getMessage();
        assertTrue(msg.contains("confidenceThreshold = 0.0"), msg);
        msg = assertThrows(
                        IllegalArgumentException.class, () -> new ProbeFilter(config(new double[] {1, 1, 1}, 0.5, 0)))
                .getMessage();
        assertTrue(msg.contains("bitSeconds = 0.0"), msg);
        assertThrows(IllegalArgumentException.class, () -> new ProbeFilter(config(new double[] {1, 1}, 0.5, 1)));
    }
}
