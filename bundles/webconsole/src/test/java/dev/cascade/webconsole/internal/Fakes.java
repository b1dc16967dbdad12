package dev.cascade.webconsole.internal;

import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.PairState;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.estimation.EstimatorSettings;
import dev.cascade.api.monitoring.Histogram;
import dev.cascade.api.monitoring.HookMetrics;
import dev.cascade.api.monitoring.HookPhase;
import dev.cascade.api.monitoring.LoopMetrics;
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
import dev.cascade.api.tools.ToolManager;
import dev.cascade.api.tools.ToolState;
import dev.cascade.api.tools.ToolUsage;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** A node as the pages see it, in memory; and servlet requests and responses without a container. */
final class Fakes {

    private Fakes() {}

    static PairStatus status(String id, Vector3 setpoint, Vector3 error) {
        return new PairStatus(
                id,
                "hall-1",
                "crah-1",
                PairState.RUNNING,
                "",
                setpoint,
                error,
                0.87,
                3,
                1200,
                2,
                0.42,
                new Vector3(0.5, -0.25, 0.125),
                17.5);
    }

    /** A monitor of one node with the pairs it is given and a few minutes of history each. */
    static final class FakeMonitor implements Monitor {
        final Map<String, PairMetrics> pairs = new HashMap<>();
        final Map<String, List<PairSample>> history = new HashMap<>();
        final List<ToolInfo> tools = new ArrayList<>();
        Optional<NetworkMetrics> network = Optional.of(
                new NetworkMetrics("inproc", TransportState.CONNECTED, 5000, 3, 120, 118, 2, 1, 117, 0, 12.5, 40.0));
        Histogram latency = new Histogram(
                "milliseconds",
                117,
                14.0,
                52.0,
                12.0,
                25.0,
                40.0,
                52.0,
                List.of(
                        new Histogram.Bucket(5, 10),
                        new Histogram.Bucket(10, 40),
                        new Histogram.Bucket(20, 50),
                        new Histogram.Bucket(50, 16),
                        new Histogram.Bucket(100, 1)));

        FakeMonitor with(String id, Vector3 setpoint, int samples) {
            PairStatus status = status(id, setpoint, new Vector3(1, -2, 0.5));
            pairs.put(
                    id,
                    new PairMetrics(
                            status,
                            new Matrix3(0.9, -0.2, 0, 0.1, 1.1, -0.3, 0, 0.05, 0.7),
                            Optional.of(new Matrix3(1.2, 0.1, 0, -0.1, 0.8, 0.2, 0, 0, 1.5)),
                            Optional.of(new Vector3(30, 45, 60))));
            List<PairSample> samples1 = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                double decay = Math.exp(-i / 40.0);
                samples1.add(new PairSample(
                        1_700_000_000_000L + 250L * i,
                        new Vector3(10 * decay, -5 * decay, 2 * decay),
                        new Vector3(decay, 0.5 * decay, -decay),
                        Math.min(1, i / 100.0),
                        8 * decay));
            }
            history.put(id, samples1);
            return this;
        }

        @Override
        public String node() {
            return "node-<1>";
        }

        @Override
        public List<PairMetrics> pairs() {
            return pairs.values().stream()
                    .sorted((a, b) -> a.id().compareTo(b.id()))
                    .toList();
        }

        @Override
        public Optional<PairMetrics> pair(String id) {
            return Optional.ofNullable(pairs.get(id));
        }

        @Override
        public List<PairSample> history(String id) {
            return history.getOrDefault(id, List.of());
        }

        @Override
        public LoopMetrics loop() {
            return new LoopMetrics(
                    4000,
                    new Histogram(
                            "microseconds",
                            4000,
                            80,
                            900,
                            60,
                            120,
                            400,
                            900,
                            List.of(new Histogram.Bucket(100, 3500), new Histogram.Bucket(1000, 500))),
                    Histogram.empty("microseconds"),
                    0);
        }

        @Override
        public Optional<NetworkMetrics> network() {
            return network;
        }

        @Override
        public Optional<OptimizerMetrics> optimizer() {
            return Optional.of(new OptimizerMetrics("rls", true, 117, 11700, 1, 0, 117));
        }

        @Override
        public Histogram updateLatency() {
            return latency;
        }

        @Override
        public List<ToolInfo> tools() {
            return List.copyOf(tools);
        }

        @Override
        public ToolCapacity capacity() {
            return new ToolCapacity(new ToolAllocation(1.0, 256, 16, 0, 0), new ToolAllocation(0.06, 24, 2, 0, 0));
        }

