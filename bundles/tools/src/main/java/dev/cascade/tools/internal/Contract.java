package dev.cascade.tools.internal;

import dev.cascade.api.tools.ToolAllocation;
import dev.cascade.api.tools.ToolResources;
import java.util.Map;

/**
 * A tool's resource contract read from its service properties ({@link ToolResources}); a property left
 * out takes the annotation's default, which is deliberately conservative.
 */
final class Contract {

    /** The contract of a tool that declares none: the defaults of {@link ToolResources}. */
    static final ToolAllocation DEFAULT = new ToolAllocation(0.01, 8, 0, 0, 100);

    static final int MAX_THREADS = 64;

    private Contract() {}

    /**
     * @throws IllegalArgumentException naming the property, its value and what is allowed
     */
    static ToolAllocation of(Map<String, Object> properties) {
        double cpu = number(properties, ToolResources.CPU, DEFAULT.cpu());
        if (!(cpu > 0 && cpu <= 1)) {
            throw invalid(ToolResources.CPU, cpu, "a share of one core in (0, 1]");
        }
        double heap = number(properties, ToolResources.HEAP_MB, DEFAULT.heapMb());
        if (!(heap >= 0 && heap <= 1 << 20 && heap == Math.rint(heap))) {
            throw invalid(ToolResources.HEAP_MB, heap, "a whole number of MiB >= 0");
        }
        double threads = number(properties, ToolResources.THREADS, DEFAULT.threads());
        if (!(threads >= 0 && threads <= MAX_THREADS && threads == Math.rint(threads))) {
            throw invalid(ToolResources.THREADS, threads, "a whole number from 0 to " + MAX_THREADS);
        }
        double rate = number(properties, ToolResources.MAX_CALL_RATE, DEFAULT.maxCallRate());
        if (!(rate >= 0 && Double.isFinite(rate))) {
            throw invalid(ToolResources.MAX_CALL_RATE, rate, "calls per second >= 0 (0: the pair's rate)");
        }
        double micros = number(properties, ToolResources.MAX_CALL_MICROS, DEFAULT.maxCallMicros());
        if (!(micros >= 1 && micros <= 10_000_000 && micros == Math.rint(micros))) {
            throw invalid(ToolResources.MAX_CALL_MICROS, micros, "a whole number of microseconds from 1 to 10000000");
        }
        return new ToolAllocation(cpu, (int) heap, (int) threads, rate, (long) micros);
    }

    private static double number(Map<String, Object> properties, String key, double fallback) {
        Object v = properties.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(v.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = '" + v + "' is not a number");
        }
    }

    private static IllegalArgumentException invalid(String key, double value, String allowed) {
        String shown = value == Math.rint(value) && Math.abs(value) < 1e15 ? "" + (long) value : "" + value;
        return new IllegalArgumentException(key + " = " + shown + " is not valid; use " + allowed);
    }
}
