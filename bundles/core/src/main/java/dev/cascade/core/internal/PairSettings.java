package dev.cascade.core.internal;

import dev.cascade.api.estimation.EstimatorSettings;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A pair's configuration, validated: every field is checked once here, with an error that names the
 * field, the value and what is allowed, so the loop itself never meets a bad value.
 *
 * @param id the pair id
 * @param parent the parent domain id
 * @param child the child domain id
 * @param setpoint the parent's setpoint, one value per axis
 * @param axisMask bit 0 = x, bit 1 = y, bit 2 = z
 * @param rateHz cycles per second, 1 to 1000
 * @param kp proportional gain, NaN for "from the identified dynamics"
 * @param ki integral gain in 1/s, NaN for "from the closed-loop time constant"
 * @param closedLoopSeconds target closed-loop time constant for automatic gains
 * @param weight this pair's share of the parent's error among the pairs of the same parent
 * @param confidenceFloor below this confidence the pair holds its output
 * @param initialTensor the tensor T used until an estimated one arrives, row-major; all zeros with
 *     confidence 0 when none is configured (the pair learns from scratch)
 * @param initialConfidence the confidence given to the initial tensor
 * @param timeConstants the plant's time constant per axis in seconds, NaN where not known
 * @param outputMin lower bound of the accumulated output per axis (relative to the start)
 * @param outputMax upper bound of the accumulated output per axis
 * @param maxRate largest change of the output per axis, in units per second
 * @param staleTimeoutMillis a parent reading older than this is stale
 * @param stalePolicy what the pair does on stale or bad parent data
 * @param deadTime the estimator's dead time, in cycles
 * @param forgetting the estimator's forgetting factor, in (0, 1]
 * @param probeAmplitude per axis, the excitation added while confidence is below the floor (0: none)
 * @param probeUntil while confidence is at or above the floor but below this, the probe goes on on top of
 *     the control law, fading linearly from its full amplitude at the floor to none here (persistent
 *     excitation, so that a changed plant is noticed); at or below the floor: no probing while running
 */
