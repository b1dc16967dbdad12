package dev.cascade.api.tools;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a tool was measured to use, over the tool manager's last sampling interval.
 *
 * @param cpu share of one core used by the tool's own threads
 * @param allocatedBytesPerSecond heap allocated per second by the tool's own threads
 * @param threads live threads of the tool's executor
 * @param calls calls into the tool counted so far: tasks on its executor, and the loop's calls into it
 * @param faults faults counted so far (throws, overruns, non-finite output, contract breaches)
 * @param callMicros mean time of the loop's timed calls into it over the last sampling interval with any,
 *     microseconds; 0 if the loop does not call it (since 1.1)
 */
@ProviderType
public record ToolUsage(
        double cpu, double allocatedBytesPerSecond, int threads, long calls, long faults, double callMicros) {

    /** Nothing measured yet. */
    public static final ToolUsage NONE = new ToolUsage(0, 0, 0, 0, 0, 0);

    /** A tool the loop does not call. */
    public ToolUsage(double cpu, double allocatedBytesPerSecond, int threads, long calls, long faults) {
        this(cpu, allocatedBytesPerSecond, threads, calls, faults, 0);
    }
}
