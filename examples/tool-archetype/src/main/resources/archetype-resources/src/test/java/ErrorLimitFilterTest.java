package ${package};

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.FilterFrame;
import java.lang.annotation.Annotation;
import org.junit.jupiter.api.Test;

/** Builds the filter through its constructor and hands it a frame, as the loop would: no framework. */
class ErrorLimitFilterTest {

    private static ErrorLimitFilter.Config limit(double... limit) {
        return new ErrorLimitFilter.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ErrorLimitFilter.Config.class;
            }

            @Override
            public double[] limit() {
                return limit;
            }

            @Override
            public String cascade_filter_pairs() {
                return "";
            }
        };
    }

    /** The frame the loop would hand in, reduced to what a filter touches. */
    static final class TestFrame implements FilterFrame {
        final double[] error;
        final double[] adjustment = new double[3];
        int axisMask = 7;

        TestFrame(double... error) {
            this.error = error;
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
            return axisMask;
        }

        public double parent(int axis) {
            return 0;
        }

        public double error(int axis) {
            return error[axis];
        }

        public void error(int axis, double value) {
            error[axis] = value;
        }

        public double adjustment(int axis) {
            return adjustment[axis];
        }

        public void adjustment(int axis, double value) {
            adjustment[axis] = value;
        }

        public double confidence() {
            return 1;
        }
    }

    @Test
    void errorsBeyondTheLimitAreCutAndOthersPass() {
        ErrorLimitFilter filter = new ErrorLimitFilter(limit(1, 2, 3));
        TestFrame frame = new TestFrame(10, -2.5, 0.5);
        filter.process(frame);
        assertArrayEquals(new double[] {1, -2, 0.5}, frame.error);
    }

    @Test
    void maskedAxesAreLeftAlone() {
        ErrorLimitFilter filter = new ErrorLimitFilter(limit(1, 1, 1));
        TestFrame frame = new TestFrame(10, 10, 10);
        frame.axisMask = 0b001;
        filter.process(frame);
        assertArrayEquals(new double[] {1, 10, 10}, frame.error);
    }

    @Test
    void aBadLimitIsRejectedNamingTheValue() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new ErrorLimitFilter(limit(1, 0, 1)));
        assertTrue(e.getMessage().contains("limit 0.0 is not valid"), e.getMessage());
    }
}
