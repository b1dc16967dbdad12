package dev.cascade.demo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SimulationTest {

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final HallModel hall = new HallModel(Configs.quiet(Map.of()), 1, 0);
    private final Simulation simulation = new Simulation(List.of(hall), 20, nanos::get, () -> 77L);

    @Test
    void stepsAsOftenAsTheWallClockSays() {
        simulation.resetClock();
        simulation.tick();
        assertEquals(0, simulation.stepsDone());

        nanos.addAndGet(49_000_000L);
        simulation.tick();
        assertEquals(0, simulation.stepsDone(), "a step is due every 50 ms");

        nanos.addAndGet(1_000_000L);
        simulation.tick();
        assertEquals(1, simulation.stepsDone());

        nanos.addAndGet(175_000_000L); // a late tick catches up
        simulation.tick();
        assertEquals(4, simulation.stepsDone());
        assertEquals(0.2, hall.seconds(), 1e-12);
        assertEquals(77L, hall.sample().epochMillis());
    }

    @Test
    void afterAStallItCatchesUpOneSecondOnly() {
        simulation.resetClock();
        nanos.addAndGet(60_000_000_000L); // a minute suspended
        simulation.tick();
        assertEquals(1200, simulation.stepsDone(), "the clock stays in step with real time");
        assertEquals(1.0, hall.seconds(), 1e-12, "but only one second of plant is simulated");
    }
}
