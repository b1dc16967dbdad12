package dev.cascade.shell.internal;

import dev.cascade.api.tools.ToolAllocation;
import dev.cascade.api.tools.ToolInfo;
import dev.cascade.api.tools.ToolManager;
import dev.cascade.api.tools.ToolUsage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code cascade:tools}: every tool with its state, contract, measured use and the reason for its state. */
@Command(scope = "cascade", name = "tools", description = "Lists every tool: state, contract, measured use, reason")
@Service
public final class ToolsCommand implements Action {

    @Reference
    ToolManager tools;

    @Option(name = "--json", description = "Print a JSON array instead of a table")
    boolean json;

    PrintStream out = System.out;

    @Override
    public Object execute() {
        List<ToolInfo> all = tools.tools();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ToolInfo t : all) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", t.name());
                row.put("bundle", t.bundle());
                row.put("kind", t.kind());
                row.put("state", t.state().name());
                row.put("reason", t.reason());
                ToolAllocation c = t.contract();
                row.put("cpu", c.cpu());
                row.put("heapMb", c.heapMb());
                row.put("threads", c.threads());
                row.put("maxCallRate", c.maxCallRate());
                row.put("maxCallMicros", c.maxCallMicros());
                ToolUsage u = t.usage();
                row.put("cpuUsed", u.cpu());
                row.put("allocatedBytesPerSecond", u.allocatedBytesPerSecond());
                row.put("threadsUsed", u.threads());
                row.put("calls", u.calls());
                row.put("callMicros", u.callMicros());
                row.put("faults", u.faults());
                rows.add(row);
            }
            out.println(Json.array(rows));
            return null;
        }
        int width = 4;
        for (ToolInfo t : all) {
            width = Math.max(width, t.name().length());
        }
        String format = "%-" + width + "s  %-13s %-11s %13s %15s %10s %14s %7s  %s%n";
        out.printf(
                format,
                "TOOL",
                "KIND",
                "STATE",
                "CPU use/max",
                "ALLOC MiB/s",
                "CALLS",
                "CALL µs/max",
                "FAULTS",
                "REASON");
        for (ToolInfo t : all) {
            ToolUsage u = t.usage();
            out.printf(
                    format,
                    t.name(),
                    t.kind(),
                    t.state(),
                    String.format(
                            Locale.ROOT, "%.2f/%.2f", u.cpu(), t.contract().cpu()),
                    String.format(
                            Locale.ROOT,
                            "%.1f/%d",
                            u.allocatedBytesPerSecond() / 1048576,
                            t.contract().heapMb()),
                    u.calls(),
                    String.format(
                            Locale.ROOT, "%.1f/%d", u.callMicros(), t.contract().maxCallMicros()),
                    u.faults(),
                    t.reason());
        }
        return null;
    }
}
