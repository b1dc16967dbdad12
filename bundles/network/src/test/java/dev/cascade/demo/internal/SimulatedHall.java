package dev.cascade.demo.internal;

// Test bridge: the demo's model and adapters are package-private (the demo bundle exports nothing), so
// the network's simulated-time tests reach them through this class in the same package. A split package
// is harmless here: the tests run on one flat class path, not in OSGi.

import dev.cascade.api.domain.DomainAdapter;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * The demo's data hall {@code hall-1} and its cooling unit {@code crah-1}, stepped by a test in
 * simulated time instead of by the demo's simulation thread: the distribution's configuration, with
 * another seed if asked.
 */
public final class SimulatedHall {

    private final HallModel model;
    private final Settings settings;
    private final HallAdapter hall;
    private final CoolingUnitAdapter unit;

    /**
     * @param seed the noise seed (the distribution uses 1)
     * @param clock simulated epoch milliseconds, for the unit's readings
     */
    public SimulatedHall(long seed, java.util.function.LongSupplier clock) {
        Map<String, Object> values = new HashMap<>();
        values.put("seed", seed);
        this.settings = Settings.from(config(values));
        this.model = new HallModel(settings, seed, clock.getAsLong());
        this.hall = new HallAdapter("hall-1", model, "crah-1");
        this.unit = new CoolingUnitAdapter(model.unit(0), clock);
    }

    public DomainAdapter hall() {
        return hall;
    }

    public DomainAdapter unit() {
        return unit;
    }

    /** Advances the plant by {@code millis} (whole steps), stamping the last sample {@code endMillis}. */
    public void advance(long endMillis, long millis) {
        long stepMillis = Math.round(model.stepSeconds() * 1000);
        for (long t = endMillis - millis + stepMillis; t <= endMillis; t += stepMillis) {
            model.step(t);
        }
    }

    /** @return simulated seconds since the start */
    public double seconds() {
        return model.seconds();
    }

    /** @return when the gain changes, seconds after the start */
    public double gainChangeSeconds() {
        return settings.gainChangeAfterSeconds();
    }

    /** @return the plant's true steady-state gain now, row-major */
    public double[] gain() {
        return model.gainChanged()
                ? Plant.changedGain(settings.valveAuthorityAfterChange())
                : Plant.NOMINAL_GAIN.clone();
    }

    /** @return the unit's setting of actuator {@code axis}, % of travel */
    public double setting(int axis) {
        return model.unit(0).get(axis);
    }

    private static DemoPlant.Config config(Map<String, Object> values) {
        return (DemoPlant.Config) Proxy.newProxyInstance(
                DemoPlant.Config.class.getClassLoader(), new Class<?>[] {DemoPlant.Config.class}, (p, m, args) -> {
                    if (m.getName().equals("annotationType")) {
                        return DemoPlant.Config.class;
                    }
                    return values.getOrDefault(m.getName(), m.getDefaultValue());
                });
    }
}
