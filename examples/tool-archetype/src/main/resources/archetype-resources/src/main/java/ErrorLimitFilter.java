package ${package};

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
 * A pre filter that limits the error on each axis to {@code [-limit, limit]}, so a large setpoint
 * change or a sensor glitch moves the actuators at a bounded pace instead of kicking them. Replace the
 * body of {@link #process} with your own tool; keep it fast and allocation-free: it runs on the loop
 * thread, every cycle of every pair it applies to.
 */
@Component(
        configurationPid = ErrorLimitFilter.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {Filter.STAGE + "=pre", "service.ranking:Integer=0"})
// The resource contract: what the node must have free to admit this tool, and what it is held to.
@ToolResources(cpu = 0.001, heapMb = 1, maxCallMicros = 20)
@Designate(ocd = ErrorLimitFilter.Config.class)
public final class ErrorLimitFilter implements Filter {

    static final String PID = "${package}.errorlimit";

    @ObjectClassDefinition(name = "${artifactId}: error limit", description = "Limits the error on each axis.")
    @interface Config {
        @AttributeDefinition(description = "Largest error on x, y and z, in the parent's units (> 0).")
        double[] limit() default {5, 5, 5};

        @AttributeDefinition(
                description = "Pairs to apply to: a glob on the pair id, or an LDAP filter; empty for all.")
        String cascade_filter_pairs() default "";
    }

    private final double[] limit;

    @Activate
    public ErrorLimitFilter(Config config) {
        double[] l = config.limit();
        if (l.length != 3) {
            throw new IllegalArgumentException(PID + ": limit has " + l.length + " values; give 3 (x, y, z)");
        }
        for (double v : l) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(PID + ": limit " + v + " is not valid; use a finite number > 0");
            }
        }
        this.limit = l.clone();
    }

    @Override
    public void process(FilterFrame frame) {
        int mask = frame.axisMask();
        for (int axis = 0; axis < 3; axis++) {
            if ((mask & (1 << axis)) != 0) {
                double e = frame.error(axis);
                frame.error(axis, Math.max(-limit[axis], Math.min(limit[axis], e)));
            }
        }
    }
}
