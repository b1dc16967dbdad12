package dev.cascade.core.internal;

import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pair, defined by a Config Admin factory configuration of {@code dev.cascade.pair} (a file
 * {@code etc/dev.cascade.pair-NAME.cfg}, the Web Console's Configuration page, or {@code config:} in the
 * shell). It validates its configuration and hands the pair to the loop; a bad configuration is logged,
 * shown as a stopped pair with the reason, and the component stays inactive.
 */
@Component(
        configurationPid = PairSettings.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = PairComponent.Config.class, factory = true)
public final class PairComponent {

    private static final Logger LOG = LoggerFactory.getLogger(PairComponent.class);

    @ObjectClassDefinition(
            name = "Cascade pair",
            description = "A parent -> child control loop: the loop adjusts the child so that the parent's state"
                    + " follows the setpoint.")
    @interface Config {
        @AttributeDefinition(name = "Pair id", description = "Unique on the node: letters, digits, '.', '_', '-'.")
        String id();

        @AttributeDefinition(name = "Parent domain", description = "Domain id of the parent (the controlled state).")
        String parent();

        @AttributeDefinition(name = "Child domain", description = "Domain id of the child (the actuators adjusted).")
        String child();

        @AttributeDefinition(name = "Setpoint", description = "Parent setpoint, three numbers: x, y, z.")
        String setpoint();

        @AttributeDefinition(name = "Axes", description = "Axes this pair controls, a subset of x, y, z.")
        String axes() default "x, y, z";

        @AttributeDefinition(name = "Rate", description = "Cycles per second, 1 to 1000.")
        double rate() default 10;

        @AttributeDefinition(
                name = "kp",
                description = "Proportional gain, or 'auto': the plant's time constant divided by the closed-loop"
                        + " time constant (0 while the time constant is not known).")
        String kp() default "auto";

        @AttributeDefinition(
                name = "ki",
                description = "Integral gain in 1/s, or 'auto': 1 / closed-loop time constant.")
        String ki() default "auto";

        @AttributeDefinition(
                name = "Closed-loop time constant",
                description = "Seconds; sets kp and ki when they are 'auto'.")
        double closedLoopSeconds() default 10;

        @AttributeDefinition(
                name = "Plant time constants",
                description = "Seconds per parent axis (x, y, z), for kp 'auto'; empty until identified.")
        String timeConstants() default "";

        @AttributeDefinition(
                name = "Weight",
                description = "This pair's share of the parent's error among the pairs of the same parent.")
        double weight() default 1;

        @AttributeDefinition(
                name = "Confidence floor",
                description = "Below this tensor confidence (0 to 1) the pair holds its output.")
        double confidenceFloor() default 0.2;

        @AttributeDefinition(
                name = "Initial tensor",
                description = "T until an estimated one arrives: 9 numbers, row by row. Empty: the pair learns"
                        + " from scratch (it holds, probing by probeAmplitude, until an estimate is confident).")
        String initialTensor() default "";

        @AttributeDefinition(name = "Initial confidence", description = "Confidence of the initial tensor, 0 to 1.")
        double initialConfidence() default 1;

        @AttributeDefinition(
                name = "Output minimum",
                description = "Lowest accumulated adjustment per axis since the pair started (x, y, z; -inf for"
                        + " none); empty for no bound.")
        String outputMin() default "";

        @AttributeDefinition(
                name = "Output maximum",
                description = "Highest accumulated adjustment per axis (x, y, z; inf for none); empty for no bound.")
        String outputMax() default "";

        @AttributeDefinition(
                name = "Rate limit",
                description = "Largest change of the output per axis, units per second (x, y, z); empty for none.")
        String maxRate() default "";

        @AttributeDefinition(
                name = "Stale timeout",
                description = "Milliseconds after which a parent reading counts as stale.")
        long staleTimeoutMillis() default 2000;

        @AttributeDefinition(
                name = "Stale policy",
                description = "What the pair does on stale or bad parent data.",
                options = {
                    @Option(label = "hold the last output", value = "hold"),
                    @Option(label = "ramp to neutral at the rate limit", value = "ramp"),
                    @Option(label = "return to neutral at once", value = "zero")
                })
        String stalePolicy() default "hold";

        @AttributeDefinition(
                name = "Dead time",
                description = "Cycles between an adjustment and the first cycle in which the parent feels it, for"
                        + " the estimator (0 to 1000).")
        int deadTime() default 0;

        @AttributeDefinition(
                name = "Forgetting factor",
                description = "How much of the past each excited cycle keeps in the estimate, in (0, 1]; 0.995"
                        + " remembers about the last 200 excited cycles.")
        double forgetting() default 0.995;

        @AttributeDefinition(
                name = "Probe amplitude",
                description = "While the tensor's confidence is below the floor, the pair moves the child's output"
                        + " by up to this much per axis (x, y, z) in a pseudo-random binary pattern, so the"
                        + " estimator can learn. Empty: no probing (a pair without a tensor then only holds).")
        String probeAmplitude() default "";

        @AttributeDefinition(
                name = "Probe until",
                description = "While the tensor's confidence is at or above the floor but below this, the probe"
                        + " goes on on top of the control law, fading from its full amplitude at the floor to none"
                        + " here, so the estimator keeps learning and notices a changed plant (0 to 1; at or"
                        + " below the floor: no probing while running).")
        double probeUntil() default 0;
    }

    private final LoopEngine loop;
    private final String pid;

    @Activate
    public PairComponent(Config config, @Reference LoopEngine loop, java.util.Map<String, Object> properties) {
        this.loop = loop;
        this.pid = String.valueOf(properties.get("service.pid"));
        apply(config);
    }

    @Modified
    void modified(Config config) {
        apply(config);
    }

    @Deactivate
    void deactivate(int reason) {
        // a configuration that failed to update stays listed as rejected; a deleted one is forgotten
        loop.remove(pid, reason != ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_MODIFIED);
    }

    private void apply(Config config) {
        PairSettings settings;
        try {
            settings = PairSettings.parse(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Rejected pair configuration {}: {}", pid, e.getMessage());
            loop.reject(pid, config.id(), e.getMessage());
            throw e;
        }
        loop.put(pid, settings);
    }
}
