package dev.cascade.network.kafka.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.Node;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad configuration is refused with a message naming the PID, the field, the value and what is allowed. */
class KafkaTransportConfigTest {

    private static final Node NODE = new Node() {
        @Override
        public String id() {
            return "n1";
        }

        @Override
        public String version() {
            return "test";
        }

        @Override
        public Instant startedAt() {
            return Instant.EPOCH;
        }
    };

    static KafkaTransport.Config config(Map<String, Object> values) {
        return (KafkaTransport.Config) Proxy.newProxyInstance(
                KafkaTransport.Config.class.getClassLoader(),
                new Class<?>[] {KafkaTransport.Config.class},
                (proxy, method, args) -> values.getOrDefault(method.getName(), method.getDefaultValue()));
    }

    private static String refused(Object... keyValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return assertThrows(IllegalArgumentException.class, () -> new KafkaTransport(config(values), values, NODE))
                .getMessage();
    }

    @Test
    void badValuesAreRefusedWithTheirFieldAndWhatIsAllowed() {
        assertEquals(
                "dev.cascade.kafka: partitions = '0' is not valid; use a whole number from 1 to 10000",
                refused("partitions", 0));
        assertTrue(refused("roles", new String[] {"controller,judge"}).contains("roles = 'controller,judge'"));
        assertTrue(refused("roles", new String[] {""}).contains("roles = ''"));
        assertTrue(refused("measurementsTopic", "bad topic!").contains("a Kafka topic name"));
        assertTrue(refused("updatesTopic", "cascade.measurements").contains("a topic other than measurementsTopic"));
        assertTrue(refused("bootstrapServers", " ").contains("bootstrapServers"));
        assertTrue(refused("replicationFactor", 0).contains("replicationFactor = '0'"));
        assertTrue(refused("offlineAfterMillis", 5L).contains("offlineAfterMillis = '5'"));
    }

    @Test
    void kafkaPrefixedPropertiesGoToTheClients() {
        Map<String, Object> p = KafkaTransport.passThrough(Map.of(
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "bootstrapServers", "x:1",
                "kafka.", "ignored"));
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"), p);
    }
}
