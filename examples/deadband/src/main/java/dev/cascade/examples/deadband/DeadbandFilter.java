package dev.cascade.examples.deadband;

import dev.cascade.api.control.Filter;
import dev.cascade.api.control.FilterFrame;
import dev.cascade.api.tools.ToolResources;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A pre filter that sets to zero any error smaller than the dead band on its axis, so a loop near its
 * setpoint stops moving the actuators for noise. Errors outside the band pass unchanged (no step at the
 * band's edge would be kinder to the plant; this example keeps it simple). Allocation-free.
 */
@Component(
        configurationPid = DeadbandFilter.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {Filter.STAGE + "=pre", "service.ranking:Integer=100"})
@ToolResources(cpu = 0.001, heapMb = 1, maxCallMicros = 20)
@Designate(ocd = DeadbandFilter.Config.class)
public final class DeadbandFilter implements Filter {

    static final String PID = "dev.cascade.examples.deadband";

    @ObjectClassDefinition(name = "Cascade example: dead band", description = "Errors inside the band count as 0.")
    @interface Config {
        @AttributeDefinition(description = "Half-width of the band on x, y and z, in the parent's units (>= 0).")
        double[] width() default {0.05, 0.2, 0.5};

        @AttributeDefinition(
                description = "Pairs to apply to: a glob on the pair id, or an LDAP filter; empty for all.")
        String cascade_filter_pairs() default "";
    }

    private final double wx;
    private final double wy;
    private final double wz;

    @Activate
    public DeadbandFilter(Config config) {
        double[] w = config.width();
        if (w.length != 3) {
            throw new IllegalArgumentException(PID + ": width has " + w.length + " values; give 3 (x, y, z)");
        }
        for (double v : w) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(PID + ": width " + v + " is not valid; use a finite number >= 0");
            }
        }
        this.wx = w[0];
        this.wy = w[1];
        this.wz = w[2];
    }

    @Override
    public void process(FilterFrame frame) {
        band(frame, 0, wx);
        band(frame, 1, wy);
        band(frame, 2, wz);
    }

    private static void band(FilterFrame frame, int axis, double width) {
        if (Math.abs(frame.error(axis)) < width) {
            frame.error(axis, 0);
        }
    }
}
