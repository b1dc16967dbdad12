package dev.cascade.examples.oscillation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class OscillationDetectorTest {

    private static final double[] BAND = {0.5, 0.5, 0.5};

    /** Feeds {@code seconds} of 10 Hz samples of {@code y(t)} on axis y; returns the first detection time or -1. */
    private static double feed(OscillationDetector d, double seconds, java.util.function.DoubleUnaryOperator y) {
        for (int i = 0; i <= seconds * 10; i++) {
            double t = i / 10.0;
            if (d.sample(Math.round(t * 1000), 0, y.applyAsDouble(t), 0) == 1) {
                return t;
            }
        }
        return -1;
    }

    @Test
    void aSustainedSwingIsFoundAfterThreePeriodsWithItsAmplitudeAndPeriod() {
        OscillationDetector d = new OscillationDetector(BAND, 60_000, 6);
        double found = feed(d, 60, t -> 2 * Math.sin(2 * Math.PI * t / 8));
        // leaves the band upwards at about 0.3 s (a start, not a crossing), then crosses at about
        // 4.3, 8.3, ... s: the 6th crossing, 2.5 periods after the 1st, at about 24.3 s
        assertTrue(found > 23.5 && found < 25, "found at " + found + " s");
        assertEquals(8, d.periodSeconds(1), 0.3);
        assertEquals(2, d.amplitude(1), 0.05);
    }

    @Test
    void noiseInsideTheBandAndADecayingStepAreNotOscillations() {
        Random random = new Random(42);
        OscillationDetector d = new OscillationDetector(BAND, 60_000, 6);
        assertEquals(-1, feed(d, 300, t -> 0.4 * (2 * random.nextDouble() - 1)));
        d = new OscillationDetector(BAND, 60_000, 6);
        // an underdamped but settling response: a few swings out of the band, then inside it
        assertEquals(-1, feed(d, 300, t -> 5 * Math.exp(-t / 6) * Math.cos(2 * Math.PI * t / 8)));
    }

    @Test
    void swingsTooSlowForTheWindowAreNotOscillations() {
        OscillationDetector d = new OscillationDetector(BAND, 30_000, 6);
        assertEquals(-1, feed(d, 600, t -> 2 * Math.sin(2 * Math.PI * t / 40)));
    }

    @Test
    void anOscillationThatStopsIsNoLongerReported() {
        OscillationDetector d = new OscillationDetector(BAND, 20_000, 6);
        int verdict = -1;
        for (int i = 0; i <= 600; i++) {
            verdict = d.sample(i * 100L, 0, 2 * Math.sin(2 * Math.PI * i / 40.0), 0);
        }
        assertEquals(1, verdict, "oscillating at 60 s");
        for (int i = 601; i <= 850; i++) {
            verdict = d.sample(i * 100L, 0, 0.1, 0);
        }
        assertEquals(-1, verdict, "no crossing for longer than the window");
    }
}
