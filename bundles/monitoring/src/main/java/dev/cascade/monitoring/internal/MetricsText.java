package dev.cascade.monitoring.internal;

import dev.cascade.api.control.PairState;
import dev.cascade.api.monitoring.Histogram;
import dev.cascade.api.monitoring.HookMetrics;
import dev.cascade.api.monitoring.LoopMetrics;
import dev.cascade.api.monitoring.LoopWindow;
import dev.cascade.api.monitoring.Monitor;
import dev.cascade.api.monitoring.PairMetrics;
import dev.cascade.api.network.NetworkMetrics;
import dev.cascade.api.network.OptimizerMetrics;
import dev.cascade.api.network.TransportState;
import dev.cascade.api.tensor.Vector3;
import dev.cascade.api.tools.ToolAllocation;
import dev.cascade.api.tools.ToolCapacity;
import dev.cascade.api.tools.ToolInfo;
import dev.cascade.api.tools.ToolState;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** The node as Prometheus metrics, read from the {@link Monitor}. Names and units: see the README. */
final class MetricsText {

    private static final String[] AXES = {"x", "y", "z"};
    private static final double MIB = 1024.0 * 1024.0;

    /** The sliding window of the loop's summary quantiles, as a Prometheus client's summary keeps one. */
    static final Duration RECENT = Duration.ofSeconds(LoopWindow.MAX_SECONDS);

    private MetricsText() {}

    static String of(Monitor monitor) {
        Exposition e = new Exposition();
        node(e, monitor);
        pairs(e, monitor.pairs());
        loop(e, monitor.loop(), monitor.loop(RECENT));
        network(e, monitor.network(), monitor.optimizer(), monitor.updateLatency());
        tools(e, monitor.tools(), monitor.capacity());
        hooks(e, monitor.hooks());
        return e.toString();
    }

    private static void node(Exposition e, Monitor monitor) {
        e.family("cascade_node_info", "gauge", "The Cascade node, by its id (always 1).")
                .sample("cascade_node_info", 1, "node", monitor.node());
    }

    // ---- pairs

    private static void pairs(Exposition e, List<PairMetrics> pairs) {
        e.family(
                "cascade_pair_state",
                "gauge",
                "The pair's lifecycle state: 1 for the state it is in, 0 for the others.");
        for (PairMetrics p : pairs) {
            for (PairState s : PairState.values()) {
                e.sample(
                        "cascade_pair_state",
                        p.status().state() == s ? 1 : 0,
                        "pair",
                        p.id(),
                        "state",
                        s.name().toLowerCase(Locale.ROOT));
            }
        }
        axes(
                e,
                pairs,
                "cascade_pair_setpoint",
                "The parent's setpoint per axis, in the parent's units.",
                p -> p.status().setpoint());
        axes(
                e,
                pairs,
                "cascade_pair_error",
                "The latest error (setpoint - parent) per axis, in the parent's units.",
                p -> p.status().error());
        axes(
                e,
                pairs,
                "cascade_pair_adjustment",
                "The adjustment applied to the child since the pair started (the sum of its increments) per axis.",
                p -> p.status().adjustment());
        gauge(
                e,
                pairs,
                "cascade_pair_error_rms",
                "RMS of the error norm over about the last 10 s (exponential window), in the parent's units.",
                p -> p.status().rmsError());
        gauge(
                e,
                pairs,
                "cascade_pair_error_abs_integral",
                "Integral over time of the error's absolute values summed over the axes since the pair started,"
                        + " in the parent's units times seconds.",
                p -> p.status().integralAbsError());
        gauge(e, pairs, "cascade_pair_confidence", "Confidence of the tensor in use, 0 to 1.", p -> p.status()
                .confidence());
        gauge(
                e,
                pairs,
                "cascade_pair_tensor_version",
                "Version of the tensor in use (0: the configured initial tensor).",
                p -> p.status().tensorVersion());
        counter(e, pairs, "cascade_pair_cycles_total", "Cycles the pair has run.", p -> p.status()
                .cycles());
        counter(
                e,
                pairs,
                "cascade_pair_missed_deadlines_total",
                "Cycle slots the pair missed because the loop was late by a whole period or more.",
                p -> p.status().missedDeadlines());
    }

