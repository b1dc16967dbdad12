package dev.cascade.demo.internal;

import dev.cascade.api.domain.DomainAdapter;
import dev.cascade.api.domain.DomainReading;
import dev.cascade.api.domain.Quality;
import java.util.function.LongSupplier;

/**
 * A simulated cooling unit (CRAH) as a domain: fan speed, chilled-water valve and humidifier, each in %
 * of full travel (0..100). Adjustments are increments that stop at the limits; a reading reports the
 * settings and which of them sit at a limit, so the loop stops integrating into a saturated actuator.
 */
final class CoolingUnitAdapter implements DomainAdapter {

    private final Actuators actuators;
    private final LongSupplier wallClock;

    CoolingUnitAdapter(Actuators actuators, LongSupplier wallClock) {
        this.actuators = actuators;
        this.wallClock = wallClock;
    }

    @Override
    public void read(DomainReading reading) {
        reading.state(actuators.get(0), actuators.get(1), actuators.get(2));
        for (int axis = 0; axis < Plant.AXES; axis++) {
            reading.saturated(axis, actuators.saturation(axis));
        }
        // the settings are the unit's own, current at the moment they are read
        reading.timestamp(wallClock.getAsLong());
        reading.quality(Quality.GOOD);
    }

    /**
     * Adds the increments to fan, valve and humidifier.
     *
     * @throws IllegalArgumentException if an increment is NaN or infinite; no actuator moves then
     */
    @Override
    public void apply(double dx, double dy, double dz) {
        if (!Double.isFinite(dx) || !Double.isFinite(dy) || !Double.isFinite(dz)) {
            throw new IllegalArgumentException(
                    "adjustment (" + dx + ", " + dy + ", " + dz + ") is not finite; no actuator moved");
        }
        actuators.add(0, dx);
        actuators.add(1, dy);
        actuators.add(2, dz);
    }
}
