package dev.cascade.demo.internal;

/**
 * The demo's configuration, checked: every field within its allowed range. Built from the metatype
 * configuration by {@link #from(DemoPlant.Config)}, which rejects a bad value with a message naming the
 * field, the value and what is allowed.
 */
record Settings(
        boolean enabled,
        int halls,
        int unitsPerHall,
        long seed,
        int stepRateHz,
        double noiseScale,
        double disturbanceAmplitudeKw,
        double disturbancePeriodSeconds,
        boolean gainChange,
        double gainChangeAfterSeconds,
        double valveAuthorityAfterChange) {

    static final int MAX_HALLS = 10;
    static final int MAX_UNITS_PER_HALL = 10;
    static final int MIN_STEP_RATE_HZ = 5;
    static final int MAX_STEP_RATE_HZ = 200;

    static Settings from(DemoPlant.Config c) {
        return new Settings(
                c.enabled(),
                intIn("halls", c.halls(), 1, MAX_HALLS),
                intIn("unitsPerHall", c.unitsPerHall(), 1, MAX_UNITS_PER_HALL),
                c.seed(),
                intIn("stepRateHz", c.stepRateHz(), MIN_STEP_RATE_HZ, MAX_STEP_RATE_HZ),
                doubleIn("noiseScale", c.noiseScale(), 0, 10),
                doubleIn("disturbanceAmplitudeKw", c.disturbanceAmplitudeKw(), 0, 200),
                doubleIn("disturbancePeriodSeconds", c.disturbancePeriodSeconds(), 10, 86_400),
                c.gainChange(),
                doubleIn("gainChangeAfterSeconds", c.gainChangeAfterSeconds(), 0, 86_400),
                doubleIn("valveAuthorityAfterChange", c.valveAuthorityAfterChange(), 0.1, 2));
    }

    /** @return the simulation's time step in seconds */
    double stepSeconds() {
        return 1.0 / stepRateHz;
    }

    private static int intIn(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw invalid(field, Integer.toString(value), "a whole number from " + min + " to " + max);
        }
        return value;
    }

    private static double doubleIn(String field, double value, double min, double max) {
        // written so that NaN fails too
        if (!(value >= min && value <= max)) {
            throw invalid(field, Double.toString(value), "a number from " + min + " to " + max);
        }
        return value;
    }

    private static IllegalArgumentException invalid(String field, String value, String allowed) {
        return new IllegalArgumentException(
                DemoPlant.PID + ": " + field + " = " + value + " is not allowed; use " + allowed);
    }
}
