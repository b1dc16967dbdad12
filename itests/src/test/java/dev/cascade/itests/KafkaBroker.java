package dev.cascade.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * A real single-node Kafka broker for the tests, run by {@code scripts/kafka-broker} as a developer runs it:
 * free loopback ports, data under {@code target/kafka/<random>}, stopped by its PID.
 */
final class KafkaBroker implements AutoCloseable {

    private static final Duration SCRIPT = Duration.ofMinutes(3);

    private final Path checkout = Path.of(System.getProperty("cascade.checkout"));
    private final Path dir;
    private String bootstrap;

    KafkaBroker() throws Exception {
        dir = Files.createDirectories(
                        Path.of("target", "kafka", UUID.randomUUID().toString()))
                .toAbsolutePath();
        start();
    }

    void start() throws Exception {
        Command.Result r = script("start");
        assertEquals(0, r.exit(), "scripts/kafka-broker start: " + r.output());
        // the address is the last thing the script prints (host:port), whatever came before it on stderr
        java.util.regex.Matcher address =
                java.util.regex.Pattern.compile("([A-Za-z0-9.-]+:[0-9]+)\\s*$").matcher(r.output());
        assertTrue(address.find(), "scripts/kafka-broker start printed no address: " + r.output());
        bootstrap = address.group(1);
    }

    void stop() throws Exception {
        Command.Result r = script("stop");
        assertEquals(0, r.exit(), "scripts/kafka-broker stop: " + r.output());
    }

    boolean running() throws Exception {
        return script("status").exit() == 0;
    }

    String bootstrap() {
        return bootstrap;
    }

    private Command.Result script(String command) throws Exception {
        return Command.run(
                checkout,
                Map.of(),
                null,
                SCRIPT,
                checkout.resolve("scripts/kafka-broker").toString(),
                command,
                dir.toString());
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
