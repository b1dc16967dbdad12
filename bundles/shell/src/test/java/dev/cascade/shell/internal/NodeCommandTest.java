package dev.cascade.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.Node;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class NodeCommandTest {

    private static final Instant START = Instant.parse("2026-11-27T10:00:00Z");

    private static String run(boolean json) {
        NodeCommand command = new NodeCommand();
        command.node = new Node() {
            @Override
            public String id() {
                return "hall \"7\"";
            }

            @Override
            public String version() {
                return "0.1.0";
            }

            @Override
            public Instant startedAt() {
                return START;
            }
        };
        command.json = json;
        command.clock = Clock.fixed(START.plusSeconds(3725), ZoneOffset.UTC);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        command.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        command.execute();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tableShowsIdVersionAndUptime() {
        String table = run(false);
        assertTrue(table.contains("id         hall \"7\""), table);
        assertTrue(table.contains("version    0.1.0"), table);
        assertTrue(table.contains("uptime     1h 2m"), table);
    }

    @Test
    void jsonIsOneEscapedObject() {
        assertEquals(
                "{\"id\":\"hall \\\"7\\\"\",\"version\":\"0.1.0\",\"startedAt\":\"2026-11-27T10:00:00Z\","
                        + "\"uptimeSeconds\":3725}",
                run(true).strip());
    }

    @Test
    void humanDurations() {
        assertEquals("59s", NodeCommand.human(Duration.ofSeconds(59)));
        assertEquals("2m 5s", NodeCommand.human(Duration.ofSeconds(125)));
        assertEquals("2d 3h", NodeCommand.human(Duration.ofHours(51)));
    }
}
