package dev.cascade.network.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.monitoring.Histogram;
import org.junit.jupiter.api.Test;

class LatenciesTest {

    @Test
    void everyLatencyGoesIntoTheHistogramAndTheLastThousandIntoTheP99() {
        Latencies l = new Latencies();
        assertEquals(0, l.histogram().count());
        assertTrue(Double.isNaN(l.lastMillis()) && Double.isNaN(l.p99Millis()));
        for (int i = 1; i <= 2000; i++) {
            l.add(i * 1_000L); // 1 us .. 2 ms
        }
        Histogram first = l.histogram();
        assertEquals(2000, first.count());
        assertEquals("milliseconds", first.unit());
        assertEquals(1.0, first.p50(), 0.02);
        assertEquals(2.0, first.max(), 0.02);
        assertEquals(2.0, l.lastMillis(), 1e-9);
        assertEquals(1.99, l.p99Millis(), 1e-9); // of the last 1000: 1.001 .. 2.0 ms
        l.add(3_000_000L);
        Histogram second = l.histogram();
        assertEquals(2001, second.count(), "snapshots add up: nothing is lost between them");
        assertEquals(
                second.count(),
                second.buckets().stream().mapToLong(Histogram.Bucket::count).sum());
        assertEquals(3.0, second.max(), 0.03);
    }
}
