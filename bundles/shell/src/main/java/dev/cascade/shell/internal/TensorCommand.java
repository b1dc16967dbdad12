package dev.cascade.shell.internal;

import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.CachedTensor;
import dev.cascade.api.network.Estimation;
import dev.cascade.api.network.TensorCache;
import dev.cascade.api.network.TensorReset;
import dev.cascade.api.tensor.Matrix3;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code cascade:tensor ID [--reset]}: the pair's tensor in use, the estimated gain, confidence, version,
 * source and age; {@code --reset} makes the pair's estimation start over (see {@link Estimation#reset}).
 */
@Command(
        scope = "cascade",
        name = "tensor",
        description = "Shows a pair's tensor T in use, the estimated gain G, confidence, version, source and age;"
                + " --reset makes the pair's estimation start over")
@Service
public final class TensorCommand implements Action {

    @Reference
    ControlLoop loop;

    @Reference(optional = true)
    TensorCache cache;

    @Reference(optional = true)
    Estimation estimation;

    @Argument(index = 0, name = "id", description = "The pair's id, as cascade:pairs lists it", required = true)
    @Completion(PairIds.class)
    String id;

    @Option(
            name = "--reset",
            description = "Make the pair's estimation start over: the optimizer forgets it, the cache drops the"
                    + " tensor, and the pair goes back to its configured initial tensor (or learns from scratch)")
    boolean reset;

    @Option(name = "--json", description = "Print one JSON object instead of text")
    boolean json;

    long resetTimeoutMillis = 15_000;

    Clock clock = Clock.systemUTC();

    PrintStream out = System.out;

    @Override
    public Object execute() throws InterruptedException {
        PairIds.find(loop, id);
        Optional<TensorReset> done = reset ? Optional.of(reset()) : Optional.empty();
        PairStatus p = PairIds.find(loop, id);
        Optional<Matrix3> tensor = loop.tensor(id);
        Optional<CachedTensor> cached = cache == null ? Optional.empty() : cache.retrieve(id);
        // the cache's tensor is the one in use when the versions agree; else the pair uses its initial one
        Optional<CachedTensor> inUse = cached.filter(c -> c.update().version() == p.tensorVersion());
        String source = p.tensorVersion() == 0
                ? "configured initial tensor"
                : inUse.map(c -> c.update().source()).orElse("estimated");
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("pair", p.id());
            done.ifPresent(r -> fields.put("resetToVersion", r.version()));
            fields.put("version", p.tensorVersion());
            fields.put("source", source);
            fields.put("confidence", p.confidence());
            fields.put("ageSeconds", inUse.map(c -> age(c) / 1000.0).orElse(null));
            fields.put("tensor", tensor.orElse(null));
            fields.put("gain", cached.map(c -> c.update().gain()).orElse(null));
            fields.put("gainVersion", cached.map(c -> c.update().version()).orElse(null));
            fields.put(
                    "timeConstants", cached.map(c -> c.update().timeConstants()).orElse(null));
            out.println(Json.object(fields));
            return null;
        }
        done.ifPresent(r -> out.printf(
                "%s: estimation reset (reset v%d); %s%n%n",
                id,
                r.version(),
                isZero(tensor)
                        ? "the pair has no initial tensor: it holds, and learns from scratch"
                        : "the pair is back on its configured initial tensor"));
        String format = "%-12s %s%n";
        out.printf(format, "pair", p.id());
        out.printf(format, "version", "v" + p.tensorVersion());
        out.printf(format, "source", source);
        out.printf(format, "confidence", String.format(Locale.ROOT, "%.3f", p.confidence()));
        out.printf(format, "age", inUse.map(c -> Text.age(age(c))).orElse("-"));
        out.println("T, in use:");
        if (tensor.isPresent()) {
            Text.matrix(out, tensor.get());
        } else {
            out.println("    none: the pair does not run on this node");
        }
        if (cached.isPresent()) {
            TensorUpdate u = cached.get().update();
            out.printf(
                    "G, estimated (update v%d, confidence %.3f now):%n",
                    u.version(), cached.get().confidence());
            Text.matrix(out, u.gain());
            out.println("time constants: " + Text.vector(u.timeConstants()) + " s");
        } else {
            out.println("G: none estimated yet");
        }
        return null;
    }

    private TensorReset reset() throws InterruptedException {
        if (estimation == null) {
            throw new IllegalStateException("cannot reset pair " + id + ": the network (feature cascade-network),"
                    + " which carries resets to the optimizer, is not running");
        }
        String unconfirmed = "pair " + id + " was not reset: no optimizer confirmed it within "
                + resetTimeoutMillis / 1000 + " s (cascade:network shows the optimizer)";
        try {
            return estimation.reset(id).toCompletableFuture().get(resetTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw new IllegalStateException(unconfirmed, e.getCause());
            }
            // the network's messages name the pair and why
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(unconfirmed, e);
        }
    }

    private long age(CachedTensor c) {
        return Math.max(0, clock.millis() - c.stored());
    }

    private static boolean isZero(Optional<Matrix3> tensor) {
        return tensor.map(Matrix3.ZERO::equals).orElse(true);
    }
}