    private static void axes(
            Exposition e,
            List<PairMetrics> pairs,
            String name,
            String help,
            java.util.function.Function<PairMetrics, Vector3> value) {
        e.family(name, "gauge", help);
        for (PairMetrics p : pairs) {
            Vector3 v = value.apply(p);
            double[] xyz = {v.x(), v.y(), v.z()};
            for (int i = 0; i < 3; i++) {
                e.sample(name, xyz[i], "pair", p.id(), "axis", AXES[i]);
            }
        }
    }

    private static void gauge(
            Exposition e, List<PairMetrics> pairs, String name, String help, ToDoubleFunction<PairMetrics> value) {
        e.family(name, "gauge", help);
        for (PairMetrics p : pairs) {
            e.sample(name, value.applyAsDouble(p), "pair", p.id());
        }
    }

    private static void counter(
            Exposition e, List<PairMetrics> pairs, String name, String help, ToDoubleFunction<PairMetrics> value) {
        e.family(name, "counter", help);
        for (PairMetrics p : pairs) {
            e.sample(name, value.applyAsDouble(p), "pair", p.id());
        }
    }

    // ---- loop

    private static void loop(Exposition e, LoopMetrics loop, LoopWindow recent) {
        e.family("cascade_loop_passes_total", "counter", "Loop passes run (one pass runs every pair that is due).")
                .sample("cascade_loop_passes_total", loop.passes());
        e.family("cascade_loop_missed_deadlines_total", "counter", "Cycle slots missed over all pairs now configured.")
                .sample("cascade_loop_missed_deadlines_total", loop.missedDeadlines());
        summary(
                e,
                "cascade_loop_cycle_seconds",
                "Time each loop pass worked, from its actual start to its end: quantiles over the last minute,"
                        + " sum and count since the loop started.",
                recent.cycleTime(),
                loop.cycleTime(),
                1e6);
        summary(
                e,
                "cascade_loop_lateness_seconds",
                "How late loop passes started against their absolute schedule: quantiles over the last minute,"
                        + " sum and count since the loop started.",
                recent.lateness(),
                loop.lateness(),
                1e6);
    }

    /**
     * A summary as Prometheus clients keep one: the quantiles of a sliding window ({@code recent}), the sum
     * and count since the start ({@code total}), so that {@code rate()} works on them; {@code perSecond}:
     * units in a second.
     */
    static void summary(Exposition e, String name, String help, Histogram recent, Histogram total, double perSecond) {
        e.family(name, "summary", help);
        double[] q = {0.5, 0.9, 0.99, 0.999};
        double[] v = {recent.p50(), recent.p90(), recent.p99(), recent.p999()};
        for (int i = 0; i < q.length; i++) {
            e.sample(name, v[i] / perSecond, "quantile", Exposition.number(q[i]));
        }
        e.sample(name + "_sum", total.count() == 0 ? 0 : total.mean() * total.count() / perSecond);
        e.sample(name + "_count", total.count());
    }

    /** A histogram with cumulative {@code le} buckets from the snapshot's buckets. */
    static void histogram(Exposition e, String name, String help, Histogram h, double perSecond) {
        e.family(name, "histogram", help);
        long cumulative = 0;
        boolean inf = false;
        for (Histogram.Bucket b : h.buckets()) {
            cumulative += b.count();
            inf |= Double.isInfinite(b.upTo());
            e.sample(name + "_bucket", cumulative, "le", Exposition.number(b.upTo() / perSecond));
        }
        if (!inf) {
            e.sample(name + "_bucket", h.count(), "le", "+Inf");
        }
        e.sample(name + "_sum", h.count() == 0 ? 0 : h.mean() * h.count() / perSecond);
        e.sample(name + "_count", h.count());
    }

    // ---- network

