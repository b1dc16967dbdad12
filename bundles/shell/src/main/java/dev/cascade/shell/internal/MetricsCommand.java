package dev.cascade.shell.internal;

import dev.cascade.api.monitoring.Histogram;
import dev.cascade.api.monitoring.HookMetrics;
import dev.cascade.api.monitoring.LoopMetrics;
import dev.cascade.api.monitoring.LoopWindow;
import dev.cascade.api.monitoring.Monitor;
import dev.cascade.api.network.NetworkMetrics;
import dev.cascade.api.network.OptimizerMetrics;
import dev.cascade.api.tools.ToolAllocation;
import dev.cascade.api.tools.ToolCapacity;
import dev.cascade.api.tools.ToolInfo;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code cascade:metrics}: the node's performance from the {@link Monitor}: loop cycle time and lateness
 * (since the loop started and over a recent window), missed deadlines, update latency, the network, tool capacity and use, analysis hooks.
 */
@Command(
        scope = "cascade",
        name = "metrics",
        description = "Shows the node's metrics: loop cycle time and lateness percentiles, missed deadlines, update"
                + " latency, network state, spool and drops, tool capacity and use, analysis hooks")
@Service
public final class MetricsCommand implements Action {

    /** Optional, so that without monitoring the command says what is missing instead of not existing. */
    @Reference(optional = true)
    Monitor monitor;

    @Option(name = "--json", description = "Print one JSON object instead of tables")
    boolean json;

    @Option(
            name = "--window",
            description = "Seconds of the recent window whose loop cycle time and lateness are shown besides the"
                    + " totals since the loop started (1 to 60)")
    int window = LoopWindow.MAX_SECONDS;

    PrintStream out = System.out;

    @Override
    public Object execute() {
        Monitor m = monitor;
        if (m == null) {
            throw new IllegalStateException("no metrics: no monitoring service (dev.cascade.api.monitoring.Monitor)"
                    + " runs on this node; feature:install cascade-monitoring provides it");
        }
        if (window < 1 || window > LoopWindow.MAX_SECONDS) {
            throw new IllegalArgumentException(
                    "--window " + window + " is not valid; use 1 to " + LoopWindow.MAX_SECONDS + " seconds");
        }
        LoopMetrics loop = m.loop();
        LoopWindow recent = m.loop(Duration.ofSeconds(window));
        Histogram latency = m.updateLatency();
        Optional<NetworkMetrics> network = m.network();
        Optional<OptimizerMetrics> optimizer = m.optimizer();
        ToolCapacity capacity = m.capacity();
        List<ToolInfo> tools = m.tools();
        List<HookMetrics> hooks = m.hooks();
        if (json) {
            json(m.node(), loop, recent, latency, network, optimizer, capacity, tools, hooks);
            return null;
        }
        out.printf("node %s: %d loop passes, %d missed deadlines%n%n", m.node(), loop.passes(), loop.missedDeadlines());
        String format = "%-32s %9s %9s %9s %9s %9s %9s %9s%n";
        out.printf(format, "", "COUNT", "MEAN", "P50", "P90", "P99", "P99.9", "MAX");
        // the window as it is: shorter than asked while the loop has run less long
        String last = "  last " + Duration.between(recent.start(), recent.end()).toSeconds() + " s";
        row(format, "loop cycle time", loop.cycleTime());
        row(format, last, recent.cycleTime(), false);
        row(format, "loop lateness", loop.lateness());
        row(format, last, recent.lateness(), false);
        row(format, "update latency", latency);
        out.println();
        if (network.isPresent()) {
            NetworkMetrics n = network.get();
            out.printf(
                    "network    %s %s: %d batches sent, spool %d, %d dropped, %d updates received, %d rejected%n",
                    n.transport(),
                    n.state(),
                    n.batchesSent(),
                    n.spoolDepth(),
                    n.spoolDropped(),
                    n.updatesReceived(),
                    n.updatesRejected());
        } else {
            out.println("network    not running on this node");
        }
        if (optimizer.isPresent()) {
            OptimizerMetrics o = optimizer.get();
            out.printf(
                    "optimizer  %s %s: %d batches folded, %d duplicates, %d failures, %d updates published%n",
                    o.estimator(),
                    o.running() ? "running" : "stopped",
                    o.batchesFolded(),
                    o.duplicates(),
                    o.failures(),
                    o.updatesPublished());
        } else {
            out.println("optimizer  none on this node");
        }
        ToolAllocation total = capacity.total();
        ToolAllocation used = capacity.used();
        out.printf(
                Locale.ROOT,
                "tools      capacity held: CPU %.2f of %.2f, heap %d of %d MiB, threads %d of %d%n%n",
                used.cpu(),
                total.cpu(),
                used.heapMb(),
                total.heapMb(),
                used.threads(),
                total.threads());
        if (!tools.isEmpty()) {
            int width = 4;
            for (ToolInfo t : tools) {
                width = Math.max(width, t.name().length());
            }
            String toolFormat = "%-" + width + "s  %-11s %13s %15s %9s %7s%n";
            out.printf(toolFormat, "TOOL", "STATE", "CPU use/max", "ALLOC MiB/s", "CALLS", "FAULTS");
            for (ToolInfo t : tools) {
                out.printf(
                        toolFormat,
                        t.name(),
                        t.state(),
                        String.format(
                                Locale.ROOT,
                                "%.2f/%.2f",
                                t.usage().cpu(),
                                t.contract().cpu()),
                        String.format(
                                Locale.ROOT,
                                "%.1f/%d",
                                t.usage().allocatedBytesPerSecond() / 1048576,
                                t.contract().heapMb()),
                        t.usage().calls(),
                        t.usage().faults());
            }
            out.println();
        }
        if (hooks.isEmpty()) {
            out.println("No analysis hooks.");
            return null;
        }
        int width = 4;
        for (HookMetrics h : hooks) {
            width = Math.max(width, h.name().length());
        }
        String hookFormat = "%-" + width + "s  %-8s %10s %9s %9s %7s %8s  %s%n";
        out.printf(hookFormat, "HOOK", "PHASE", "BUDGET(ms)", "CALLS", "OVERRUNS", "FAULTS", "SKIPPED", "STATE");
        for (HookMetrics h : hooks) {
            out.printf(
                    hookFormat,
                    h.name(),
                    h.phase(),
                    h.budgetMillis(),
                    h.calls(),
                    h.overruns(),
                    h.faults(),
                    h.skipped(),
                    h.state());
        }
        return null;
    }

