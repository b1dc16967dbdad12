package dev.cascade.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade.api.monitoring.Histogram;
import dev.cascade.api.monitoring.HookMetrics;
import dev.cascade.api.monitoring.HookPhase;
import dev.cascade.api.monitoring.LoopMetrics;
import dev.cascade.api.monitoring.LoopWindow;
import dev.cascade.api.monitoring.Monitor;
import dev.cascade.api.monitoring.PairMetrics;
import dev.cascade.api.monitoring.PairSample;
import dev.cascade.api.network.NetworkMetrics;
import dev.cascade.api.network.OptimizerMetrics;
import dev.cascade.api.network.TransportState;
import dev.cascade.api.tools.ToolAllocation;
import dev.cascade.api.tools.ToolCapacity;
import dev.cascade.api.tools.ToolInfo;
import dev.cascade.api.tools.ToolState;
import dev.cascade.api.tools.ToolUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetricsCommandTest {

    /** A monitor with fixed numbers. */
    private static final Monitor MONITOR = new Monitor() {
        @Override
        public String node() {
            return "node-a";
        }

        @Override
        public List<PairMetrics> pairs() {
            return List.of();
        }

        @Override
        public Optional<PairMetrics> pair(String id) {
            return Optional.empty();
        }

        @Override
        public List<PairSample> history(String id) {
            return List.of();
        }

        @Override
        public LoopMetrics loop() {
            return new LoopMetrics(
                    5000,
                    new Histogram(
                            "microseconds",
                            5000,
                            42.5,
                            900,
                            40,
                            60,
                            120,
                            800,
                            List.of(new Histogram.Bucket(50, 4000), new Histogram.Bucket(900, 1000))),
                    new Histogram("microseconds", 5000, 80, 2000, 70, 100, 300, 1500, List.of()),
                    3);
        }

        @Override
        public LoopWindow loop(Duration last) {
            Histogram h = new Histogram("microseconds", 700, 30, 95, 28, 35, 61, 90, List.of());
            return new LoopWindow(
                    Instant.ofEpochSecond(100), Instant.ofEpochSecond(100).plus(last), h, h);
        }

        @Override
        public Optional<NetworkMetrics> network() {
            return Optional.of(
                    new NetworkMetrics("inproc", TransportState.DEGRADED, 5000, 0, 50, 40, 7, 2, 39, 1, 0.2, 0.5));
        }

        @Override
        public Optional<OptimizerMetrics> optimizer() {
            return Optional.of(new OptimizerMetrics("rls", true, 40, 4000, 1, 0, 39));
        }

        @Override
        public Histogram updateLatency() {
            return new Histogram("milliseconds", 39, 0.1, 2.5, 0.08, 0.12, 0.9, 2.5, List.of());
        }

        @Override
        public List<ToolInfo> tools() {
            return List.of(new ToolInfo(
                    "smoother",
                    "ex.bundle",
                    "Filter",
                    ToolState.ACTIVE,
                    "",
                    new ToolAllocation(0.05, 8, 0, 0, 100),
                    new ToolUsage(0.02, 2 * 1048576, 0, 10, 1)));
        }

        @Override
        public ToolCapacity capacity() {
            return new ToolCapacity(new ToolAllocation(1, 256, 16, 0, 0), new ToolAllocation(0.05, 8, 0, 0, 0));
        }

        @Override
        public List<HookMetrics> hooks() {
            return List.of(new HookMetrics("slow-hook", HookPhase.PERIODIC, 100, 20, 4, 0, 2, ToolState.ACTIVE));
        }
    };

    private static String run(Monitor monitor, boolean json) throws Exception {
        return run(monitor, json, LoopWindow.MAX_SECONDS);
    }

    private static String run(Monitor monitor, boolean json, int window) throws Exception {
        MetricsCommand command = new MetricsCommand();
        command.monitor = monitor;
        command.json = json;
        command.window = window;
        return Fakes.capture(out -> {
            command.out = out;
            command.execute();
        });
    }

    @Test
    void tablesShowPercentilesNetworkToolsAndHooks() throws Exception {
        String text = run(MONITOR, false);
        assertTrue(text.startsWith("node node-a: 5000 loop passes, 3 missed deadlines"), text);
        assertTrue(
                text.contains(
                        "loop cycle time (microseconds)        5000     42.50     40.00     60.00     120.0     800.0     900.0"),
                text);
        assertTrue(text.contains("loop lateness (microseconds)"), text);
        assertTrue(
                text.contains(
                        "  last 60 s                            700     30.00     28.00     35.00     61.00     90.00"),
                text);
        assertTrue(text.contains("update latency (milliseconds)           39    0.1000"), text);
        assertTrue(text.contains("network    inproc DEGRADED: 40 batches sent, spool 7, 2 dropped"), text);
        assertTrue(text.contains("optimizer  rls running: 40 batches folded, 1 duplicates"), text);
        assertTrue(text.contains("capacity held: CPU 0.05 of 1.00, heap 8 of 256 MiB, threads 0 of 16"), text);
        assertTrue(text.contains("smoother  ACTIVE"), text);
        assertTrue(text.contains("slow-hook  PERIODIC        100        20         4"), text);
    }

    @Test
    void largeNumbersHaveNoExponent() {
        assertEquals("35650", Text.number(35649.7));
        assertEquals("-123456789", Text.number(-123456789));
        assertEquals("9999", Text.number(9999));
        assertEquals("1.000e+09", Text.number(1e9));
        assertEquals("0.001000", Text.number(0.001));
        assertEquals("-", Text.number(Double.NaN));
    }

    @Test
    void jsonParses() throws Exception {
        JsonNode m = new ObjectMapper().readTree(run(MONITOR, true));
        assertEquals(120.0, m.get("loop").get("cycleTime").get("p99").asDouble());
        assertEquals(
                1000,
                m.get("loop")
                        .get("cycleTime")
                        .get("buckets")
                        .get(1)
                        .get("count")
                        .asLong());
        assertEquals(3, m.get("loop").get("missedDeadlines").asLong());
        assertEquals(
                61.0, m.get("loop").get("window").get("cycleTime").get("p99").asDouble());
        assertEquals(
                700, m.get("loop").get("window").get("lateness").get("count").asLong());
        assertEquals(0.9, m.get("updateLatency").get("p99").asDouble());
        assertEquals(7, m.get("network").get("spoolDepth").asLong());
        assertEquals(256, m.get("capacity").get("total").get("heapMb").asLong());
        assertEquals(4, m.get("hooks").get(0).get("overruns").asLong());
        assertEquals("smoother", m.get("tools").get(0).get("name").asText());
    }

    @Test
    void theWindowIsChosenInSeconds() throws Exception {
        JsonNode w =
                new ObjectMapper().readTree(run(MONITOR, true, 10)).get("loop").get("window");
        assertEquals(10, w.get("seconds").asInt());
        assertEquals("1970-01-01T00:01:40Z", w.get("start").asText());
        assertEquals("1970-01-01T00:01:50Z", w.get("end").asText());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(MONITOR, false, 61));
        assertEquals("--window 61 is not valid; use 1 to 60 seconds", e.getMessage());
    }

    @Test
    void withoutMonitoringItSaysSoAndFails() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(null, false));
        assertTrue(e.getMessage().startsWith("no metrics: no monitoring service"), e.getMessage());
    }
}
