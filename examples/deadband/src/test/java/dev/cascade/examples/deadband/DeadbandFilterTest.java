package dev.cascade.examples.deadband;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.FilterFrame;
import java.lang.annotation.Annotation;
import org.junit.jupiter.api.Test;

class DeadbandFilterTest {

    private static DeadbandFilter.Config width(double... w) {
        return new DeadbandFilter.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return DeadbandFilter.Config.class;
            }

            @Override
            public double[] width() {
                return w;
            }

            @Override
            public String cascade_filter_pairs() {
                return "";
            }
        };
    }

    /** The frame the loop would hand in, reduced to what a filter touches. */
    static final class TestFrame implements FilterFrame {
        final double[] e;
        final double[] a = new double[3];

        TestFrame(double... e) {
            this.e = e;
        }

        public String pair() {
            return "p";
        }

        public long cycle() {
            return 0;
        }

        public double dt() {
            return 0.1;
        }

        public int axisMask() {
            return 7;
        }

        public double parent(int axis) {
            return 0;
        }

        public double error(int axis) {
            return e[axis];
        }

        public void error(int axis, double value) {
            e[axis] = value;
        }

        public double adjustment(int axis) {
            return a[axis];
        }

        public void adjustment(int axis, double value) {
            a[axis] = value;
        }

        public double confidence() {
            return 1;
        }
    }

    @Test
    void errorsInsideTheBandBecomeZeroAndOthersPass() {
        DeadbandFilter filter = new DeadbandFilter(width(0.1, 1, 0));
        TestFrame frame = new TestFrame(0.05, -2, 0.001);
        filter.process(frame);
        assertArrayEquals(new double[] {0, -2, 0.001}, frame.e);
        frame = new TestFrame(-0.2, 0.99, 0);
        filter.process(frame);
        assertArrayEquals(new double[] {-0.2, 0, 0}, frame.e);
    }

    @Test
    void badWidthsAreRejectedNamingTheValue() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new DeadbandFilter(width(1, -1, 1)));
        assertTrue(e.getMessage().contains("width -1.0 is not valid"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DeadbandFilter(width(1, 1)));
    }
}