    private void row(String format, String what, Histogram h) {
        row(format, what, h, true);
    }

    private void row(String format, String what, Histogram h, boolean unit) {
        out.printf(
                format,
                unit ? what + " (" + h.unit() + ")" : what,
                h.count(),
                Text.number(h.mean()),
                Text.number(h.p50()),
                Text.number(h.p90()),
                Text.number(h.p99()),
                Text.number(h.p999()),
                Text.number(h.max()));
    }

    private void json(
            String node,
            LoopMetrics loop,
            LoopWindow recent,
            Histogram latency,
            Optional<NetworkMetrics> network,
            Optional<OptimizerMetrics> optimizer,
            ToolCapacity capacity,
            List<ToolInfo> tools,
            List<HookMetrics> hooks) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("node", node);
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("passes", loop.passes());
        l.put("missedDeadlines", loop.missedDeadlines());
        l.put("cycleTime", histogram(loop.cycleTime()));
        l.put("lateness", histogram(loop.lateness()));
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("seconds", window);
        w.put("start", recent.start().toString());
        w.put("end", recent.end().toString());
        w.put("cycleTime", histogram(recent.cycleTime()));
        w.put("lateness", histogram(recent.lateness()));
        l.put("window", w);
        fields.put("loop", l);
        fields.put("updateLatency", histogram(latency));
        fields.put(
                "network",
                network.map(n -> {
                            Map<String, Object> f = new LinkedHashMap<>();
                            f.put("transport", n.transport());
                            f.put("state", n.state().name());
                            f.put("batchesSent", n.batchesSent());
                            f.put("spoolDepth", n.spoolDepth());
                            f.put("spoolDropped", n.spoolDropped());
                            f.put("updatesReceived", n.updatesReceived());
                            f.put("updatesRejected", n.updatesRejected());
                            return f;
                        })
                        .orElse(null));
        fields.put(
                "optimizer",
                optimizer
                        .map(o -> {
                            Map<String, Object> f = new LinkedHashMap<>();
                            f.put("estimator", o.estimator());
                            f.put("running", o.running());
                            f.put("batchesFolded", o.batchesFolded());
                            f.put("duplicates", o.duplicates());
                            f.put("failures", o.failures());
                            f.put("updatesPublished", o.updatesPublished());
                            return f;
                        })
                        .orElse(null));
        fields.put("capacity", Map.of("total", allocation(capacity.total()), "used", allocation(capacity.used())));
        List<Map<String, Object>> toolRows = new ArrayList<>();
        for (ToolInfo t : tools) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", t.name());
            row.put("state", t.state().name());
            row.put("contract", allocation(t.contract()));
            row.put("cpuUsed", t.usage().cpu());
            row.put("allocatedBytesPerSecond", t.usage().allocatedBytesPerSecond());
            row.put("calls", t.usage().calls());
            row.put("faults", t.usage().faults());
            toolRows.add(row);
        }
        fields.put("tools", toolRows);
        List<Map<String, Object>> hookRows = new ArrayList<>();
        for (HookMetrics h : hooks) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", h.name());
            row.put("phase", h.phase().name());
            row.put("budgetMillis", h.budgetMillis());
            row.put("calls", h.calls());
            row.put("overruns", h.overruns());
            row.put("faults", h.faults());
            row.put("skipped", h.skipped());
            row.put("state", h.state().name());
            hookRows.add(row);
        }
        fields.put("hooks", hookRows);
        out.println(Json.object(fields));
    }

    private static Map<String, Object> histogram(Histogram h) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("unit", h.unit());
        f.put("count", h.count());
        f.put("mean", h.mean());
        f.put("p50", h.p50());
        f.put("p90", h.p90());
        f.put("p99", h.p99());
        f.put("p999", h.p999());
        f.put("max", h.max());
        List<Map<String, Object>> buckets = new ArrayList<>();
        for (Histogram.Bucket b : h.buckets()) {
            Map<String, Object> bucket = new LinkedHashMap<>();
            bucket.put("upTo", b.upTo());
            bucket.put("count", b.count());
            buckets.add(bucket);
        }
        f.put("buckets", buckets);
        return f;
    }

    private static Map<String, Object> allocation(ToolAllocation a) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("cpu", a.cpu());
        f.put("heapMb", a.heapMb());
        f.put("threads", a.threads());
        f.put("maxCallRate", a.maxCallRate());
        f.put("maxCallMicros", a.maxCallMicros());
        return f;
    }
}