        @Override
        public List<HookMetrics> hooks() {
            return List.of(new HookMetrics("slow-hook", HookPhase.PERIODIC, 50, 40, 3, 0, 1, ToolState.ACTIVE));
        }
    }

    static ToolInfo tool(String name, ToolState state, double cpuUsed, double cpuContract) {
        return new ToolInfo(
                name,
                "com.example.tools",
                "Filter",
                state,
                state == ToolState.QUARANTINED ? "threw 5 times" : "",
                new ToolAllocation(cpuContract, 16, 1, 0, 100),
                new ToolUsage(cpuUsed, 2e6, 1, 900, 5));
    }

    /** A control loop that records setpoints. */
    static final class FakeLoop implements ControlLoop {
        final Map<String, Vector3> setpoints = new HashMap<>();

        FakeLoop(String... ids) {
            for (String id : ids) {
                setpoints.put(id, Vector3.ZERO);
            }
        }

        @Override
        public List<PairStatus> pairs() {
            return setpoints.keySet().stream()
                    .sorted()
                    .map(id -> status(id, setpoints.get(id), Vector3.ZERO))
                    .toList();
        }

        @Override
        public Optional<PairStatus> pair(String id) {
            return setpoints.containsKey(id)
                    ? Optional.of(status(id, setpoints.get(id), Vector3.ZERO))
                    : Optional.empty();
        }

        @Override
        public void setpoint(String id, Vector3 setpoint) {
            if (!setpoints.containsKey(id)) {
                throw new IllegalArgumentException("no pair " + id);
            }
            setpoints.put(id, setpoint);
        }

        @Override
        public Optional<Matrix3> tensor(String id) {
            return Optional.empty();
        }

        @Override
        public Optional<EstimatorSettings> estimatorSettings(String id) {
            return Optional.empty();
        }
    }

    /** A tool manager that records what it was told. */
    static final class FakeTools implements ToolManager {
        final Map<String, ToolState> states = new HashMap<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public List<ToolInfo> tools() {
            return states.keySet().stream()
                    .sorted()
                    .map(name -> tool(name, states.get(name), 0.01, 0.05))
                    .toList();
        }

        @Override
        public ToolCapacity capacity() {
            return new ToolCapacity(new ToolAllocation(1, 256, 16, 0, 0), new ToolAllocation(0, 0, 0, 0, 0));
        }

        @Override
        public void quarantine(String name, String reason) {
            calls.add("quarantine " + name);
            states.put(name, ToolState.QUARANTINED);
        }

        @Override
        public void quarantine(long serviceId, String reason) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void release(String name) {
            calls.add("release " + name);
            states.put(name, ToolState.ACTIVE);
        }

        @Override
        public void stop(String name) {
            calls.add("stop " + name);
            states.put(name, ToolState.STOPPED);
        }

        @Override
        public boolean permits(long serviceId) {
            return true;
        }

        @Override
        public void fault(long serviceId, String what) {}

        @Override
        public AutoCloseable onChange(Runnable listener) {
            return () -> {};
        }

        @Override
        public void start(String name) {
            calls.add("start " + name);
            states.put(name, ToolState.ACTIVE);
        }
    }

    /** A request as the Web Console passes it on: path info {@code /LABEL...}, console attributes set. */
    static HttpServletRequest request(
            String method, String pathInfo, Map<String, String> parameters, Map<String, String> headers) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("felix.webconsole.appRoot", "/system/console");
        String label = pathInfo.indexOf('/', 1) < 0 ? pathInfo : pathInfo.substring(0, pathInfo.indexOf('/', 1));
        attributes.put("felix.webconsole.pluginRoot", "/system/console" + label);
        return (HttpServletRequest) Proxy.newProxyInstance(
                Fakes.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> {
                    return switch (m.getName()) {
                        case "getMethod" -> method;
                        case "getPathInfo" -> pathInfo;
                        case "getContextPath" -> "";
                        case "getServletPath" -> "/system/console";
                        case "getRequestURI" -> "/system/console" + pathInfo;
                        case "getProtocol" -> "HTTP/1.1";
                        case "getQueryString" -> parameters.isEmpty() || method.equals("POST")
                                ? null
                                : String.join(
                                        "&",
                                        parameters.entrySet().stream()
                                                .map(e -> e.getKey() + "=" + e.getValue())
                                                .toList());
                        case "getParameter" -> parameters.get((String) args[0]);
                        case "getHeader" -> headers.entrySet().stream()
                                .filter(e -> e.getKey().equalsIgnoreCase((String) args[0]))
                                .map(Map.Entry::getValue)
                                .findFirst()
                                .orElse(null);
                        case "getAttribute" -> attributes.get((String) args[0]);
                        case "getDateHeader" -> -1L;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> method + " " + pathInfo;
                        default -> throw new UnsupportedOperationException(m.getName());
                    };
                });
    }

    /** What a page wrote. */
    static final class Response {
        int status = 200;
        String contentType;
        final Map<String, String> headers = new HashMap<>();
        final StringWriter text = new StringWriter();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        String body() {
            return text + bytes.toString(StandardCharsets.UTF_8);
        }

        HttpServletResponse proxy() {
            PrintWriter writer = new PrintWriter(text);
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {}

                @Override
                public void write(int b) {
                    bytes.write(b);
                }
            };
            return (HttpServletResponse) Proxy.newProxyInstance(
                    Fakes.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> {
                        switch (m.getName()) {
                            case "setStatus" -> status = (Integer) args[0];
                            case "sendError" -> {
                                status = (Integer) args[0];
                                if (args.length > 1) {
                                    text.write((String) args[1]);
                                }
                            }
                            case "setContentType" -> contentType = (String) args[0];
                            case "setHeader" -> headers.put((String) args[0], (String) args[1]);
                            case "setContentLength" -> {}
                            case "getWriter" -> {
                                return writer;
                            }
                            case "getOutputStream" -> {
                                return out;
                            }
                            case "hashCode" -> {
                                return System.identityHashCode(proxy);
                            }
                            case "equals" -> {
                                return proxy == args[0];
                            }
                            default -> throw new UnsupportedOperationException(m.getName());
                        }
                        return null;
                    });
        }
    }

    /** Runs {@code page} on one request and returns what it wrote. */
    static Response serve(
            ConsolePage page,
            String method,
            String pathInfo,
            Map<String, String> parameters,
            Map<String, String> headers)
            throws Exception {
        Response response = new Response();
        HttpServletResponse proxy = response.proxy();
        page.service(request(method, pathInfo, parameters, headers), proxy);
        proxy.getWriter().flush();
        return response;
    }
}
