package dev.cascade.demo.internal;

import dev.cascade.api.domain.DomainAdapter;
import dev.cascade.api.domain.DomainReading;
import dev.cascade.api.domain.Quality;

/**
 * A simulated data hall as a domain: inlet temperature (°C), relative humidity (%) and cooling power
 * (kW). It is a parent: its state is moved by its cooling units, it has no actuators of its own.
 */
final class HallAdapter implements DomainAdapter {

    private final HallModel model;
    private final String notAChild;

    HallAdapter(String id, HallModel model, String unitIds) {
        this.model = model;
        this.notAChild = id + " is a data hall without actuators of its own; make it the parent of a pair"
                + " and adjust its cooling units (" + unitIds + ")";
    }

    @Override
    public void read(DomainReading reading) {
        HallSample s = model.sample();
        reading.state(s.temperature(), s.humidity(), s.power());
        reading.timestamp(s.epochMillis());
        reading.quality(Quality.GOOD);
    }

    /** @throws UnsupportedOperationException always: adjust the hall's cooling units instead */
    @Override
    public void apply(double dx, double dy, double dz) {
        throw new UnsupportedOperationException(notAChild);
    }
}