    private static void network(
            Exposition e, Optional<NetworkMetrics> metrics, Optional<OptimizerMetrics> optimizer, Histogram latency) {
        histogram(
                e,
                "cascade_update_latency_seconds",
                "Update latency, from a batch's cut to the tensor it produced being in use, since the network started.",
                latency,
                1e3);
        if (metrics.isEmpty()) {
            return;
        }
        NetworkMetrics n = metrics.get();
        e.family(
                "cascade_network_transport_state",
                "gauge",
                "The transport's health: 1 for the state it is in, 0 for the others.");
        for (TransportState s : TransportState.values()) {
            e.sample(
                    "cascade_network_transport_state",
                    n.state() == s ? 1 : 0,
                    "transport",
                    n.transport(),
                    "state",
                    s.name().toLowerCase(Locale.ROOT));
        }
        e.family("cascade_network_spool_batches", "gauge", "Batches waiting in the on-disk spool.")
                .sample("cascade_network_spool_batches", n.spoolDepth());
        networkCounter(
                e,
                "cascade_network_spool_dropped_batches_total",
                "Batches dropped because the spool was full or unreadable.",
                n.spoolDropped());
        networkCounter(
                e, "cascade_network_measurements_collected_total", "Measurements recorded by the loop.", n.collected());
        networkCounter(
                e,
                "cascade_network_measurements_overwritten_total",
                "Measurements overwritten in a full ring before they were batched.",
                n.overwritten());
        networkCounter(e, "cascade_network_batches_cut_total", "Batches cut from the rings.", n.batchesCut());
        networkCounter(e, "cascade_network_batches_sent_total", "Batches the transport accepted.", n.batchesSent());
        networkCounter(e, "cascade_network_updates_received_total", "Tensor updates received.", n.updatesReceived());
        networkCounter(
                e, "cascade_network_updates_rejected_total", "Tensor updates the cache rejected.", n.updatesRejected());
        if (optimizer.isPresent()) {
            OptimizerMetrics o = optimizer.get();
            e.family("cascade_optimizer_running", "gauge", "1 while the local optimizer takes batches.")
                    .sample("cascade_optimizer_running", o.running() ? 1 : 0, "estimator", o.estimator());
            networkCounter(
                    e,
                    "cascade_optimizer_batches_folded_total",
                    "Batches folded into an estimator.",
                    o.batchesFolded());
            networkCounter(
                    e,
                    "cascade_optimizer_measurements_folded_total",
                    "Measurements in the batches folded.",
                    o.measurementsFolded());
            networkCounter(
                    e,
                    "cascade_optimizer_duplicate_batches_total",
                    "Batches recognised as already folded.",
                    o.duplicates());
            networkCounter(e, "cascade_optimizer_failures_total", "Batches that could not be folded.", o.failures());
            networkCounter(
                    e, "cascade_optimizer_updates_published_total", "Tensor updates published.", o.updatesPublished());
        }
    }

    private static void networkCounter(Exposition e, String name, String help, long value) {
        e.family(name, "counter", help).sample(name, value);
    }

    // ---- tools and the node's capacity

