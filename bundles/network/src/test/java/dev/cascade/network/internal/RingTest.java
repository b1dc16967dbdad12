package dev.cascade.network.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cascade.api.control.Measurement;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingTest {

    private final Fixtures.Frame frame = new Fixtures.Frame();

    private void put(Ring ring, long t) {
        frame.timestamp = t;
        frame.parent[0] = t;
        frame.adjustment[2] = -t;
        ring.put(frame);
    }

    @Test
    void givesMeasurementsBackInOrderAndInPieces() {
        Ring ring = new Ring("p1", 16);
        for (int t = 0; t < 10; t++) {
            put(ring, t);
        }
        assertEquals(10, ring.available());
        assertEquals(0, ring.oldestTime());
        List<Measurement> first = ring.take(4);
        List<Measurement> rest = ring.take(100);
        assertEquals(
                List.of(0L, 1L, 2L, 3L),
                first.stream().map(Measurement::timestamp).toList());
        assertEquals(6, rest.size());
        assertEquals(9, rest.get(5).parent().x());
        assertEquals(-9, rest.get(5).adjustment().z());
        assertEquals(0, ring.available());
        assertEquals(0, ring.overwritten());
    }

    @Test
    void whenFullTheNewestOverwriteTheOldestAndAreCounted() {
        Ring ring = new Ring("p1", 16);
        for (int t = 0; t < 40; t++) {
            put(ring, t);
        }
        List<Measurement> kept = ring.take(100);
        // the slot the loop would write next is never trusted: capacity - 1 survive
        assertEquals(15, kept.size());
        assertEquals(25, kept.get(0).timestamp());
        assertEquals(39, kept.get(14).timestamp());
        assertEquals(25, ring.overwritten());
        assertEquals(40, ring.collected());
        assertEquals(ring.collected(), ring.overwritten() + kept.size());
    }
}
