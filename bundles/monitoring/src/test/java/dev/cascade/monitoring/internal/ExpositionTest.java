package dev.cascade.monitoring.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cascade.api.monitoring.Histogram;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpositionTest {

    @Test
    void labelValuesAreEscaped() {
        String text = new Exposition()
                .family("cascade_x_total", "counter", "Help with a \\ backslash\nand a line feed.")
                .sample("cascade_x_total", 3, "tool", "a \"quoted\" \\ name\nsecond line")
                .toString();
        assertEquals(
                "# HELP cascade_x_total Help with a \\\\ backslash\\nand a line feed.\n"
                        + "# TYPE cascade_x_total counter\n"
                        + "cascade_x_total{tool=\"a \\\"quoted\\\" \\\\ name\\nsecond line\"} 3\n",
                text);
    }

    @Test
    void numbersAreWrittenAsPrometheusReadsThem() {
        assertEquals("NaN", Exposition.number(Double.NaN));
        assertEquals("+Inf", Exposition.number(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", Exposition.number(Double.NEGATIVE_INFINITY));
        assertEquals("42", Exposition.number(42));
        assertEquals("-0.25", Exposition.number(-0.25));
        assertEquals("1.0E-5", Exposition.number(1e-5));
        assertEquals("1.0E20", Exposition.number(1e20));
    }

    @Test
    void aBadNameOrOddLabelsAreRefused() {
        Exposition e = new Exposition();
        assertThrows(IllegalArgumentException.class, () -> e.family("cascade-x", "gauge", "h"));
        assertThrows(IllegalArgumentException.class, () -> e.sample("cascade_x", 1, "pair"));
    }

    @Test
    void aHistogramHasCumulativeBucketsEndingInPlusInf() {
        Histogram h = new Histogram(
                "milliseconds",
                6,
                2,
                5,
                1,
                4,
                5,
                5,
                List.of(
                        new Histogram.Bucket(1, 2),
                        new Histogram.Bucket(2, 1),
                        new Histogram.Bucket(5, 3),
                        new Histogram.Bucket(Double.POSITIVE_INFINITY, 0)));
        Exposition e = new Exposition();
        MetricsText.histogram(e, "cascade_t_seconds", "T.", h, 1e3);
        assertEquals(
                "# HELP cascade_t_seconds T.\n"
                        + "# TYPE cascade_t_seconds histogram\n"
                        + "cascade_t_seconds_bucket{le=\"0.001\"} 2\n"
                        + "cascade_t_seconds_bucket{le=\"0.002\"} 3\n"
                        + "cascade_t_seconds_bucket{le=\"0.005\"} 6\n"
                        + "cascade_t_seconds_bucket{le=\"+Inf\"} 6\n"
                        + "cascade_t_seconds_sum 0.012\n"
                        + "cascade_t_seconds_count 6\n",
                e.toString());
    }

    @Test
    void aSummaryOfNothingHasNaNQuantilesAndZeroCount() {
        Exposition e = new Exposition();
        MetricsText.summary(
                e, "cascade_s_seconds", "S.", Histogram.empty("microseconds"), Histogram.empty("microseconds"), 1e6);
        assertEquals(
                "# HELP cascade_s_seconds S.\n"
                        + "# TYPE cascade_s_seconds summary\n"
                        + "cascade_s_seconds{quantile=\"0.5\"} NaN\n"
                        + "cascade_s_seconds{quantile=\"0.9\"} NaN\n"
                        + "cascade_s_seconds{quantile=\"0.99\"} NaN\n"
                        + "cascade_s_seconds{quantile=\"0.999\"} NaN\n"
                        + "cascade_s_seconds_sum 0\n"
                        + "cascade_s_seconds_count 0\n",
                e.toString());
    }
}
