package dev.cascade.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Version;

class NodeIdentityTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);

    private static NodeIdentity.Config config(String id) {
        return new NodeIdentity.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return NodeIdentity.Config.class;
            }

            @Override
            public String id() {
                return id;
            }
        };
    }

    @Test
    void configuredIdIsUsed() {
        NodeIdentity node = new NodeIdentity(config(" hall-7 "), "0.1.0", CLOCK, () -> "ignored");
        assertEquals("hall-7", node.id());
        assertEquals("0.1.0", node.version());
        assertEquals(CLOCK.instant(), node.startedAt());
    }

    @Test
    void emptyIdFallsBackToTheFirstLabelOfTheHostName() {
        assertEquals("web01", new NodeIdentity(config(""), "0.1.0", CLOCK, () -> "web01.example.org").id());
        assertEquals("node-x", new NodeIdentity(config(""), "0.1.0", CLOCK, () -> "-x").id());
        assertEquals("node", new NodeIdentity(config(""), "0.1.0", CLOCK, () -> null).id());
    }

    @Test
    void invalidIdIsRejectedNamingTheFieldAndTheValue() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new NodeIdentity(config("bad id!"), "0.1.0", CLOCK, () -> "host"));
        assertTrue(e.getMessage().contains("id = 'bad id!'"), e.getMessage());
        assertTrue(e.getMessage().contains("dev.cascade.node"), e.getMessage());
    }

    @Test
    void versionDropsTheOsgiQualifierDot() {
        assertEquals("0.1.0-SNAPSHOT", NodeIdentity.describe(Version.parseVersion("0.1.0.SNAPSHOT")));
        assertEquals("1.2.3", NodeIdentity.describe(Version.parseVersion("1.2.3")));
    }
}
