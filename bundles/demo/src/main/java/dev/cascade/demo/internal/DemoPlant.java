package dev.cascade.demo.internal;

import dev.cascade.api.domain.DomainAdapter;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo plant, configured under the PID {@code dev.cascade.demo} (etc/dev.cascade.demo.cfg): simulated
 * data halls and their cooling units, each registered as a {@link DomainAdapter} service. The number of
 * domains comes from the configuration, so they are registered here rather than declared as components.
 */
@Component(
        service = {},
        immediate = true,
        configurationPid = DemoPlant.PID)
@Designate(ocd = DemoPlant.Config.class)
public final class DemoPlant {

    static final String PID = "dev.cascade.demo";

    /** Service property on a cooling unit: the id of the hall it cools. */
    static final String HALL = "cascade.demo.hall";

    private static final Logger LOG = LoggerFactory.getLogger(DemoPlant.class);

    @ObjectClassDefinition(
            name = "Cascade demo plant",
            description = "Simulated data halls (hall-1, ...: inlet temperature in °C, relative humidity in %,"
                    + " cooling power in kW) and their cooling units (crah-1, ...: fan, chilled-water valve and"
                    + " humidifier in %), registered as domains. Switch it off on a node that controls real"
                    + " systems.")
    @interface Config {
        @AttributeDefinition(
                name = "Enabled",
                description = "Run the demo plant and register its domains. False registers nothing.")
        boolean enabled() default true;

        @AttributeDefinition(name = "Halls", description = "Number of data halls, 1 to 10: hall-1, hall-2, ...")
        int halls() default 1;

        @AttributeDefinition(
                name = "Cooling units per hall",
                description = "Cooling units per hall, 1 to 10, numbered across halls: crah-1, crah-2, ... Each"
                        + " unit has 1/n of the hall's plant gain.")
        int unitsPerHall() default 1;

        @AttributeDefinition(
                name = "Seed",
                description = "Seed of the measurement noise; the same seed gives the same noise. Hall k uses"
                        + " seed + k - 1.")
        long seed() default 1;

        @AttributeDefinition(
                name = "Step rate (Hz)",
                description = "Simulation steps per second, 5 to 200. Dead times are rounded to whole steps.")
        int stepRateHz() default 20;

        @AttributeDefinition(
                name = "Noise scale",
                description = "Measurement noise, 0 to 10 times the nominal standard deviation of 0.03 °C,"
                        + " 0.15 % RH and 0.3 kW. 0 turns the noise off.")
        double noiseScale() default 1.0;

        @AttributeDefinition(
                name = "IT-load drift amplitude (kW)",
                description = "Amplitude of the slow sinusoidal drift of the hall's IT load, 0 to 200 kW. Each"
                        + " kW adds 0.02 °C, -0.03 % RH and 0.1 kW of cooling power. 0 turns it off.")
        double disturbanceAmplitudeKw() default 10;

        @AttributeDefinition(
                name = "IT-load drift period (s)",
                description = "Period of the IT-load drift, 10 to 86400 seconds.")
        double disturbancePeriodSeconds() default 900;

        @AttributeDefinition(
                name = "Gain change",
                description = "Change the plant's gain partway through the run, so a fixed tensor no longer"
                        + " fits it exactly.")
        boolean gainChange() default true;

        @AttributeDefinition(
                name = "Gain change after (s)",
                description = "Simulated seconds from the start until the gain changes, 0 to 86400.")
        double gainChangeAfterSeconds() default 600;

        @AttributeDefinition(
                name = "Valve authority after the change",
                description = "At the gain change the chilled-water valve's effect on every hall axis is"
                        + " multiplied by this, 0.1 to 2 (0.7: the chiller raised its supply temperature).")
        double valveAuthorityAfterChange() default 0.7;
    }

    /** Registers a domain service; returns what unregisters it. Replaceable in tests. */
    interface Registrar {
        Runnable register(DomainAdapter adapter, Dictionary<String, Object> properties);
    }

    private final List<Runnable> unregistrations = new ArrayList<>();
    private final List<HallModel> halls = new ArrayList<>();
    private final Simulation simulation;

    @Activate
    public DemoPlant(Config config, BundleContext context) {
        this(config, (adapter, properties) -> {
            ServiceRegistration<DomainAdapter> registration =
                    context.registerService(DomainAdapter.class, adapter, properties);
            return () -> {
                try {
                    registration.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the framework unregistered it already, as it does when the bundle stops
                }
            };
        });
    }

    DemoPlant(Config config, Registrar registrar) {
        Settings settings = Settings.from(config);
        if (!settings.enabled()) {
            LOG.info("{}: demo plant disabled (enabled = false); no domains registered", PID);
            this.simulation = null;
            return;
        }
        int unitNumber = 0;
        for (int h = 0; h < settings.halls(); h++) {
            String hallId = "hall-" + (h + 1);
            HallModel model = new HallModel(settings, settings.seed() + h, System.currentTimeMillis());
            halls.add(model);
            List<String> unitIds = new ArrayList<>();
            for (int u = 0; u < model.unitCount(); u++) {
                String unitId = "crah-" + (++unitNumber);
                unitIds.add(unitId);
                Hashtable<String, Object> properties = properties(unitId, "cooling unit of " + hallId);
                properties.put(HALL, hallId);
                unregistrations.add(registrar.register(
                        new CoolingUnitAdapter(model.unit(u), System::currentTimeMillis), properties));
            }
            HallAdapter hall = new HallAdapter(hallId, model, String.join(", ", unitIds));
            unregistrations.add(registrar.register(hall, properties(hallId, "data hall")));
        }
        this.simulation = new Simulation(halls, settings.stepRateHz(), System::nanoTime, System::currentTimeMillis);
        simulation.start();
        LOG.info(
                "{}: demo plant running: {} hall(s) with {} cooling unit(s) each at {} Hz, gain change {}",
                PID,
                settings.halls(),
                settings.unitsPerHall(),
                settings.stepRateHz(),
                settings.gainChange() ? "after " + settings.gainChangeAfterSeconds() + " s" : "off");
    }

    @Deactivate
    void deactivate() {
        // unregister first, so no loop calls into a plant that no longer moves
        for (Runnable unregister : unregistrations) {
            unregister.run();
        }
        unregistrations.clear();
        if (simulation != null) {
            simulation.stop();
        }
    }

    /** @return the simulated halls, in order; for tests */
    List<HallModel> halls() {
        return List.copyOf(halls);
    }

    private static Hashtable<String, Object> properties(String id, String description) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(DomainAdapter.DOMAIN_ID, id);
        properties.put(DomainAdapter.AXIS_MASK, 0b111);
        properties.put(Constants.SERVICE_DESCRIPTION, "Cascade demo " + description + " " + id);
        return properties;
    }
}
