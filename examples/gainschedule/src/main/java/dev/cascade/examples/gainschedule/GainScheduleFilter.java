package dev.cascade.examples.gainschedule;

import dev.cascade.api.control.Filter;
import dev.cascade.api.control.FilterFrame;
import dev.cascade.api.tools.ToolResources;
import java.util.Arrays;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A transform filter that scales the adjustment the control law produced by a factor chosen by the
 * operating region of one parent axis: {@code n} ascending thresholds split the axis into {@code n + 1}
 * regions, each with its factor. Scaling the adjustment is scaling the tensor's effect, for a plant whose
 * gain changes with its operating point (a cooling unit that acts harder at high load, say).
 *
 * <p>Adjustments are increments, so a change of region changes the next increments, never the output:
 * crossing a threshold causes no step. Allocation-free: a short linear scan over primitive arrays.
 */
@Component(
        configurationPid = GainScheduleFilter.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {Filter.STAGE + "=transform", "service.ranking:Integer=0"})
@ToolResources(cpu = 0.001, heapMb = 1, maxCallMicros = 20)
@Designate(ocd = GainScheduleFilter.Config.class)
public final class GainScheduleFilter implements Filter {

    static final String PID = "dev.cascade.examples.gainschedule";

    @ObjectClassDefinition(
            name = "Cascade example: gain schedule",
            description = "Scales the adjustment by the operating region of one parent axis.")
    @interface Config {
        @AttributeDefinition(description = "The parent axis that defines the region: x, y or z.")
        String axis() default "x";

        @AttributeDefinition(description = "Region boundaries on that axis, in the parent's units, strictly ascending.")
        double[] thresholds() default {22.0, 26.0};

        @AttributeDefinition(
                description = "One factor per region (one more than thresholds), each finite and >= 0; "
                        + "the first applies below the first threshold.")
        double[] factors() default {0.5, 1.0, 1.5};

        @AttributeDefinition(
                description = "Pairs to apply to: a glob on the pair id, or an LDAP filter; empty for all.")
        String cascade_filter_pairs() default "";
    }

    private final int axis;
    private final double[] thresholds;
    private final double[] factors;

    @Activate
    public GainScheduleFilter(Config config) {
        this.axis = axis(config.axis());
        this.thresholds = config.thresholds().clone();
        this.factors = config.factors().clone();
        if (factors.length != thresholds.length + 1) {
            throw new IllegalArgumentException(PID + ": " + thresholds.length + " thresholds need "
                    + (thresholds.length + 1) + " factors, got " + factors.length + " "
                    + Arrays.toString(factors));
        }
        for (int i = 0; i < thresholds.length; i++) {
            if (!Double.isFinite(thresholds[i]) || (i > 0 && !(thresholds[i] > thresholds[i - 1]))) {
                throw new IllegalArgumentException(PID + ": thresholds " + Arrays.toString(thresholds)
                        + " are not valid; use finite numbers in strictly ascending order");
            }
        }
        for (double f : factors) {
            if (!(f >= 0) || Double.isInfinite(f)) {
                throw new IllegalArgumentException(PID + ": factor " + f + " is not valid; use a finite number >= 0");
            }
        }
    }

    private static int axis(String name) {
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "x", "0" -> 0;
            case "y", "1" -> 1;
            case "z", "2" -> 2;
            default -> throw new IllegalArgumentException(PID + ": axis = '" + name + "' is not valid; use x, y or z");
        };
    }

    /** @return the factor of the region {@code value} lies in (a value on a threshold is in the upper region) */
    double factor(double value) {
        int region = 0;
        while (region < thresholds.length && value >= thresholds[region]) {
            region++;
        }
        return factors[region];
    }

    @Override
    public void process(FilterFrame frame) {
        double value = frame.parent(axis);
        if (!Double.isFinite(value)) {
            // No region to speak of: leave the law's adjustment as it is (the core handles bad data).
            return;
        }
        double k = factor(value);
        int mask = frame.axisMask();
        for (int a = 0; a < 3; a++) {
            if ((mask & (1 << a)) != 0) {
                frame.adjustment(a, k * frame.adjustment(a));
            }
        }
    }
}
