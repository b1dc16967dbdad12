package dev.cascade.examples.smoothing;

import dev.cascade.api.control.Filter;
import dev.cascade.api.control.FilterFrame;
import dev.cascade.api.tools.ToolResources;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A pre filter that replaces each pair's error by its exponential moving average with time constant
 * {@code tau}: {@code s += (1 - exp(-dt / tau)) * (e - s)}. Taking {@code dt} from the frame keeps the
 * smoothing the same in seconds whatever the pair's rate, and after a late cycle.
 *
 * <p>Each pair has its own state, made once when the pair is first seen; a cycle only looks it up (a
 * {@link ConcurrentHashMap#get} allocates nothing) and updates primitive fields.
 */
@Component(
        configurationPid = SmoothingFilter.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {Filter.STAGE + "=pre", "service.ranking:Integer=50"})
@ToolResources(cpu = 0.002, heapMb = 1, maxCallMicros = 20)
@Designate(ocd = SmoothingFilter.Config.class)
public final class SmoothingFilter implements Filter {

    static final String PID = "dev.cascade.examples.smoothing";

    @ObjectClassDefinition(
            name = "Cascade example: smoothing",
            description = "Exponential smoothing of each pair's error before the control law.")
    @interface Config {
        @AttributeDefinition(
                description = "Time constant of the smoothing, in seconds (> 0). Larger is smoother and slower.")
        double timeConstantSeconds() default 1.0;

        @AttributeDefinition(
                description = "Pairs to apply to: a glob on the pair id, or an LDAP filter; empty for all.")
        String cascade_filter_pairs() default "";
    }

    /** One pair's smoothed error; only the loop thread touches it. */
    private static final class State {
        final double[] smoothed = new double[3];
        long lastCycle = -1;
    }

    private final double tau;
    // The loop may hand a pair to a fresh thread (watchdog), so the map must be safe to publish across threads.
    private final ConcurrentHashMap<String, State> pairs = new ConcurrentHashMap<>();

    @Activate
    public SmoothingFilter(Config config) {
        double t = config.timeConstantSeconds();
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException(
                    PID + ": timeConstantSeconds = " + t + " is not valid; use a finite number of seconds > 0");
        }
        this.tau = t;
    }

    @Override
    public void process(FilterFrame frame) {
        State state = pairs.get(frame.pair());
        if (state == null) {
            state = pairs.computeIfAbsent(frame.pair(), p -> new State());
        }
        int mask = frame.axisMask();
        // A pair seen for the first time, or restarted (its cycle count went back), starts from its error:
        // starting from 0 would hide a real error for several time constants.
        boolean restart = frame.cycle() <= state.lastCycle || state.lastCycle < 0;
        double dt = frame.dt();
        double alpha = dt > 0 && Double.isFinite(dt) ? 1 - Math.exp(-dt / tau) : 0;
        double[] s = state.smoothed;
        for (int axis = 0; axis < 3; axis++) {
            if ((mask & (1 << axis)) == 0) {
                continue;
            }
            double e = frame.error(axis);
            if (restart) {
                s[axis] = e;
            } else {
                s[axis] += alpha * (e - s[axis]);
            }
            frame.error(axis, s[axis]);
        }
        state.lastCycle = frame.cycle();
    }
}
