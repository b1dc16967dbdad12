package dev.cascade.examples.smoothing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import org.junit.jupiter.api.Test;

class SmoothingFilterTest {

    private static SmoothingFilter.Config tau(double seconds) {
        return new SmoothingFilter.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SmoothingFilter.Config.class;
            }

            @Override
            public double timeConstantSeconds() {
                return seconds;
            }

            @Override
            public String cascade_filter_pairs() {
                return "";
            }
        };
    }

    /** Runs one cycle of {@code pair} with the given error on every axis and returns the frame. */
    private static TestFrame cycle(SmoothingFilter filter, TestFrame frame, long cycle, double dt, double error) {
        frame.cycle = cycle;
        frame.dt = dt;
        frame.error[0] = error;
        frame.error[1] = error;
        frame.error[2] = error;
        filter.process(frame);
        return frame;
    }

    @Test
    void aStepReaches63PercentAfterOneTimeConstantWhateverTheRate() {
        for (double dt : new double[] {0.01, 0.1, 0.5}) {
            SmoothingFilter filter = new SmoothingFilter(tau(2.0));
            TestFrame frame = new TestFrame();
            cycle(filter, frame, 0, dt, 0); // first cycle starts from the error itself
            long steps = Math.round(2.0 / dt);
            for (long c = 1; c <= steps; c++) {
                cycle(filter, frame, c, dt, 1);
            }
            assertEquals(1 - Math.exp(-1), frame.error[0], 1e-9, "after one time constant at dt = " + dt);
        }
    }

    @Test
    void theFirstCycleAndARestartPassTheErrorThrough() {
        SmoothingFilter filter = new SmoothingFilter(tau(10));
        TestFrame frame = cycle(filter, new TestFrame(), 0, 0.1, 5);
        assertEquals(5, frame.error[1]);
        cycle(filter, frame, 1, 0.1, 0);
        assertTrue(frame.error[1] > 4.9, "smoothed, not passed: " + frame.error[1]);
        cycle(filter, frame, 0, 0.1, -3); // the pair was re-created: its cycle count starts again
        assertEquals(-3, frame.error[1]);
    }

    @Test
    void pairsAreSmoothedApartAndMaskedAxesAreLeftAlone() {
        SmoothingFilter filter = new SmoothingFilter(tau(1));
        TestFrame a = new TestFrame();
        a.pair = "a";
        TestFrame b = new TestFrame();
        b.pair = "b";
        b.axisMask = 0b101;
        cycle(filter, a, 0, 0.1, 10);
        cycle(filter, b, 0, 0.1, -10);
        cycle(filter, a, 1, 0.1, 0);
        b.error[1] = 7;
        b.cycle = 1;
        b.error[0] = 0;
        b.error[2] = 0;
        filter.process(b);
        assertEquals(10 * Math.exp(-0.1), a.error[0], 1e-12);
        assertEquals(-10 * Math.exp(-0.1), b.error[0], 1e-12);
        assertEquals(7, b.error[1], "a masked axis is not touched");
    }

    @Test
    void aBadTimeConstantIsRejectedNamingTheValue() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> new SmoothingFilter(tau(bad)));
            assertTrue(e.getMessage().contains("timeConstantSeconds = " + bad), e.getMessage());
        }
    }
}
