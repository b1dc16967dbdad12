package dev.cascade.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The first README command as a newcomer uses it: {@code ./cascade start} on a node with no users yet
 * prints a generated admin password once, and that password opens the Web Console and the shell; nothing
 * listens beyond loopback; {@code ./cascade stop} ends the process. Each test gets its own instance folder
 * and free ports, so a developer's own node is not touched.
 */
class StartScriptIT {

    private static final Path CHECKOUT = Path.of(System.getProperty("cascade.checkout"));
    private static final Duration SCRIPT = Duration.ofMinutes(5);
    private static final Duration NODE = Duration.ofSeconds(90);
    private static final Pattern PRINTED_PASSWORD = Pattern.compile("password\\s+(\\S+)");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void startPrintsAPasswordThatOpensConsoleAndShellAndStopEndsTheNode() throws Exception {
        assumeTrue(ListeningSockets.supported(), "needs Linux /proc");
        Path instance = instanceFolder();
        int httpPort = Ports.free();
        int sshPort = Ports.free();
        Map<String, String> env = Map.of(
                "CASCADE_INSTANCE", instance.toString(),
                "CASCADE_HTTP_PORT", "" + httpPort,
                "CASCADE_SSH_PORT", "" + sshPort);

        Command.Result start = cascade(env, null, "start");
        Path pidFile = instance.resolve("node/karaf.pid");
        try {
            assertEquals(0, start.exit(), start.output());
            Matcher printed = PRINTED_PASSWORD.matcher(start.output());
            assertTrue(printed.find(), "start prints the generated password: " + start.output());
            String password = printed.group(1);
            long pid = Conditions.await(
                    "the node writes its PID",
                    NODE,
                    () -> Long.parseLong(Files.readString(pidFile).trim()),
                    p -> p > 0);
            URI bundles = URI.create("http://127.0.0.1:" + httpPort + "/system/console/bundles");
            Conditions.await(
                    "console answers 200 with the printed password",
                    NODE,
                    () -> status(bundles, "admin", password),
                    code -> code == 200);
            assertEquals(401, status(URI.create("http://127.0.0.1:" + httpPort + "/system/console"), null, null));
            assertEquals(401, status(bundles, "admin", password + "x"));

            List<ListeningSockets.Listener> listeners = Conditions.await(
                    "HTTP and SSH listening",
                    NODE,
                    () -> ListeningSockets.of("" + pid),
                    l -> l.stream().anyMatch(s -> s.port() == httpPort)
                            && l.stream().anyMatch(s -> s.port() == sshPort));
            for (ListeningSockets.Listener listener : listeners) {
                assertTrue(listener.loopback(), "listens beyond loopback on " + listener + "; all: " + listeners);
            }

            String users = Files.readString(instance.resolve("node/etc/users.properties"));
            assertTrue(users.contains("admin = {CRYPT}" + Secrets.sha256Hex(password) + "{CRYPT}"), users);
            assertFalse(users.contains(password), "the plain password is not stored");

            Command.Result shell = Conditions.await(
                    "cascade:node over SSH",
                    NODE,
                    () -> cascade(env, "cascade:node --json\n", "shell", "-p", password, "-b"),
                    r -> r.output().contains("\"id\":"));
            assertTrue(shell.output().contains("\"version\":\"0.1.0-SNAPSHOT\""), shell.output());

            assertEquals(0, cascade(env, null, "status").exit());
            Command.Result again = cascade(env, null, "start");
            assertNotEquals(0, again.exit(), "a second start is refused: " + again.output());
            assertFalse(PRINTED_PASSWORD.matcher(again.output()).find(), "the password is printed only once");
        } finally {
            stopAndAwait(env, pidFile);
        }
        assertEquals(3, cascade(env, null, "status").exit(), "status says not running");
    }

    @Test
    void passwordFromTheEnvironmentIsHashedAndNeverPrinted() throws Exception {
        Path home = unpackDistribution();
        String password = Secrets.randomPassword();
        Path initScript = home.resolve("bin/cascade-init");
        Path users = home.resolve("etc/users.properties");

        Command.Result init =
                Command.run(home, Map.of("CASCADE_ADMIN_PASSWORD", password), null, SCRIPT, initScript.toString());
        assertEquals(0, init.exit(), init.output());
        assertFalse(init.output().contains(password), init.output());
        String hashLine = "admin = {CRYPT}" + Secrets.sha256Hex(password) + "{CRYPT},_g_:admingroup";
        assertTrue(Files.readString(users).contains(hashLine), Files.readString(users));

        Command.Result second = Command.run(home, Map.of(), null, SCRIPT, initScript.toString());
        assertEquals(0, second.exit());
        assertEquals(1, count(Files.readString(users), "admin ="), "an existing admin is kept");
        assertTrue(Files.readString(users).contains(hashLine));

        Command.Result reset = Command.run(home, Map.of(), null, SCRIPT, initScript.toString(), "--reset");
        assertEquals(0, reset.exit(), reset.output());
        Matcher printed = PRINTED_PASSWORD.matcher(reset.output());
        assertTrue(printed.find(), reset.output());
        String users2 = Files.readString(users);
        assertEquals(1, count(users2, "admin ="));
        assertTrue(users2.contains("{CRYPT}" + Secrets.sha256Hex(printed.group(1)) + "{CRYPT}"), users2);

        Command.Result bad = Command.run(home, Map.of(), null, SCRIPT, initScript.toString(), "--oops");
        assertEquals(2, bad.exit());
        assertTrue(bad.output().contains("unknown argument '--oops'"), bad.output());
    }

    /** {@code ./cascade stop}, then make sure the PID is gone: killed if stop did not end it. */
    private void stopAndAwait(Map<String, String> env, Path pidFile) throws Exception {
        Command.Result stop = cascade(env, null, "stop");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        Optional<ProcessHandle> node = ProcessHandle.of(pid);
        if (node.isEmpty()) {
            return;
        }
        boolean ended;
        try {
            ended = Conditions.await(
                    "PID " + pid + " ends", NODE, () -> !node.get().isAlive(), gone -> gone);
        } catch (AssertionError stillRunning) {
            node.get().destroyForcibly();
            ended = false;
        }
        assertTrue(ended, "stop ends PID " + pid + ": " + stop.output());
    }

    private Command.Result cascade(Map<String, String> env, String stdin, String... args)
            throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = CHECKOUT.resolve("cascade").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        return Command.run(CHECKOUT, env, stdin, SCRIPT, command);
    }

    private int status(URI uri, String user, String password) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (user != null) {
            request.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static Path instanceFolder() throws IOException {
        return Files.createDirectories(
                        Path.of("target", "instances", UUID.randomUUID().toString()))
                .toAbsolutePath();
    }

    private static Path unpackDistribution() throws Exception {
        Path into = instanceFolder();
        Command.Result untar = Command.run(
                into,
                Map.of(),
                null,
                SCRIPT,
                "tar",
                "-xzf",
                System.getProperty("cascade.distribution"),
                "--strip-components=1");
        assertEquals(0, untar.exit(), untar.output());
        return into;
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
