package dev.cascade.network.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.network.Batch;
import dev.cascade.api.tensor.Vector3;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path dir;

    static Batch batch(long sequence) {
        Measurement m = new Measurement(
                "p1", sequence, new Vector3(1, 2, 3), new Vector3(0.1, 0.2, 0.3), new Vector3(-1, 0, 1), Quality.GOOD);
        return new Batch("p1", "node-a", sequence, List.of(m, m), 1000 + sequence);
    }

    @Test
    void keepsBatchesInOrderAcrossARestart() throws IOException {
        Spool spool = new Spool(dir, 10);
        for (long s = 1; s <= 3; s++) {
            spool.append(batch(s));
        }
        assertEquals(batch(1), spool.peek());
        spool.remove();
        Spool reopened = new Spool(dir, 10);
        assertEquals(2, reopened.depth());
        reopened.append(batch(4));
        for (long s = 2; s <= 4; s++) {
            assertEquals(batch(s), reopened.peek());
            reopened.remove();
        }
        assertTrue(reopened.isEmpty());
        assertNull(reopened.peek());
    }

    @Test
    void whenFullTheOldestAreDroppedAndCounted() throws IOException {
        Spool spool = new Spool(dir, 3);
        for (long s = 1; s <= 5; s++) {
            spool.append(batch(s));
        }
        assertEquals(3, spool.depth());
        assertEquals(2, spool.dropped());
        assertEquals(3, spool.peek().sequence());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(3, files.count());
        }
    }

    @Test
    void anUnreadableBatchIsDroppedAndTheNextOneServed() throws IOException {
        Spool spool = new Spool(dir, 10);
        spool.append(batch(1));
        spool.append(batch(2));
        try (Stream<Path> files = Files.list(dir).sorted()) {
            Path first = files.findFirst().orElseThrow();
            byte[] bytes = Files.readAllBytes(first);
            Files.write(first, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        }
        Spool reopened = new Spool(dir, 10);
        assertEquals(2, reopened.peek().sequence());
        assertEquals(1, reopened.dropped());
    }
}
