package dev.cascade.tensor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The confidence formula: in [0, 1], monotone in each input. */
class ConfidenceTest {

    @Property(tries = 300, seed = "3201")
    void staysInTheUnitIntervalAndIsMonotone(
            @ForAll @DoubleRange(min = -1, max = 1) double r2,
            @ForAll @DoubleRange(min = 0, max = 10) double error,
            @ForAll @DoubleRange(min = 0, max = 1) double ratio,
            @ForAll @LongRange(min = 0, max = 100_000) long n,
            @ForAll @DoubleRange(min = 1, max = 1e12) double kappa,
            @ForAll @DoubleRange(min = 0, max = 1e5) double age) {
        double c = Confidence.of(r2, error, ratio, n, kappa, age, 600);
        assertTrue(c >= 0 && c <= 1);
        assertTrue(Confidence.of(Math.min(1, r2 + 0.1), error, ratio, n, kappa, age, 600) >= c, "better fit");
        assertTrue(Confidence.of(r2, error * 2, ratio, n, kappa, age, 600) <= c, "larger error");
        assertTrue(Confidence.of(r2, error, ratio, n + 10, kappa, age, 600) >= c, "more samples");
        assertTrue(Confidence.of(r2, error, ratio, n, kappa * 10, age, 600) <= c, "worse conditioning");
        assertTrue(Confidence.of(r2, error, ratio, n, kappa, age + 60, 600) <= c, "older");
        assertTrue(Confidence.of(r2, error, Math.min(1, ratio * 2), n, kappa, age, 600) >= c, "more even excitation");
    }

    @Test
    void theFactorsHaveTheirDocumentedHalfPoints() {
        assertEquals(0.5, Confidence.precision(0.1), 1e-12);
        assertEquals(0.5, Confidence.samples(20), 1e-12);
        assertEquals(0.5, Confidence.conditioning(1000), 1e-12);
        assertEquals(1 / Math.E, Confidence.freshness(600, 600), 1e-12);
        assertEquals(1, Confidence.excitation(0.01), 1e-12);
        assertEquals(0, Confidence.of(0.9, Double.NaN, 1, 100, 1, 0, 600));
        assertEquals(0, Confidence.of(0.9, 0.01, 1, 100, Double.POSITIVE_INFINITY, 0, 600));
    }
}
