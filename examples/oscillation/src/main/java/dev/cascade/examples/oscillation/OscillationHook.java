package dev.cascade.examples.oscillation;

import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.monitoring.Analysis;
import dev.cascade.api.monitoring.AnalysisHook;
import dev.cascade.api.tensor.Vector3;
import dev.cascade.api.tools.ToolResources;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every pair's error for a sustained oscillation and logs a warning naming the pair, the axis,
 * the amplitude and the period; and a line when it has stopped.
 *
 * <p>A periodic {@link AnalysisHook}: the monitoring bundle calls it every {@code cascade.hook.periodMs}
 * on its own thread, under its time budget, one call at a time, so the detectors need no locks. It
 * reads the errors through the {@link ControlLoop} service.
 */
@Component(
        configurationPid = OscillationHook.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {
            AnalysisHook.PHASE + "=periodic",
            AnalysisHook.PERIOD_MS + ":Long=100",
            AnalysisHook.BUDGET_MS + ":Long=50"
        })
@ToolResources(cpu = 0.01, heapMb = 4, threads = 1)
@Designate(ocd = OscillationHook.Config.class)
public final class OscillationHook implements AnalysisHook {

    static final String PID = "dev.cascade.examples.oscillation";
    private static final Logger LOG = LoggerFactory.getLogger(OscillationHook.class);
    private static final String[] AXES = {"x", "y", "z"};

    @ObjectClassDefinition(
            name = "Cascade example: oscillation detector",
            description = "Warns when a pair's error keeps swinging across its setpoint.")
    @interface Config {
        @AttributeDefinition(
                description = "Half-width of the band around 0 per axis (x, y, z), in the parent's units (> 0): "
                        + "a swing counts only when the error leaves it on the other side. Above the noise.")
        double[] band() default {0.5, 2.0, 5.0};

        @AttributeDefinition(description = "Crossings of the band that make an oscillation (>= 3; 6 = 3 periods).")
        int minCrossings() default 6;

        @AttributeDefinition(description = "Window the crossings must fall in, in seconds (> 0).")
        double windowSeconds() default 120;

        @AttributeDefinition(
                name = "Period",
                description = "How often the errors are sampled, in milliseconds (10 to 60000).")
        long cascade_hook_periodMs() default 100;
    }

    private final ControlLoop loop;
    private final double[] band;
    private final int minCrossings;
    private final long windowMillis;

    // Only the hook's calls touch these two, one call at a time.
    private final Map<String, OscillationDetector> detectors = new HashMap<>();
    private final Map<String, Long> lastCycles = new HashMap<>();

    private final Set<String> oscillating = ConcurrentHashMap.newKeySet();

    @Activate
    public OscillationHook(@Reference ControlLoop loop, Config config) {
        this.loop = loop;
        double[] b = config.band();
        if (b.length != 3) {
            throw new IllegalArgumentException(PID + ": band has " + b.length + " values; give 3 (x, y, z)");
        }
        for (double v : b) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(PID + ": band " + v + " is not valid; use a finite number > 0");
            }
        }
        if (config.minCrossings() < 3) {
            throw new IllegalArgumentException(
                    PID + ": minCrossings = " + config.minCrossings() + " is not valid; use 3 or more");
        }
        double w = config.windowSeconds();
        if (!(w > 0) || Double.isInfinite(w)) {
            throw new IllegalArgumentException(
                    PID + ": windowSeconds = " + w + " is not valid; use a finite number of seconds > 0");
        }
        long p = config.cascade_hook_periodMs();
        if (p < 10 || p > 60_000) {
            throw new IllegalArgumentException(
                    PID + ": cascade.hook.periodMs = " + p + " is not valid; use 10 to 60000 milliseconds");
        }
        this.band = b.clone();
        this.minCrossings = config.minCrossings();
        this.windowMillis = Math.round(w * 1000);
    }

    @Override
    public void analyse(Analysis analysis) {
        sample(analysis.time());
    }

    /** @return the pairs found oscillating now */
    Set<String> oscillating() {
        return Set.copyOf(oscillating);
    }

    void sample(long now) {
        Set<String> seen = new HashSet<>();
        for (PairStatus pair : loop.pairs()) {
            String id = pair.id();
            seen.add(id);
            Long last = lastCycles.put(id, pair.cycles());
            if (last != null && last == pair.cycles()) {
                continue; // no new cycle since the last sample: nothing new to look at
            }
            OscillationDetector d =
                    detectors.computeIfAbsent(id, k -> new OscillationDetector(band, windowMillis, minCrossings));
            Vector3 e = pair.error();
            int axis = d.sample(now, e.x(), e.y(), e.z());
            if (axis >= 0 && oscillating.add(id)) {
                LOG.warn(
                        "Pair {} oscillates on axis {}: error swings about ±{} with a period of about {} s ({} crossings"
                                + " of ±{} within {} s). Consider lower gains (kp, ki, closedLoopSeconds) for this pair.",
                        id,
                        AXES[axis],
                        String.format("%.3g", d.amplitude(axis)),
                        String.format("%.3g", d.periodSeconds(axis)),
                        minCrossings,
                        band[axis],
                        windowMillis / 1000.0);
            } else if (axis < 0 && oscillating.remove(id)) {
                LOG.info("Pair {} no longer oscillates", id);
            }
        }
        detectors.keySet().retainAll(seen);
        lastCycles.keySet().retainAll(seen);
        oscillating.retainAll(seen);
    }
}