    private static void tools(Exposition e, List<ToolInfo> tools, ToolCapacity capacity) {
        e.family("cascade_tool_state", "gauge", "The tool's state: 1 for the state it is in, 0 for the others.");
        for (ToolInfo t : tools) {
            for (ToolState s : ToolState.values()) {
                e.sample(
                        "cascade_tool_state",
                        t.state() == s ? 1 : 0,
                        "tool",
                        t.name(),
                        "kind",
                        t.kind(),
                        "state",
                        s.name().toLowerCase(Locale.ROOT));
            }
        }
        toolGauge(e, tools, "cascade_tool_cpu_contract_cores", "Share of one core the tool declared.", t -> t.contract()
                .cpu());
        toolGauge(e, tools, "cascade_tool_cpu_used_cores", "Share of one core the tool's threads used.", t -> t.usage()
                .cpu());
        toolGauge(
                e,
                tools,
                "cascade_tool_heap_contract_bytes",
                "Heap the tool declared.",
                t -> t.contract().heapMb() * MIB);
        toolGauge(
                e,
                tools,
                "cascade_tool_allocated_bytes_per_second",
                "Heap allocated per second by the tool's threads.",
                t -> t.usage().allocatedBytesPerSecond());
        toolGauge(
                e,
                tools,
                "cascade_tool_threads_contract",
                "Threads of its own executor the tool declared.",
                t -> t.contract().threads());
        toolGauge(e, tools, "cascade_tool_threads", "Live threads of the tool's executor.", t -> t.usage()
                .threads());
        toolGauge(
                e,
                tools,
                "cascade_tool_max_call_seconds",
                "The longest call on the loop thread the tool declared.",
                t -> t.contract().maxCallMicros() / 1e6);
        e.family("cascade_tool_calls_total", "counter", "Calls into the tool counted by the tool manager.");
        for (ToolInfo t : tools) {
            e.sample("cascade_tool_calls_total", t.usage().calls(), "tool", t.name());
        }
        toolGauge(
                e,
                tools,
                "cascade_tool_call_seconds",
                "Mean time of the loop's timed calls into the tool over the last sampling interval with any.",
                t -> t.usage().callMicros() / 1e6);
        e.family("cascade_tool_faults_total", "counter", "Faults of the tool: throws, overruns, non-finite output.");
        for (ToolInfo t : tools) {
            e.sample("cascade_tool_faults_total", t.usage().faults(), "tool", t.name());
        }
        capacity(
                e,
                "cascade_node_tool_cpu_cores",
                "Cores the node sets aside for tools, in all and held by admitted tools.",
                capacity,
                a -> a.cpu());
        capacity(
                e,
                "cascade_node_tool_heap_bytes",
                "Heap the node sets aside for tools, in all and held by admitted tools.",
                capacity,
                a -> a.heapMb() * MIB);
        capacity(
                e,
                "cascade_node_tool_threads",
                "Threads the node sets aside for tools, in all and held by admitted tools.",
                capacity,
                a -> a.threads());
    }

    private static void toolGauge(
            Exposition e, List<ToolInfo> tools, String name, String help, ToDoubleFunction<ToolInfo> value) {
        e.family(name, "gauge", help);
        for (ToolInfo t : tools) {
            e.sample(name, value.applyAsDouble(t), "tool", t.name());
        }
    }

    private static void capacity(
            Exposition e, String name, String help, ToolCapacity c, ToDoubleFunction<ToolAllocation> value) {
        e.family(name, "gauge", help)
                .sample(name, value.applyAsDouble(c.total()), "of", "total")
                .sample(name, value.applyAsDouble(c.used()), "of", "used");
    }

    // ---- analysis hooks

    private static void hooks(Exposition e, List<HookMetrics> hooks) {
        e.family("cascade_hook_calls_total", "counter", "Calls of the analysis hook started.");
        for (HookMetrics h : hooks) {
            e.sample("cascade_hook_calls_total", h.calls(), "hook", h.name(), "phase", phase(h));
        }
        e.family("cascade_hook_overruns_total", "counter", "Calls of the analysis hook cut off past their budget.");
        for (HookMetrics h : hooks) {
            e.sample("cascade_hook_overruns_total", h.overruns(), "hook", h.name(), "phase", phase(h));
        }
        e.family("cascade_hook_faults_total", "counter", "Calls of the analysis hook that threw.");
        for (HookMetrics h : hooks) {
            e.sample("cascade_hook_faults_total", h.faults(), "hook", h.name(), "phase", phase(h));
        }
        e.family(
                "cascade_hook_skipped_total",
                "counter",
                "Calls of the analysis hook skipped because the previous one still ran.");
        for (HookMetrics h : hooks) {
            e.sample("cascade_hook_skipped_total", h.skipped(), "hook", h.name(), "phase", phase(h));
        }
        e.family("cascade_hook_budget_seconds", "gauge", "The analysis hook's time budget per call.");
        for (HookMetrics h : hooks) {
            e.sample("cascade_hook_budget_seconds", h.budgetMillis() / 1000.0, "hook", h.name(), "phase", phase(h));
        }
        e.family(
                "cascade_hook_state",
                "gauge",
                "The analysis hook's state: 1 for the state it is in, 0 for the others.");
        for (HookMetrics h : hooks) {
            for (ToolState s : ToolState.values()) {
                e.sample(
                        "cascade_hook_state",
                        h.state() == s ? 1 : 0,
                        "hook",
                        h.name(),
                        "state",
                        s.name().toLowerCase(Locale.ROOT));
            }
        }
    }

    private static String phase(HookMetrics h) {
        return h.phase().name().toLowerCase(Locale.ROOT);
    }
}