record PairSettings(
        String id,
        String parent,
        String child,
        double[] setpoint,
        int axisMask,
        double rateHz,
        double kp,
        double ki,
        double closedLoopSeconds,
        double weight,
        double confidenceFloor,
        double[] initialTensor,
        double initialConfidence,
        double[] timeConstants,
        double[] outputMin,
        double[] outputMax,
        double[] maxRate,
        long staleTimeoutMillis,
        StalePolicy stalePolicy,
        int deadTime,
        double forgetting,
        double[] probeAmplitude,
        double probeUntil) {

    static final String PID = "dev.cascade.pair";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** What a pair does while its parent's data is stale or bad. */
    enum StalePolicy {
        /** Apply no increment: the child keeps its current setting. */
        HOLD,
        /** Walk the accumulated output back to neutral at the pair's rate limit. */
        RAMP,
        /** Return the accumulated output to neutral in one step. */
        ZERO
    }

    /** @return what the estimator needs to know about this pair */
    EstimatorSettings estimatorSettings() {
        return new EstimatorSettings(deadTime, forgetting, 1.0 / rateHz);
    }

    /** @return the cycle period in nanoseconds */
    long periodNanos() {
        return Math.round(1e9 / rateHz);
    }

    /**
     * Parses and validates a configuration.
     *
     * @throws IllegalArgumentException naming the first bad field, its value and what is allowed
     */
    static PairSettings parse(PairComponent.Config c) {
        String id = requireId("id", c.id());
        String parent = requireId("parent", c.parent());
        String child = requireId("child", c.child());
        if (parent.equals(child)) {
            throw invalid(id, "child", child, "a domain other than the parent '" + parent + "'");
        }
        double[] setpoint = vector(id, "setpoint", c.setpoint(), false);
        int mask = axes(id, c.axes());
        double rate = range(id, "rate", c.rate(), 1, 1000, "a number of cycles per second from 1 to 1000");
        double kp = gain(id, "kp", c.kp());
        double ki = gain(id, "ki", c.ki());
        double closedLoop = positive(id, "closedLoopSeconds", c.closedLoopSeconds());
        double weight = positive(id, "weight", c.weight());
        double floor = range(id, "confidenceFloor", c.confidenceFloor(), 0, 1, "a number from 0 to 1");
        // no initial tensor: the pair starts with nothing to act on and learns (see probeAmplitude)
        boolean learn = c.initialTensor().isBlank();
        double[] tensor = learn ? new double[9] : numbers(id, "initialTensor", c.initialTensor(), 9);
        double confidence =
                learn ? 0 : range(id, "initialConfidence", c.initialConfidence(), 0, 1, "a number from 0 to 1");
        double[] tau = c.timeConstants().isBlank()
                ? new double[] {Double.NaN, Double.NaN, Double.NaN}
                : vector(id, "timeConstants", c.timeConstants(), false);
        for (double t : tau) {
            if (t <= 0) {
                throw invalid(id, "timeConstants", c.timeConstants(), "three positive numbers of seconds");
            }
        }
        double[] min = c.outputMin().isBlank()
                ? filled(Double.NEGATIVE_INFINITY)
                : vector(id, "outputMin", c.outputMin(), true);
        double[] max = c.outputMax().isBlank()
                ? filled(Double.POSITIVE_INFINITY)
                : vector(id, "outputMax", c.outputMax(), true);
        for (int i = 0; i < 3; i++) {
            if (!(min[i] <= 0 && 0 <= max[i])) {
                throw invalid(
                        id,
                        "outputMin/outputMax",
                        Arrays.toString(min) + " / " + Arrays.toString(max),
                        "bounds with outputMin <= 0 <= outputMax on every axis (the output starts at 0)");
            }
        }
        double[] maxRate =
                c.maxRate().isBlank() ? filled(Double.POSITIVE_INFINITY) : vector(id, "maxRate", c.maxRate(), true);
        for (double r : maxRate) {
            if (!(r > 0)) {
                throw invalid(id, "maxRate", c.maxRate(), "three positive numbers (units per second)");
            }
        }
        if (c.staleTimeoutMillis() < 1) {
            throw invalid(id, "staleTimeoutMillis", "" + c.staleTimeoutMillis(), "a positive number of milliseconds");
        }
        StalePolicy policy;
        try {
            policy = StalePolicy.valueOf(c.stalePolicy().strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(id, "stalePolicy", c.stalePolicy(), "one of hold, ramp, zero");
        }
        if (c.deadTime() < 0 || c.deadTime() > EstimatorSettings.MAX_DEAD_TIME) {
            throw invalid(
                    id,
                    "deadTime",
                    "" + c.deadTime(),
                    "a whole number of cycles from 0 to " + EstimatorSettings.MAX_DEAD_TIME);
        }
        if (!(c.forgetting() > 0 && c.forgetting() <= 1)) {
            throw invalid(id, "forgetting", "" + c.forgetting(), "a number in (0, 1], e.g. 0.995");
        }
        double[] probe =
                c.probeAmplitude().isBlank() ? new double[3] : vector(id, "probeAmplitude", c.probeAmplitude(), false);
        for (double p : probe) {
            if (p < 0) {
                throw invalid(id, "probeAmplitude", c.probeAmplitude(), "three numbers >= 0 (output units)");
            }
        }
        double probeUntil = range(id, "probeUntil", c.probeUntil(), 0, 1, "a number from 0 to 1");
        return new PairSettings(
                id,
                parent,
                child,
                setpoint,
                mask,
                rate,
                kp,
                ki,
                closedLoop,
                weight,
                floor,
                tensor,
                confidence,
                tau,
                min,
                max,
                maxRate,
                c.staleTimeoutMillis(),
                policy,
                c.deadTime(),
                c.forgetting(),
                probe,
                probeUntil);
    }

    private static String requireId(String field, String value) {
        String v = value == null ? "" : value.strip();
        if (!ID.matcher(v).matches()) {
            throw new IllegalArgumentException(PID + ": " + field + " = '" + value + "' is not valid; use 1 to 64"
                    + " letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return v;
    }

    static IllegalArgumentException invalid(String pair, String field, String value, String allowed) {
        return new IllegalArgumentException(
                PID + " (pair " + pair + "): " + field + " = '" + value + "' is not valid; use " + allowed);
    }

    private static double[] vector(String id, String field, String text, boolean infinitiesAllowed) {
        double[] v = numbers(id, field, text, 3);
        if (!infinitiesAllowed) {
            for (double x : v) {
                if (!Double.isFinite(x)) {
                    throw invalid(id, field, text, "three finite numbers separated by commas, e.g. 24, 45, 120");
                }
            }
        }
        return v;
    }

    private static double[] numbers(String id, String field, String text, int count) {
        String[] parts = text == null ? new String[0] : text.split(",");
        String allowed = count + " numbers separated by commas";
        if (parts.length != count) {
            throw invalid(id, field, text, allowed);
        }
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            String p = parts[i].strip();
            try {
                v[i] = switch (p.toLowerCase(java.util.Locale.ROOT)) {
                    case "inf", "+inf", "infinity" -> Double.POSITIVE_INFINITY;
                    case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
                    default -> Double.parseDouble(p);
                };
            } catch (NumberFormatException e) {
                throw invalid(id, field, text, allowed);
            }
            if (Double.isNaN(v[i])) {
                throw invalid(id, field, text, allowed + " (not NaN)");
            }
        }
        if (count == 9) {
            for (double x : v) {
                if (!Double.isFinite(x)) {
                    throw invalid(id, field, text, "9 finite numbers, row by row");
                }
            }
        }
        return v;
    }

    private static int axes(String id, String text) {
        int mask = 0;
        for (String part : text.split(",")) {
            switch (part.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "x" -> mask |= 1;
                case "y" -> mask |= 2;
                case "z" -> mask |= 4;
                default -> throw invalid(id, "axes", text, "a comma-separated subset of x, y, z");
            }
        }
        return mask;
    }

    private static double gain(String id, String field, String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty() || t.equalsIgnoreCase("auto")) {
            return Double.NaN;
        }
        try {
            double g = Double.parseDouble(t);
            if (g >= 0 && Double.isFinite(g)) {
                return g;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(id, field, text, "auto or a finite number >= 0");
    }

    private static double positive(String id, String field, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw invalid(id, field, "" + value, "a finite number > 0");
        }
        return value;
    }

    private static double range(String id, String field, double value, double min, double max, String allowed) {
        if (!(value >= min && value <= max)) {
            throw invalid(id, field, "" + value, allowed);
        }
        return value;
    }

    private static double[] filled(double value) {
        return new double[] {value, value, value};
    }
}
