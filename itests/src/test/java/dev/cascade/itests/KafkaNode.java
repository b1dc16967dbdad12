package dev.cascade.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Cascade node in distributed mode, as an operator sets one up: the built distribution unpacked into its
 * own folder, {@code cascade-kafka} added to the boot features, {@code etc/dev.cascade.kafka.cfg} naming
 * the broker and the roles, {@code transport = kafka} for the network and the optimizer; started with
 * {@code bin/start} on free loopback ports, driven through {@code bin/client}, ended by its PID.
 */
final class KafkaNode implements AutoCloseable {

    static final Duration START = Duration.ofSeconds(150);
    private static final Duration COMMAND = Duration.ofMinutes(2);

    final String id;
    final Path home;
    private final String password = Secrets.randomPassword();
    private final int httpPort;
    private final int sshPort;

    /**
     * @param roles {@code controller}, {@code optimizer} or both
     * @param demo whether the demo plant runs here (a controller); an optimizer node keeps the demo pair's
     *     configuration, for its estimator settings, without the plant
     */
    KafkaNode(String id, String bootstrap, String roles, boolean demo, String kafkaExtra) throws Exception {
        this.id = id;
        this.home = Files.createDirectories(Path.of("target", "instances", "kafka-" + id + "-" + UUID.randomUUID()))
                .toAbsolutePath();
        this.httpPort = Ports.free();
        this.sshPort = Ports.free();
        Command.Result untar = Command.run(
                home,
                Map.of(),
                null,
                COMMAND,
                "tar",
                "-xzf",
                System.getProperty("cascade.distribution"),
                "--strip-components=1");
        assertEquals(0, untar.exit(), untar.output());
        Path features = home.resolve("etc/org.apache.karaf.features.cfg");
        String boot = Files.readString(features);
        Files.writeString(features, boot.replace("featuresBoot = \\", "featuresBoot = cascade-kafka, \\"));
        write("etc/dev.cascade.node.cfg", "id = " + id + "\n");
        write("etc/dev.cascade.network.cfg", "transport = kafka\n");
        // the demo on its known tensor and the rls optimizer, as LoopIT, ToolsIT and ShellIT run it: these
        // tests are about what crosses Kafka (versions, hand-over, outages), not about learning the demo
        Distribution.useDemoTensor(home);
        write("etc/dev.cascade.optimizer.cfg", "estimator = rls\ntransport = kafka\n");
        write(
                "etc/dev.cascade.kafka.cfg",
                "bootstrapServers = " + bootstrap + "\nroles = " + roles + "\npartitions = 6\n" + kafkaExtra);
        if (!demo) {
            Files.writeString(
                    home.resolve("etc/dev.cascade.demo.cfg"),
                    "\nenabled = false\n",
                    java.nio.file.StandardOpenOption.APPEND);
        }
    }

    private void write(String file, String text) throws IOException {
        Files.writeString(home.resolve(file), text);
    }

    void start() throws Exception {
        launch();
        awaitReady();
    }

    void launch() throws Exception {
        Command.Result r = Command.run(
                home,
                Map.of(
                        "CASCADE_ADMIN_PASSWORD", password,
                        "CASCADE_HTTP_PORT", "" + httpPort,
                        "CASCADE_SSH_PORT", "" + sshPort),
                null,
                COMMAND,
                home.resolve("bin/start").toString());
        assertEquals(0, r.exit(), "bin/start of " + id + ": " + r.output());
    }

    void awaitReady() throws Exception {
        Conditions.await(
                id + " answers cascade:kafka",
                START,
                () -> shell("cascade:kafka --json"),
                out -> out.contains("\"state\":"));
    }

    /** Runs shell commands over SSH; returns what they print. */
    String shell(String commands) throws Exception {
        Command.Result r = Command.run(
                home,
                Map.of(),
                commands + "\n",
                COMMAND,
                home.resolve("bin/client").toString(),
                "-u",
                "admin",
                "-p",
                password,
                "-h",
                "127.0.0.1",
                "-a",
                "" + sshPort,
                "-r",
                "3",
                "-b");
        if (r.exit() != 0) {
            throw new IOException("bin/client on " + id + " exited " + r.exit() + ": " + r.output());
        }
        return r.output();
    }

    /** The number {@code field} in the output of {@code command} (a one-object JSON command). */
    long number(String command, String field) throws Exception {
        String out = shell(command);
        return field(out, field).orElseThrow(() -> new AssertionError(field + " not in " + out));
    }

    static Optional<Long> field(String json, String field) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\":(-?\\d+)").matcher(json);
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /** The version of the tensor the node's cache holds for {@code pair}, -1 for none. */
    long tensorVersion(String pair) throws Exception {
        String out = shell("cascade:network --json");
        Matcher m = Pattern.compile("\\{\"pair\":\"" + Pattern.quote(pair) + "\",\"version\":(\\d+)")
                .matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    long pid() throws IOException {
        return Long.parseLong(Files.readString(home.resolve("karaf.pid")).trim());
    }

    String log() throws IOException {
        return new String(Files.readAllBytes(home.resolve("data/log/karaf.log")), StandardCharsets.UTF_8);
    }

    void kill9() throws Exception {
        long pid = pid();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        Conditions.await(
                "PID " + pid + " of " + id + " ends",
                Duration.ofSeconds(30),
                () -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                alive -> !alive);
    }

    @Override
    public void close() throws Exception {
        if (!Files.exists(home.resolve("karaf.pid"))) {
            return;
        }
        long pid = pid();
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return;
        }
        Command.run(home, Map.of(), null, COMMAND, home.resolve("bin/stop").toString());
        try {
            Conditions.await(
                    "PID " + pid + " of " + id + " ends",
                    Duration.ofSeconds(60),
                    () -> !process.get().isAlive(),
                    gone -> gone);
        } catch (AssertionError stillRunning) {
            process.get().destroyForcibly();
        }
    }
}
