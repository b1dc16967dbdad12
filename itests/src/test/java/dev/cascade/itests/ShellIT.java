package dev.cascade.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every {@code cascade:} command through a real SSH client against the running distribution, as an
 * operator's script runs it: OpenSSH {@code ssh} with the command as its argument (the password comes from
 * an {@code SSH_ASKPASS} program that reads it from the environment), and Karaf's own {@code bin/client -b}
 * with the command on stdin. Both report a failed command with exit status 1 and Karaf's {@code Error
 * executing command: <message>} line; a successful one with 0.
 */
class ShellIT {

    private static final Duration NODE = Duration.ofSeconds(120);
    private static final Duration COMMAND = Duration.ofSeconds(60);
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path home;
    private static Process node;
    private static String password;
    private static int sshPort;
    private static Path askpass;

    @BeforeAll
    static void startNode() throws Exception {
        home = Files.createDirectories(
                        Path.of("target", "instances", UUID.randomUUID().toString()))
                .toAbsolutePath();
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
        // the demo pair runs from its first cycle on its known tensor (the shipped demo learns from scratch)
        Distribution.useDemoTensor(home);
        password = Secrets.randomPassword();
        sshPort = Ports.free();
        ProcessBuilder karaf = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("karaf.out").toFile());
        karaf.environment().put("CASCADE_ADMIN_PASSWORD", password);
        karaf.environment().put("CASCADE_SSH_PORT", "" + sshPort);
        karaf.environment().put("CASCADE_HTTP_PORT", "" + Ports.free());
        node = karaf.start();
        // the password reaches ssh through this program's environment, never its command line or a file
        askpass = home.resolve("askpass");
        Files.writeString(askpass, "#!/bin/sh\nprintf '%s\\n' \"$CASCADE_TEST_PASSWORD\"\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        Conditions.await(
                "the demo pair runs, seen over SSH",
                NODE,
                () -> ssh("cascade:pairs"),
                r -> r.exit() == 0 && r.output().contains("hall1") && r.output().contains("RUNNING"));
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node == null) {
            return;
        }
        Command.run(home, Map.of(), null, COMMAND, home.resolve("bin/stop").toString());
        try {
            Conditions.await("the node ends", NODE, () -> !node.isAlive(), ended -> ended);
        } finally {
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly();
        }
    }

    /** Runs one command line through OpenSSH, the command as ssh's argument. */
    private static Command.Result ssh(String commandLine) throws IOException, InterruptedException {
        Command.Result r = Command.run(
                home,
                Map.of(
                        "CASCADE_TEST_PASSWORD",
                        password,
                        "SSH_ASKPASS",
                        askpass.toString(),
                        "SSH_ASKPASS_REQUIRE",
                        "force",
                        "DISPLAY",
                        ""),
                null,
                COMMAND,
                "ssh",
                "-F",
                "/dev/null",
                "-p",
                "" + sshPort,
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "PubkeyAuthentication=no",
                "-o",
                "PreferredAuthentications=password,keyboard-interactive",
                "-o",
                "NumberOfPasswordPrompts=1",
                "-o",
                "LogLevel=ERROR",
                "admin@127.0.0.1",
                commandLine);
        return new Command.Result(r.exit(), ANSI.matcher(r.output()).replaceAll(""));
    }

    /** Runs command lines through Karaf's client in batch mode, on stdin. */
    private static Command.Result client(String lines) throws IOException, InterruptedException {
        Command.Result r = Command.run(
                home,
                Map.of(),
                lines,
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
                "-b");
        return new Command.Result(r.exit(), ANSI.matcher(r.output()).replaceAll(""));
    }

    private static String ok(String commandLine) throws Exception {
        Command.Result r = ssh(commandLine);
        assertEquals(0, r.exit(), commandLine + " succeeds: " + r.output());
        return r.output();
    }

    private static JsonNode json(String commandLine) throws Exception {
        String out = ok(commandLine);
        // the only line that is not JSON is ssh's own note that the server closed the connection
        String body = out.lines().filter(l -> !l.startsWith("Connection to ")).reduce("", (a, b) -> a + b + "\n");
        return JSON.readTree(body);
    }

    private static void fails(String commandLine, String message) throws Exception {
        Command.Result r = ssh(commandLine);
        assertNotEquals(0, r.exit(), commandLine + " fails: " + r.output());
        assertTrue(r.output().contains("Error executing command"), r.output());
        assertTrue(r.output().contains(message), commandLine + " says '" + message + "': " + r.output());
    }

    @Test
    void nodePairsToolsAndNetworkInTextAndJson() throws Exception {
        assertTrue(ok("cascade:node").contains("version    0.1.0-SNAPSHOT"));
        assertEquals(
                "0.1.0-SNAPSHOT", json("cascade:node --json").get("version").asText());

        assertTrue(ok("cascade:pairs").contains("hall-1 -> crah-1"));
        JsonNode pairs = json("cascade:pairs --json");
        assertEquals("hall1", pairs.get(0).get("id").asText());

        String tools = ok("cascade:tools");
        assertTrue(tools.startsWith("TOOL") && tools.contains("dev.cascade.demo.internal.HallAdapter"), tools);
        List<String> names = new ArrayList<>();
        json("cascade:tools --json").forEach(t -> names.add(t.get("name").asText()));
        assertTrue(names.contains("dev.cascade.tensor.internal.RlsEstimator"), names.toString());

        assertTrue(ok("cascade:network").contains("inproc"));
        JsonNode network = json("cascade:network --json");
        assertEquals("inproc", network.get("transport").asText());
        assertTrue(network.get("optimizerRunning").asBoolean(), network.toString());
    }

    @Test
    void pairShowsTheDemoPairInDetail() throws Exception {
        String text = ok("cascade:pair hall1");
        assertTrue(text.contains("parent -> child    hall-1 -> crah-1"), text);
        assertTrue(text.contains("integral |error|"), text);
        assertTrue(text.contains("T, the controller tensor in use:"), text);
        JsonNode pair = json("cascade:pair --json hall1");
        assertEquals("RUNNING", pair.get("state").asText());
        assertEquals(3, pair.get("tensor").size());
        assertEquals(3, pair.get("tensor").get(2).size());
        assertTrue(pair.get("cycles").asLong() > 0);
        assertTrue(pair.get("integralAbsError").asDouble() > 0);
    }

    @Test
    void setpointGoesThroughConfigAdminAndShowsInThePair() throws Exception {
        double before = json("cascade:pair --json hall1").get("setpoint").get(0).asDouble();
        try {
            String said = ok("cascade:setpoint hall1 24.5 45 120");
            assertTrue(said.contains("hall1: setpoint") && said.contains("-> 24.50, 45.00, 120.0"), said);
            JsonNode pair = json("cascade:pair --json hall1");
            assertEquals(24.5, pair.get("setpoint").get(0).asDouble());
            assertEquals("RUNNING", pair.get("state").asText(), "the loop keeps running");
            String cfg = Files.readString(home.resolve("etc/dev.cascade.pair-hall1.cfg"));
            assertTrue(cfg.contains("24.5"), "Config Admin wrote it back to etc/: " + cfg);
        } finally {
            ok("cascade:setpoint hall1 " + before + " 45 120");
        }
    }

    @Test
    void tensorShowsTheTensorAndResetStartsEstimationOver() throws Exception {
        String text = ok("cascade:tensor hall1");
        assertTrue(text.contains("source       configured initial tensor"), text);
        JsonNode tensor = json("cascade:tensor --json hall1");
        assertEquals(0, tensor.get("version").asLong());
        assertEquals(3, tensor.get("tensor").size());
        Conditions.await(
                "the optimizer has an estimate of the demo's gain",
                NODE,
                () -> json("cascade:tensor --json hall1"),
                t -> !t.get("gain").isNull());

        JsonNode reset = json("cascade:tensor --reset --json hall1");
        long resetTo = reset.get("resetToVersion").asLong();
        assertTrue(resetTo > 0, reset.toString());
        assertEquals(0, reset.get("version").asLong(), "back on the configured initial tensor");
        assertTrue(
                reset.get("gain").isNull() || reset.get("gainVersion").asLong() > resetTo,
                "the cache dropped the estimate from before the reset: " + reset);
        String again = ok("cascade:tensor --reset hall1");
        assertTrue(again.contains("hall1: estimation reset (reset v"), again);
        assertTrue(again.contains("back on its configured initial tensor"), again);
        assertEquals("RUNNING", json("cascade:pair --json hall1").get("state").asText());
    }

    @Test
    void toolActsOnOneTool() throws Exception {
        String estimator = "dev.cascade.tensor.internal.RlsEstimator";
        try {
            assertTrue(ok("cascade:tool " + estimator + " quarantine").contains(estimator + ": QUARANTINED"));
        } finally {
            assertTrue(ok("cascade:tool " + estimator + " release").contains(estimator + ": ACTIVE"));
        }
    }

    @Test
    void metricsComeFromTheMonitorOrSayItIsMissing() throws Exception {
        boolean monitoring = Files.exists(home.resolve("system/dev/cascade/monitoring"));
        if (!monitoring) {
            fails("cascade:metrics", "no metrics: no monitoring service");
            return;
        }
        String text = ok("cascade:metrics");
        assertTrue(text.contains("loop cycle time"), text);
        JsonNode metrics = json("cascade:metrics --json");
        assertTrue(metrics.get("loop").get("passes").asLong() > 0, metrics.toString());
        // the recent window: whole seconds that have ended, the loop has run for more than a few
        JsonNode window = json("cascade:metrics --json --window 5").get("loop").get("window");
        assertEquals(5, window.get("seconds").asInt(), window.toString());
        assertTrue(window.get("cycleTime").get("count").asLong() > 0, window.toString());
        assertTrue(window.get("cycleTime").get("p99").asDouble() > 0, window.toString());
        assertEquals("inproc", metrics.get("network").get("transport").asText());
    }

    @Test
    void badArgumentsGiveAClearMessageAndANonZeroStatus() throws Exception {
        fails("cascade:pair hall9", "no pair 'hall9'; known: hall1");
        fails("cascade:tensor hall9", "no pair 'hall9'");
        fails("cascade:tensor --reset hall9", "no pair 'hall9'");
        fails("cascade:setpoint hall9 24 45 120", "no pair 'hall9'");
        fails("cascade:setpoint hall1 24 warm 120", "Y = 'warm' is not a number");
        fails("cascade:setpoint hall1 24 45 NaN", "Z = NaN is not a finite number");
        fails("cascade:setpoint hall1 24 45", "got 2 values (24 45); cascade:setpoint ID X Y Z takes three");
        fails("cascade:tool nosuch quarantine", "no tool 'nosuch'");
        fails("cascade:tool dev.cascade.tensor.internal.RlsEstimator dance", "action 'dance' is not known");
        fails("cascade:pair", "argument id is required");
        assertEquals(
                24.0, json("cascade:pair --json hall1").get("setpoint").get(0).asDouble(), "unchanged");
    }

    @Test
    void karafsClientReportsTheSameWay() throws Exception {
        Command.Result good = client("cascade:pair hall1\n");
        assertEquals(0, good.exit(), good.output());
        assertTrue(good.output().contains("parent -> child    hall-1 -> crah-1"), good.output());
        Command.Result bad = client("cascade:setpoint hall1 24 45 Infinity\n");
        assertEquals(1, bad.exit(), bad.output());
        assertTrue(bad.output().contains("Z = Infinity is not a finite number"), bad.output());
        // in batch mode the first failing line ends the session: the line after it does not run
        Command.Result stops = client("cascade:pair hall9\ncascade:node\n");
        assertEquals(1, stops.exit(), stops.output());
        assertTrue(!stops.output().contains("uptime"), stops.output());
    }
}
