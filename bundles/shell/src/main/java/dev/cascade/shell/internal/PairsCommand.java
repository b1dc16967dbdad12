package dev.cascade.shell.internal;

import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.tensor.Vector3;
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

/** {@code cascade:pairs}: every pair with its state, error, confidence and tensor version. */
@Command(
        scope = "cascade",
        name = "pairs",
        description = "Lists every pair: state, current error norm, RMS error over the last 10 s, confidence,"
                + " tensor version")
@Service
public final class PairsCommand implements Action {

    @Reference
    ControlLoop loop;

    @Option(name = "--json", description = "Print a JSON array instead of a table")
    boolean json;

    PrintStream out = System.out;

    @Override
    public Object execute() {
        List<PairStatus> pairs = loop.pairs();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (PairStatus p : pairs) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", p.id());
                row.put("parent", p.parent());
                row.put("child", p.child());
                row.put("state", p.state().name());
                row.put("reason", p.reason());
                row.put("error", norm(p.error()));
                row.put("rmsError", p.rmsError());
                row.put("confidence", p.confidence());
                row.put("tensorVersion", p.tensorVersion());
                row.put("cycles", p.cycles());
                row.put("missedDeadlines", p.missedDeadlines());
                rows.add(row);
            }
            out.println(Json.array(rows));
            return null;
        }
        if (pairs.isEmpty()) {
            out.println("No pairs. Add one with a file etc/dev.cascade.pair-NAME.cfg (see the README).");
            return null;
        }
        String format = "%-16s %-24s %-8s %10s %10s %5s %7s %10s %7s  %s%n";
        out.printf(
                format,
                "PAIR",
                "PARENT -> CHILD",
                "STATE",
                "|ERROR|",
                "RMS(10s)",
                "CONF",
                "TENSOR",
                "CYCLES",
                "MISSED",
                "REASON");
        for (PairStatus p : pairs) {
            out.printf(
                    format,
                    p.id(),
                    p.parent() + " -> " + p.child(),
                    p.state(),
                    number(norm(p.error())),
                    number(p.rmsError()),
                    String.format(Locale.ROOT, "%.2f", p.confidence()),
                    "v" + p.tensorVersion(),
                    p.cycles(),
                    p.missedDeadlines(),
                    p.reason());
        }
        return null;
    }

    static double norm(Vector3 v) {
        return Math.sqrt(v.x() * v.x() + v.y() * v.y() + v.z() * v.z());
    }

    static String number(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4g", v);
    }
}
