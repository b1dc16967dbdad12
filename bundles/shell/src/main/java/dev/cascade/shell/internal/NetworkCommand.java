package dev.cascade.shell.internal;

import dev.cascade.api.network.CachedTensor;
import dev.cascade.api.network.NetworkMetrics;
import dev.cascade.api.network.NetworkMonitor;
import dev.cascade.api.network.OptimizerMetrics;
import dev.cascade.api.network.TensorCache;
import java.io.PrintStream;
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

/** {@code cascade:network}: the transport, spool, update latency, optimizer and the cached tensors. */
@Command(
        scope = "cascade",
        name = "network",
        description = "Shows the network: transport state, spool depth, dropped batches, update latency, the"
                + " optimizer, and each pair's cached tensor")
@Service
public final class NetworkCommand implements Action {

    @Reference
    NetworkMonitor network;

    @Reference
    TensorCache cache;

    @Option(name = "--json", description = "Print a JSON object instead of tables")
    boolean json;

    PrintStream out = System.out;

    @Override
    public Object execute() {
        NetworkMetrics m = network.metrics();
        Optional<OptimizerMetrics> o = network.optimizer();
        List<CachedTensor> tensors = cache.all();
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("transport", m.transport());
            fields.put("state", m.state().name());
            fields.put("collected", m.collected());
            fields.put("overwritten", m.overwritten());
            fields.put("batchesCut", m.batchesCut());
            fields.put("batchesSent", m.batchesSent());
            fields.put("spoolDepth", m.spoolDepth());
            fields.put("spoolDropped", m.spoolDropped());
            fields.put("updatesReceived", m.updatesReceived());
            fields.put("updatesRejected", m.updatesRejected());
            fields.put("latencyLastMillis", m.latencyLastMillis());
            fields.put("latencyP99Millis", m.latencyP99Millis());
            fields.put("cacheRejected", cache.rejected());
            o.ifPresent(opt -> {
                fields.put("optimizerRunning", opt.running());
                fields.put("estimator", opt.estimator());
                fields.put("batchesFolded", opt.batchesFolded());
                fields.put("measurementsFolded", opt.measurementsFolded());
                fields.put("duplicates", opt.duplicates());
                fields.put("foldFailures", opt.failures());
                fields.put("updatesPublished", opt.updatesPublished());
            });
            List<Map<String, Object>> rows = new ArrayList<>();
            for (CachedTensor t : tensors) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("pair", t.pair());
                row.put("version", t.update().version());
                row.put("confidence", t.confidence());
                row.put("ageSeconds", (t.retrieved() - t.stored()) / 1000.0);
                row.put("source", t.update().source());
                rows.add(row);
            }
            String object = Json.object(fields);
            out.println(object.substring(0, object.length() - 1) + ",\"tensors\":" + Json.array(rows) + "}");
            return null;
        }
        String format = "%-10s %-9s %10s %10s %7s %8s %12s %12s%n";
        out.printf(format, "TRANSPORT", "STATE", "COLLECTED", "SENT", "SPOOL", "DROPPED", "LATENCY(ms)", "P99(ms)");
        out.printf(
                format,
                m.transport(),
                m.state(),
                m.collected(),
                m.batchesSent(),
                m.spoolDepth(),
                m.spoolDropped(),
                PairsCommand.number(m.latencyLastMillis()),
                PairsCommand.number(m.latencyP99Millis()));
        out.println();
        if (o.isPresent()) {
            OptimizerMetrics opt = o.get();
            out.printf(
                    "Optimizer (%s): %s, %d batches / %d measurements folded, %d duplicates skipped, %d failed,"
                            + " %d updates published%n",
                    opt.estimator(),
                    opt.running() ? "running" : "stopped (no transport or estimator)",
                    opt.batchesFolded(),
                    opt.measurementsFolded(),
                    opt.duplicates(),
                    opt.failures(),
                    opt.updatesPublished());
        } else {
            out.println("Optimizer: none on this node");
        }
        out.printf("Updates: %d received, %d rejected by the cache%n%n", m.updatesReceived(), cache.rejected());
        if (tensors.isEmpty()) {
            out.println("No cached tensors yet.");
            return null;
        }
        String rowFormat = "%-16s %8s %6s %10s  %s%n";
        out.printf(rowFormat, "PAIR", "VERSION", "CONF", "AGE(s)", "SOURCE");
        for (CachedTensor t : tensors) {
            out.printf(
                    rowFormat,
                    t.pair(),
                    "v" + t.update().version(),
                    String.format(Locale.ROOT, "%.2f", t.confidence()),
                    String.format(Locale.ROOT, "%.1f", (t.retrieved() - t.stored()) / 1000.0),
                    t.update().source());
        }
        return null;
    }
}
