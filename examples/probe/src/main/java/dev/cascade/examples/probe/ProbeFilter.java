package dev.cascade.examples.probe;

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
 * A post filter that excites a pair while the confidence of its tensor is low, so the estimator sees the
 * plant respond: on each axis the output is offset by {@code +A} or {@code -A}, switched by a
 * pseudo-random binary sequence (PRBS) every {@code bitSeconds}.
 *
 * <p>Adjustments are increments, so the filter adds the change of the offset, not the offset: the sum of
 * everything it ever added to an axis is the current offset, always within {@code [-A, A]}, and it goes
 * back to 0 as soon as confidence recovers. Axes take bits of the sequence at different delays, so they
 * are excited nearly uncorrelated, which a 3x3 fit needs. Per-pair state is made once; a cycle allocates
 * nothing.
 */
@Component(
        configurationPid = ProbeFilter.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {Filter.STAGE + "=post", "service.ranking:Integer=-100"})
@ToolResources(cpu = 0.001, heapMb = 1, maxCallMicros = 20)
@Designate(ocd = ProbeFilter.Config.class)
public final class ProbeFilter implements Filter {

    static final String PID = "dev.cascade.examples.probe";

    /** Bits of the 15-bit register each axis reads: shifts of one m-sequence are nearly uncorrelated. */
    private static final int[] AXIS_BIT = {0, 5, 10};

    @ObjectClassDefinition(
            name = "Cascade example: probe",
            description = "Bounded PRBS excitation of a pair's output while its tensor's confidence is low.")
    @interface Config {
        @AttributeDefinition(
                description = "Amplitude A per axis (x, y, z), in the child's actuator units (>= 0; 0: no probing"
                        + " on that axis). The output never moves more than A from where it would be.")
        double[] amplitude() default {0.5, 0.5, 0.5};

        @AttributeDefinition(description = "Probe while the tensor's confidence is below this, in (0, 1].")
        double confidenceThreshold() default 0.5;

        @AttributeDefinition(
                description = "Shortest time between two switches, in seconds (> 0); about the plant's time "
                        + "constant, so each step shows its response.")
        double bitSeconds() default 2.0;

        @AttributeDefinition(
                description = "Pairs to apply to: a glob on the pair id, or an LDAP filter; empty for all.")
        String cascade_filter_pairs() default "";
    }

    /** One pair's probe; only the loop thread touches it. */
    private static final class State {
        final double[] offset = new double[3];
        final double[] target = new double[3];
        int register;
        double sinceSwitch;
        boolean probing;
        long lastCycle = -1;

        State(String pair) {
            // Seeded from the pair id: pairs probing at the same time do not move in step. Never 0.
            register = (pair.hashCode() & 0x7fff) | 1;
        }
    }

    private final double[] amplitude;
    private final double threshold;
    private final double bitSeconds;
    // The loop may hand a pair to a fresh thread (watchdog), so the map must be safe to publish across threads.
    private final ConcurrentHashMap<String, State> pairs = new ConcurrentHashMap<>();

    @Activate
    public ProbeFilter(Config config) {
        double[] a = config.amplitude();
        if (a.length != 3) {
            throw new IllegalArgumentException(PID + ": amplitude has " + a.length + " values; give 3 (x, y, z)");
        }
        for (double v : a) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(
                        PID + ": amplitude " + v + " is not valid; use a finite number >= 0");
            }
        }
        double c = config.confidenceThreshold();
        if (!(c > 0 && c <= 1)) {
            throw new IllegalArgumentException(
                    PID + ": confidenceThreshold = " + c + " is not valid; use a number in (0, 1]");
        }
        double b = config.bitSeconds();
        if (!(b > 0) || Double.isInfinite(b)) {
            throw new IllegalArgumentException(
                    PID + ": bitSeconds = " + b + " is not valid; use a finite number of seconds > 0");
        }
        this.amplitude = a.clone();
        this.threshold = c;
        this.bitSeconds = b;
    }

    @Override
    public void process(FilterFrame frame) {
        State s = pairs.get(frame.pair());
        if (s == null) {
            s = pairs.computeIfAbsent(frame.pair(), State::new);
        }
        if (frame.cycle() <= s.lastCycle) {
            // The pair was re-created and starts from a neutral output: our old offset is not in it.
            s.offset[0] = 0;
            s.offset[1] = 0;
            s.offset[2] = 0;
            s.probing = false;
        }
        s.lastCycle = frame.cycle();

        if (frame.confidence() < threshold) {
            double dt = frame.dt();
            s.sinceSwitch += dt > 0 && Double.isFinite(dt) ? dt : 0;
            // a nanosecond of slack: ten cycles of 0.1 s add up to 0.9999999, not 1
            if (!s.probing || s.sinceSwitch >= bitSeconds - 1e-9) {
                s.probing = true;
                s.sinceSwitch = 0;
                s.register = next(s.register);
                for (int axis = 0; axis < 3; axis++) {
                    s.target[axis] = ((s.register >> AXIS_BIT[axis]) & 1) != 0 ? amplitude[axis] : -amplitude[axis];
                }
            }
        } else if (s.probing) {
            s.probing = false;
            s.target[0] = 0;
            s.target[1] = 0;
            s.target[2] = 0;
        }

        int mask = frame.axisMask();
        for (int axis = 0; axis < 3; axis++) {
            double step = s.target[axis] - s.offset[axis];
            if ((mask & (1 << axis)) != 0 && step != 0) {
                frame.adjustment(axis, frame.adjustment(axis) + step);
                s.offset[axis] = s.target[axis];
            }
        }
    }

    /** One step of the maximal-length 15-bit LFSR x^15 + x^14 + 1 (period 32767). */
    static int next(int register) {
        int bit = ((register >> 14) ^ (register >> 13)) & 1;
        return ((register << 1) | bit) & 0x7fff;
    }
}
