package dev.cascade.monitoring.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.PairState;
import dev.cascade.api.control.PairStatus;
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
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import dev.cascade.api.tools.ToolAllocation;
import dev.cascade.api.tools.ToolCapacity;
import dev.cascade.api.tools.ToolInfo;
import dev.cascade.api.tools.ToolState;
import dev.cascade.api.tools.ToolUsage;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class MetricsServletTest {

    /** A monitor with one pair, one tool, one hook, a network and an optimizer. */
    static final class FixedMonitor implements Monitor {
        @Override
        public String node() {
            return "node-1";
        }

        @Override
        public List<PairMetrics> pairs() {
            PairStatus s = new PairStatus(
                    "hall\"1",
                    "hall-1",
                    "crah-1",
                    PairState.RUNNING,
                    "",
                    new Vector3(24, 45, 120),
                    new Vector3(0.5, -0.25, 1e-7),
                    0.75,
                    3,
                    1000,
                    2,
                    0.4,
                    new Vector3(1, 2, 3),
                    12.5);
            return List.of(new PairMetrics(s, Matrix3.ZERO, Optional.empty(), Optional.empty()));
        }

        @Override
        public Optional<PairMetrics> pair(String id) {
            return pairs().stream().filter(p -> p.id().equals(id)).findFirst();
        }

        @Override
        public List<PairSample> history(String id) {
            return List.of();
        }

        @Override
        public LoopMetrics loop() {
            Histogram h = new Histogram(
                    "microseconds",
                    10,
                    20,
                    100,
                    15,
                    40,
                    100,
                    100,
                    List.of(new Histogram.Bucket(20, 8), new Histogram.Bucket(Double.POSITIVE_INFINITY, 2)));
            return new LoopMetrics(10, h, Histogram.empty("microseconds"), 2);
        }

        @Override
        public LoopWindow loop(Duration last) {
            assertEquals(Duration.ofMinutes(1), last, "the summaries' quantiles are of the last minute");
            Histogram h = new Histogram("microseconds", 4, 30, 250, 20, 40, 250, 250, List.of());
            return new LoopWindow(Instant.ofEpochMilli(0), Instant.ofEpochMilli(60_000), h, h);
        }

        @Override
        public Optional<NetworkMetrics> network() {
            return Optional.of(
                    new NetworkMetrics("inproc", TransportState.CONNECTED, 100, 0, 1, 1, 0, 0, 1, 0, 0.1, 0.1));
        }

        @Override
        public Optional<OptimizerMetrics> optimizer() {
            return Optional.of(new OptimizerMetrics("rls", true, 1, 100, 0, 0, 1));
        }

        @Override
        public Histogram updateLatency() {
            return Histogram.empty("milliseconds");
        }

        @Override
        public List<ToolInfo> tools() {
            return List.of(new ToolInfo(
                    "com.example.Tool",
                    "com.example",
                    "Filter",
                    ToolState.ACTIVE,
                    "",
                    new ToolAllocation(0.01, 8, 0, 0, 100),
                    new ToolUsage(0.001, 1024, 0, 5, 0)));
        }

        @Override
        public ToolCapacity capacity() {
            return new ToolCapacity(new ToolAllocation(1, 256, 16, 0, 0), new ToolAllocation(0.01, 8, 0, 0, 100));
        }

        @Override
        public List<HookMetrics> hooks() {
            return List.of(new HookMetrics("hook\\a", HookPhase.PERIODIC, 50, 10, 2, 1, 3, ToolState.ACTIVE));
        }
    }

    /** What a response got. */
    static final class Answer {
        int status;
        final Map<String, String> headers = new HashMap<>();
        String contentType;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    private static Answer get(MetricsServlet servlet, String authorization) throws Exception {
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(
                MetricsServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> "Authorization".equalsIgnoreCase((String) args[0]) ? authorization : null;
                    case "getMethod" -> "GET";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        Answer answer = new Answer();
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {}

            @Override
            public void write(int b) {
                answer.body.write(b);
            }
        };
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
                MetricsServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "setStatus" -> answer.status = (Integer) args[0];
                        case "setHeader" -> answer.headers.put((String) args[0], (String) args[1]);
                        case "setContentType" -> answer.contentType = (String) args[0];
                        case "setContentLength" -> {}
                        case "getOutputStream" -> {
                            return out;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                    return null;
                });
        servlet.doGet(request, response);
        return answer;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static final Authenticator ADMIN_ONLY = (user, password) -> !"s3cret-pw".equals(password)
            ? Authenticator.Result.DENIED
            : "admin".equals(user) ? Authenticator.Result.GRANTED : Authenticator.Result.FORBIDDEN;

    @Test
    void withoutOrWithWrongCredentialsIts401WithAChallenge() throws Exception {
        MetricsServlet servlet = new MetricsServlet(new FixedMonitor(), ADMIN_ONLY, "karaf");
        for (String authorization : new String[] {null, basic("admin", "wrong"), "Basic %%%", "Bearer x"}) {
            Answer a = get(servlet, authorization);
            assertEquals(401, a.status, "with " + authorization);
            assertEquals("Basic realm=\"Cascade metrics\", charset=\"UTF-8\"", a.headers.get("WWW-Authenticate"));
            assertTrue(!a.text().contains("cascade_"), "no metrics without credentials");
        }
        Answer forbidden = get(servlet, basic("viewer", "s3cret-pw"));
        assertEquals(403, forbidden.status);
        assertTrue(forbidden.text().contains("lacks the role"), forbidden.text());
    }

    @Test
    void withTheRoleOrOpenItServesTheExpositionFormat() throws Exception {
        Answer a = get(new MetricsServlet(new FixedMonitor(), ADMIN_ONLY, "karaf"), basic("admin", "s3cret-pw"));
        assertEquals(200, a.status);
        assertEquals("text/plain; version=0.0.4; charset=utf-8", a.contentType);
        String text = a.text();
        assertTrue(text.contains("cascade_pair_cycles_total{pair=\"hall\\\"1\"} 1000\n"), text);
        assertTrue(text.contains("cascade_pair_error{pair=\"hall\\\"1\",axis=\"z\"} 1.0E-7\n"), text);
        assertTrue(text.contains("cascade_pair_state{pair=\"hall\\\"1\",state=\"running\"} 1\n"), text);
        assertTrue(text.contains("cascade_pair_error_abs_integral{pair=\"hall\\\"1\"} 12.5\n"), text);
        // quantiles of the last minute, count since the start
        assertTrue(text.contains("cascade_loop_cycle_seconds{quantile=\"0.99\"} 2.5E-4\n"), text);
        assertTrue(text.contains("cascade_loop_cycle_seconds_count 10\n"), text);
        assertTrue(text.contains("cascade_update_latency_seconds_count 0\n"), text);
        assertTrue(
                text.contains("cascade_network_transport_state{transport=\"inproc\",state=\"connected\"} 1\n"), text);
        assertTrue(text.contains("cascade_tool_heap_contract_bytes{tool=\"com.example.Tool\"} 8388608\n"), text);
        assertTrue(text.contains("cascade_node_tool_threads{of=\"total\"} 16\n"), text);
        assertTrue(text.contains("cascade_hook_overruns_total{hook=\"hook\\\\a\",phase=\"periodic\"} 2\n"), text);
        Answer open = get(new MetricsServlet(new FixedMonitor(), null, "karaf"), null);
        assertEquals(200, open.status);
        assertEquals(text, open.text());
    }

    /** The whole output passes Prometheus' own linter, where it is installed (scripts/test-tools installs it). */
    @Test
    void promtoolAcceptsTheOutput() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        Assumptions.assumeTrue(Files.isExecutable(promtool), "promtool is not installed");
        String text = MetricsText.of(new FixedMonitor());
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics")
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool did not end");
        assertEquals(0, p.exitValue(), "promtool check metrics: " + out + "\n" + text);
    }
}
