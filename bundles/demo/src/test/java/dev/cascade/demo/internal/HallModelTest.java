package dev.cascade.demo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HallModelTest {

    private static final double EXACT = 1e-9;

    @Test
    void startsInSteadyStateAtTheInitialSettings() {
        HallModel hall = new HallModel(Configs.quiet(Map.of()), 1, 0);
        double[] start = state(hall);
        assertEquals(26.7, start[0], EXACT);
        assertEquals(42.15, start[1], EXACT);
        assertEquals(106.8, start[2], EXACT);
        run(hall, 100);
        assertEquals(start[0], state(hall)[0], EXACT, "nothing moves without an adjustment");
    }

    @Test
    void operatingPointGivesTheSetpoint() {
        HallModel hall = new HallModel(Configs.quiet(Map.of()), 1, 0);
        for (int a = 0; a < 3; a++) {
            hall.unit(0).add(a, Plant.OPERATING_POINT[a] - Plant.INITIAL_SETTINGS[a]);
        }
        run(hall, 600);
        for (int axis = 0; axis < 3; axis++) {
            assertEquals(Plant.SETPOINT[axis], state(hall)[axis], 1e-6);
        }
    }

    @Test
    void steadyStateChangeOfEachActuatorIsItsColumnOfTheGain() {
        for (int actuator = 0; actuator < 3; actuator++) {
            HallModel hall = new HallModel(Configs.quiet(Map.of()), 1, 0);
            double[] before = state(hall);
            hall.unit(0).add(actuator, 10);
            run(hall, 600); // twenty times the slowest time constant (30 s) and its dead time
            for (int axis = 0; axis < 3; axis++) {
                assertEquals(
                        10 * Plant.NOMINAL_GAIN[axis * 3 + actuator],
                        state(hall)[axis] - before[axis],
                        1e-6,
                        "axis " + axis + " after a step of actuator " + actuator);
            }
        }
    }

    @Test
    void fanToTemperatureIsFirstOrderWithItsTimeConstant() {
        HallModel hall = new HallModel(Configs.quiet(Map.of()), 1, 0);
        double before = state(hall)[0];
        hall.unit(0).add(Plant.FAN, 10);
        double finalChange = 10 * Plant.NOMINAL_GAIN[0];
        run(hall, 10); // tau of fan -> temperature
        assertEquals((1 - Math.exp(-1)) * finalChange, state(hall)[0] - before, 1e-9);
        run(hall, 20);
        assertEquals((1 - Math.exp(-3)) * finalChange, state(hall)[0] - before, 1e-9);
    }

    @Test
    void powerFollowsTheFanFasterThanTemperature() {
        HallModel hall = new HallModel(Configs.quiet(Map.of()), 1, 0);
        double[] before = state(hall);
        hall.unit(0).add(Plant.FAN, 10);
        run(hall, 3); // tau of fan -> power
        assertEquals((1 - Math.exp(-1)) * 10 * Plant.NOMINAL_GAIN[6], state(hall)[2] - before[2], 1e-9);
        assertEquals((1 - Math.exp(-0.3)) * 10 * Plant.NOMINAL_GAIN[0], state(hall)[0] - before[0], 1e-9);
    }

    @Test
    void valveActsOnTemperatureOnlyAfterItsDeadTime() {
        HallModel hall = new HallModel(Configs.quiet(Map.of()), 1, 0);
        double before = state(hall)[0];
        hall.unit(0).add(Plant.VALVE, 10);
        run(hall, 2.95); // dead time valve -> temperature: 3 s
        assertEquals(before, state(hall)[0], EXACT, "no effect within the dead time");
        run(hall, 0.1);
        assertTrue(state(hall)[0] < before, "cooling starts after the dead time");
        run(hall, 24.95); // now 3 s dead time + 25 s time constant
        assertEquals((1 - Math.exp(-1)) * 10 * Plant.NOMINAL_GAIN[1], state(hall)[0] - before, 1e-9);
    }

    @Test
    void deadTimeAndTimeConstantDoNotDependOnTheStepRate() {
        HallModel slow = new HallModel(Configs.quiet(Map.of("stepRateHz", 10)), 1, 0);
        HallModel fast = new HallModel(Configs.quiet(Map.of("stepRateHz", 100)), 1, 0);
        slow.unit(0).add(Plant.HUMIDIFIER, 20);
        fast.unit(0).add(Plant.HUMIDIFIER, 20);
        run(slow, 30);
        run(fast, 30);
        for (int axis = 0; axis < 3; axis++) {
            assertEquals(state(slow)[axis], state(fast)[axis], 1e-9, "axis " + axis);
        }
    }

    @Test
    void gainChangesAtTheConfiguredTime() {
        Settings settings = Configs.quiet(
                Map.of("gainChange", true, "gainChangeAfterSeconds", 100.0, "valveAuthorityAfterChange", 0.5));
        HallModel hall = new HallModel(settings, 1, 0);
        double[] before = state(hall);
        hall.unit(0).add(Plant.VALVE, 10);
        run(hall, 99.95);
        assertFalse(hall.gainChanged());
        assertEquals(10 * Plant.NOMINAL_GAIN[7], state(hall)[2] - before[2], 0.01, "nominal gain before");
        run(hall, 600);
        assertTrue(hall.gainChanged());
        for (int axis = 0; axis < 3; axis++) {
            // the valve stands at 35 %: the change halves its whole contribution, not only the step's
            double valveChannelAtNominal = Plant.NOMINAL_GAIN[axis * 3 + 1] * 35;
            assertEquals(
                    -0.5 * valveChannelAtNominal,
                    state(hall)[axis] - before[axis] - 10 * Plant.NOMINAL_GAIN[axis * 3 + 1],
                    1e-6,
                    "axis " + axis + ": the valve's whole contribution halved");
        }
    }

    @Test
    void gainChangeCanBeSwitchedOff() {
        HallModel hall = new HallModel(Configs.quiet(Map.of("gainChangeAfterSeconds", 1.0)), 1, 0);
        run(hall, 10);
        assertFalse(hall.gainChanged());
    }

    @Test
    void itLoadDriftFollowsItsSine() {
        Settings settings = Configs.quiet(Map.of("disturbanceAmplitudeKw", 20.0, "disturbancePeriodSeconds", 400.0));
        HallModel hall = new HallModel(settings, 1, 0);
        double[] start = state(hall);
        run(hall, 100); // a quarter period: the load is at its peak
        assertEquals(20, hall.loadKw(), 1e-9);
        for (int axis = 0; axis < 3; axis++) {
            assertEquals(20 * Plant.LOAD_EFFECT[axis], state(hall)[axis] - start[axis], 1e-9);
        }
        run(hall, 200);
        assertEquals(-20, hall.loadKw(), 1e-9);
    }

    @Test
    void unitsShareTheHallsGain() {
        HallModel hall = new HallModel(Configs.quiet(Map.of("unitsPerHall", 2)), 1, 0);
        double[] start = state(hall);
        assertEquals(26.7, start[0], EXACT, "two units at the initial settings hold the same hall");
        hall.unit(0).add(Plant.FAN, 10);
        run(hall, 600);
        assertEquals(5 * Plant.NOMINAL_GAIN[0], state(hall)[0] - start[0], 1e-6, "one unit: half the gain");
        hall.unit(1).add(Plant.FAN, 10);
        run(hall, 600);
        assertEquals(10 * Plant.NOMINAL_GAIN[0], state(hall)[0] - start[0], 1e-6, "both units: the full gain");
    }

    @Test
    void noiseIsReproducibleForASeedAndHasTheConfiguredSpread() {
        Settings settings = Configs.quiet(Map.of("noiseScale", 2.0));
        HallModel a = new HallModel(settings, 7, 0);
        HallModel b = new HallModel(settings, 7, 0);
        HallModel other = new HallModel(settings, 8, 0);
        double[] sum = new double[3];
        double[] sumSquares = new double[3];
        int n = 20_000;
        boolean differs = false;
        for (int i = 0; i < n; i++) {
            a.step(i);
            b.step(i);
            other.step(i);
            for (int axis = 0; axis < 3; axis++) {
                assertEquals(a.sample().get(axis), b.sample().get(axis), 0.0, "same seed, same noise");
                differs |= a.sample().get(axis) != other.sample().get(axis);
                double deviation = a.sample().get(axis) - Plant.offset()[axis] - noiseFree(axis);
                sum[axis] += deviation;
                sumSquares[axis] += deviation * deviation;
            }
        }
        assertTrue(differs, "another seed, other noise");
        for (int axis = 0; axis < 3; axis++) {
            double mean = sum[axis] / n;
            double sd = Math.sqrt(sumSquares[axis] / n - mean * mean);
            assertEquals(2 * Plant.NOISE_SD[axis], sd, 0.03 * 2 * Plant.NOISE_SD[axis], "axis " + axis);
            assertEquals(0, mean, 0.05 * Plant.NOISE_SD[axis], "axis " + axis);
        }
        assertNotEquals(a.sample().get(0), other.sample().get(0));
    }

    @Test
    void sampleCarriesTheStepsTimestamp() {
        HallModel hall = new HallModel(Configs.quiet(Map.of()), 1, 555L);
        assertEquals(555L, hall.sample().epochMillis(), "the initial state is stamped with the start");
        hall.step(1_234_567L);
        assertEquals(1_234_567L, hall.sample().epochMillis());
    }

    /** The noise-free contribution of the units at their initial settings to {@code axis}. */
    private static double noiseFree(int axis) {
        double sum = 0;
        for (int a = 0; a < 3; a++) {
            sum += Plant.NOMINAL_GAIN[axis * 3 + a] * Plant.INITIAL_SETTINGS[a];
        }
        return sum;
    }

    private static double[] state(HallModel hall) {
        HallSample s = hall.sample();
        return new double[] {s.temperature(), s.humidity(), s.power()};
    }

    /** Steps the hall through {@code seconds} of simulated time. */
    private static void run(HallModel hall, double seconds) {
        long steps = Math.round(seconds / hall.stepSeconds());
        for (long k = 0; k < steps; k++) {
            hall.step(0);
        }
    }
}
