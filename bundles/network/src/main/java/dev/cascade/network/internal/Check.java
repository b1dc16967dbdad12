package dev.cascade.network.internal;

import java.util.regex.Pattern;

/** Configuration checks whose errors name the PID, the field, the value and what is allowed. */
final class Check {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private Check() {}

    static String name(String pid, String field, String value) {
        String v = value == null ? "" : value.strip();
        if (!NAME.matcher(v).matches()) {
            throw invalid(pid, field, "'" + value + "'", "a name of letters, digits, '.', '_', '-', e.g. inproc");
        }
        return v;
    }

    static long range(String pid, String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw invalid(pid, field, value, "a whole number from " + min + " to " + max);
        }
        return value;
    }

    static IllegalArgumentException invalid(String pid, String field, Object value, String allowed) {
        return new IllegalArgumentException(pid + ": " + field + " = " + value + " is not valid; use " + allowed);
    }
}
