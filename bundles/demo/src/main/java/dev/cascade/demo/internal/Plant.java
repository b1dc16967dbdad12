package dev.cascade.demo.internal;

/**
 * The data hall and its cooling unit, linearised around the operating point. Every matrix is row-major:
 * the row is the hall axis (inlet temperature in °C, relative humidity in %, cooling power in kW), the
 * column the unit's actuator (fan speed, chilled-water valve, humidifier, each in % of full travel).
 *
 * <p>The numbers are chosen so that the demo shows why Cascade exists: every actuator moves every hall
 * axis, fan and valve both cool at the price of power (so their columns are nearly parallel and the plant
 * is ill-conditioned: condition number 41), the channels settle at different speeds, some after a dead
 * time, and a slow IT-load drift keeps pushing the hall away from its setpoint.
 */
final class Plant {

    /** Number of axes of the hall and of a unit. */
    static final int AXES = 3;

    static final int FAN = 0;
    static final int VALVE = 1;
    static final int HUMIDIFIER = 2;

    /**
     * Steady-state gain of one unit (the whole cooling of the hall), hall change per % of actuator travel;
     * rows in °C, % RH and kW per %. More fan cools and costs fan power and a little humidity (less
     * condensation on the coil); more valve cools more, condenses water out of the air and costs chiller
     * power; more humidifier raises humidity, cools slightly by evaporation and costs its heater power.
     */
    static final double[] NOMINAL_GAIN = {-0.06, -0.10, -0.02, 0.02, -0.08, 0.25, 0.35, 0.45, 0.08};

    /**
     * Time constant of each channel in seconds: power follows the fan motor within seconds, the chilled-water
     * coil and the room's humidity take tens of seconds.
     */
    static final double[] TIME_CONSTANTS = {
        10, 25, 15,
        12, 30, 20,
        3, 15, 5
    };

    /**
     * Dead time of each channel in seconds: chilled water needs a while to reach the coil after the valve
     * moves, and humidified air a while to reach the humidity sensors.
     */
    static final double[] DEAD_TIMES = {
        0, 3, 0,
        0, 3, 2,
        0, 1, 0
    };

    /** The hall's setpoint the demo is built around: 24 °C inlet, 45 % RH, 120 kW of cooling power. */
    static final double[] SETPOINT = {24, 45, 120};

    /** Actuator settings that hold the hall at {@link #SETPOINT} with the nominal gain and no IT-load drift. */
    static final double[] OPERATING_POINT = {50, 40, 30};

    /**
     * Settings the units start from: cooling throttled back, so the hall starts warm, dry and below its
     * power setpoint (26.7 °C, 42.15 %, 106.8 kW).
     */
    static final double[] INITIAL_SETTINGS = {35, 25, 15};

    /** Standard deviation of the measurement noise per hall axis at noise scale 1. */
    static final double[] NOISE_SD = {0.03, 0.15, 0.3};

    /**
     * Effect of one kW of extra IT load on the hall: warmer, so relatively drier, and the chiller works
     * harder at the same valve setting.
     */
    static final double[] LOAD_EFFECT = {0.02, -0.03, 0.10};

    private Plant() {}

    /** @return the gain after the plant change: the valve's column scaled by {@code valveAuthority} */
    static double[] changedGain(double valveAuthority) {
        double[] g = NOMINAL_GAIN.clone();
        for (int row = 0; row < AXES; row++) {
            g[row * AXES + VALVE] *= valveAuthority;
        }
        return g;
    }

    /** @return the hall's state with every unit at zero travel, so that the operating point gives the setpoint */
    static double[] offset() {
        double[] b = new double[AXES];
        for (int row = 0; row < AXES; row++) {
            double sum = 0;
            for (int col = 0; col < AXES; col++) {
                sum += NOMINAL_GAIN[row * AXES + col] * OPERATING_POINT[col];
            }
            b[row] = SETPOINT[row] - sum;
        }
        return b;
    }
}
