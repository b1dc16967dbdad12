package dev.cascade.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.monitoring.AnalysisHook;
import dev.cascade.api.monitoring.HookMetrics;
import dev.cascade.api.monitoring.Monitor;
import dev.cascade.api.tools.ToolState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Monitoring in the real distribution: the Prometheus endpoint is protected like the console, its output
 * passes {@code promtool check metrics} and shows the demo pair running; an analysis hook that sleeps past
 * its budget is cut off, counted and quarantined while the demo pair keeps its 10 Hz.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MonitoringIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Pattern HALL1_CYCLES =
            Pattern.compile("(?m)^cascade_pair_cycles_total\\{pair=\"hall1\"} (\\d+)$");

    @Inject
    private BundleContext context;

    @Inject
    private Monitor monitor;

    @Inject
    private ControlLoop loop;

    @Configuration
    public Option[] config() throws Exception {
        return Distribution.options();
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static URI metrics() {
        return URI.create("http://127.0.0.1:" + System.getProperty("cascade.itest.httpPort") + "/cascade/metrics");
    }

    private HttpResponse<String> get(String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(metrics())
                .timeout(Duration.ofSeconds(10))
                .GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String admin() {
        return basic("admin", System.getProperty("cascade.itest.password"));
    }

    private static long hall1Cycles(String body) {
        Matcher m = HALL1_CYCLES.matcher(body);
        if (!m.find()) {
            throw new AssertionError("no cascade_pair_cycles_total for hall1 in:\n" + body);
        }
        return Long.parseLong(m.group(1));
    }

    /** Runs {@code promtool check metrics} on {@code body}: the exit code and what it printed. */
    private static String promtool(String body) throws Exception {
        Process p = new ProcessBuilder("promtool", "check", "metrics")
                .redirectErrorStream(true)
                .start();
        try {
            p.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue("promtool ends", p.waitFor(30, TimeUnit.SECONDS));
            return p.exitValue() + " " + out;
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    public void metricsNeedCredentialsPassPromtoolAndShowTheDemoPairRunning() throws Exception {
        HttpResponse<String> first = Conditions.await(
                "/cascade/metrics answers 200 with the admin's credentials",
                DEADLINE,
                () -> get(admin()),
                r -> r.statusCode() == 200 && HALL1_CYCLES.matcher(r.body()).find());
        assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));

        HttpResponse<String> none = get(null);
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="));
        assertEquals(401, get(basic("admin", "wrong")).statusCode());
        assertEquals(401, get(basic("karaf", "karaf")).statusCode());
        assertTrue("no metrics without credentials", !none.body().contains("cascade_pair"));

        assertEquals("promtool check metrics", "0 ", promtool(first.body()));
        String body = first.body();
        for (String family : new String[] {
            "cascade_pair_error{pair=\"hall1\",axis=\"x\"}",
            "cascade_pair_error_rms{pair=\"hall1\"}",
            "cascade_pair_error_abs_integral{pair=\"hall1\"}",
            "cascade_pair_confidence{pair=\"hall1\"}",
            "cascade_pair_tensor_version{pair=\"hall1\"}",
            "cascade_pair_missed_deadlines_total{pair=\"hall1\"}",
            "cascade_loop_cycle_seconds{quantile=\"0.99\"}",
            "cascade_loop_lateness_seconds_count",
            "cascade_update_latency_seconds_bucket{le=\"+Inf\"}",
            "cascade_network_transport_state{transport=\"inproc\",state=\"connected\"}",
            "cascade_network_spool_batches",
            "cascade_tool_state{",
            "cascade_node_tool_cpu_cores{of=\"total\"}",
        }) {
            assertTrue("the metrics show " + family, body.contains(family));
        }

        long cycles = hall1Cycles(body);
        Conditions.await(
                "hall1's cycles increase between two scrapes",
                DEADLINE,
                () -> hall1Cycles(get(admin()).body()),
                c -> c > cycles);
    }

    @Test
    public void aHookThatSleepsPastItsBudgetIsCutOffWhileTheLoopKeepsItsRate() throws Exception {
        PairStatus running = Conditions.await(
                "hall1 runs", DEADLINE, () -> loop.pair("hall1").orElse(null), s -> s != null && s.cycles() > 20);
        AtomicInteger interrupted = new AtomicInteger();
        AnalysisHook sleeper = analysis -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
            }
        };
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("component.name", "itest-sleeper");
        properties.put(AnalysisHook.PHASE, "periodic");
        properties.put(AnalysisHook.PERIOD_MS, 100L);
        properties.put(AnalysisHook.BUDGET_MS, 50L);
        PairStatus start = loop.pair("hall1").orElseThrow();
        long t0 = System.nanoTime();
        long cycles0 = start.cycles();
        long missed0 = start.missedDeadlines();
        ServiceRegistration<AnalysisHook> registration =
                context.registerService(AnalysisHook.class, sleeper, properties);
        try {
            HookMetrics cutOff = Conditions.await(
                    "the sleeping hook is cut off, counted and quarantined",
                    DEADLINE,
                    () -> monitor.hooks().stream()
                            .filter(h -> h.name().equals("itest-sleeper"))
                            .findFirst()
                            .orElse(null),
                    h -> h != null && h.overruns() > 0 && h.state() == ToolState.QUARANTINED);
            assertTrue("the hook's thread was interrupted", interrupted.get() > 0);
            assertEquals(50, cutOff.budgetMillis());

            // over at least 10 s from the hook's registration, the demo pair keeps its rate
            Conditions.await(
                    "10 s of the demo pair with the hook",
                    DEADLINE,
                    () -> System.nanoTime() - t0,
                    elapsed -> elapsed > TimeUnit.SECONDS.toNanos(10));
            PairStatus after = loop.pair("hall1").orElseThrow();
            double seconds = (System.nanoTime() - t0) / 1e9;
            long ran = after.cycles() - cycles0;
            long missed = after.missedDeadlines() - missed0;
            double rate = ran / seconds;
            assertTrue("hall1 keeps 10 Hz: " + rate + " cycles/s", rate > 9.5 && rate < 10.5);
            // a shared 2-core machine may delay the odd cycle by a whole period; the loop counts it
            assertTrue("missed " + missed + " of " + ran, missed * 100 <= ran);

            String body = get(admin()).body();
            Matcher overruns = Pattern.compile(
                            "(?m)^cascade_hook_overruns_total\\{hook=\"itest-sleeper\",phase=\"periodic\"} (\\d+)$")
                    .matcher(body);
            assertTrue(
                    "the endpoint shows the hook's overruns", overruns.find() && Long.parseLong(overruns.group(1)) > 0);
            assertTrue(body.contains("cascade_hook_state{hook=\"itest-sleeper\",state=\"quarantined\"} 1"));
        } finally {
            registration.unregister();
        }
    }
}
