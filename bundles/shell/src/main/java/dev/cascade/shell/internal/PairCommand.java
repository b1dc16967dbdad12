package dev.cascade.shell.internal;

import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.CachedTensor;
import dev.cascade.api.network.TensorCache;
import dev.cascade.api.tensor.Matrix3;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code cascade:pair ID}: one pair in detail: state, setpoint, error and its integrals, adjustment, the
 * tensor in use and, once the optimizer published one, the estimated gain and time constants.
 */
@Command(
        scope = "cascade",
        name = "pair",
        description = "Shows one pair in detail: state, setpoint, error, RMS and integral of the absolute error,"
                + " adjustment, confidence, the tensor T in use, the estimated gain G and time constants")
@Service
public final class PairCommand implements Action {

    @Reference
    ControlLoop loop;

    /** Optional: without the network there is no estimated gain, but the pair still shows. */
    @Reference(optional = true)
    TensorCache cache;

    @Argument(index = 0, name = "id", description = "The pair's id, as cascade:pairs lists it", required = true)
    @Completion(PairIds.class)
    String id;

    @Option(name = "--json", description = "Print one JSON object instead of text")
    boolean json;

    PrintStream out = System.out;

    @Override
    public Object execute() {
        PairStatus p = PairIds.find(loop, id);
        Optional<Matrix3> tensor = loop.tensor(id);
        Optional<CachedTensor> cached = cache == null ? Optional.empty() : cache.retrieve(id);
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("id", p.id());
            fields.put("state", p.state().name());
            fields.put("reason", p.reason());
            fields.put("parent", p.parent());
            fields.put("child", p.child());
            fields.put("setpoint", p.setpoint());
            fields.put("error", p.error());
            fields.put("errorNorm", PairsCommand.norm(p.error()));
            fields.put("rmsError", p.rmsError());
            fields.put("integralAbsError", p.integralAbsError());
            fields.put("adjustment", p.adjustment());
            fields.put("confidence", p.confidence());
            fields.put("tensorVersion", p.tensorVersion());
            fields.put("tensor", tensor.orElse(null));
            fields.put("gain", cached.map(c -> c.update().gain()).orElse(null));
            fields.put(
                    "timeConstants", cached.map(c -> c.update().timeConstants()).orElse(null));
            fields.put("cycles", p.cycles());
            fields.put("missedDeadlines", p.missedDeadlines());
            out.println(Json.object(fields));
            return null;
        }
        String format = "%-18s %s%n";
        out.printf(format, "pair", p.id());
        out.printf(format, "state", p.state() + (p.reason().isEmpty() ? "" : " (" + p.reason() + ")"));
        out.printf(format, "parent -> child", p.parent() + " -> " + p.child());
        out.printf(format, "setpoint", Text.vector(p.setpoint()));
        out.printf(
                format, "error", Text.vector(p.error()) + "  (norm " + Text.number(PairsCommand.norm(p.error())) + ")");
        out.printf(format, "RMS error (10 s)", Text.number(p.rmsError()));
        out.printf(format, "integral |error|", Text.number(p.integralAbsError()) + " (unit x s, all axes)");
        out.printf(format, "adjustment", Text.vector(p.adjustment()) + "  (sum of increments)");
        out.printf(format, "confidence", String.format(Locale.ROOT, "%.3f", p.confidence()));
        out.printf(format, "tensor version", version(p.tensorVersion(), cached));
        out.printf(format, "cycles", p.cycles());
        out.printf(format, "missed deadlines", p.missedDeadlines());
        out.println();
        out.println("T, the controller tensor in use:");
        if (tensor.isPresent()) {
            Text.matrix(out, tensor.get());
        } else {
            out.println("    none: the pair does not run on this node");
        }
        if (cached.isPresent()) {
            TensorUpdate u = cached.get().update();
            out.println("G, the estimated plant gain (update v" + u.version() + "):");
            Text.matrix(out, u.gain());
            out.println("time constants:    " + Text.vector(u.timeConstants()) + " s");
        } else {
            out.println("G, the estimated plant gain: none yet (no update from the optimizer)");
        }
        return null;
    }

    static String version(long version, Optional<CachedTensor> cached) {
        if (version == 0) {
            return "v0 (the configured initial tensor)";
        }
        return "v" + version
                + cached.filter(c -> c.update().version() == version)
                        .map(c -> " (from " + c.update().source() + ")")
                        .orElse("");
    }
}
