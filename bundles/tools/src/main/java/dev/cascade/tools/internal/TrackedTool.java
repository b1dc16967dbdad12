package dev.cascade.tools.internal;

import dev.cascade.api.tools.Tool;
import dev.cascade.api.tools.ToolAllocation;
import dev.cascade.api.tools.ToolInfo;
import dev.cascade.api.tools.ToolState;
import dev.cascade.api.tools.ToolUsage;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** One tool as the manager tracks it. Fields are guarded by the manager, except the fault counters. */
final class TrackedTool {

    final long serviceId;
    final String name;
    final String bundle;
    final String kind;
    final Object service;
    final Map<String, Object> properties;
    final ToolAllocation contract;
    final String contractError;

    ToolState state;
    String reason = "";
    /** True while the tool holds an allocation (admitted: active, throttled or quarantined). */
    boolean allocated;

    ToolExecutor executor;
    ToolUsage usage = ToolUsage.NONE;
    int cpuStrikes;
    int allocationStrikes;

    final AtomicLong faults = new AtomicLong();
    final AtomicLong recentFaults = new AtomicLong();
    volatile String lastFault = "";
    /** The loop's latest totals of calls into this tool: all, timed, and the timed ones' nanoseconds. */
    volatile long[] loopCalls = {0, 0, 0};
    // the timed totals at the last sample that saw new ones, and the mean call time between them (sampler)
    private long sampledTimedCalls;
    private long sampledTimedNanos;
    private double callMicros;
    /**
     * The faults of the intervals that stay in the window at the next sample (all but the oldest), so that the
     * fault which fills the window can be told on the loop thread; written by the sampler.
     */
    volatile long priorFaults;
    /** Set by the fault that fills the window, until the manager has acted on it (or on release). */
    final AtomicBoolean faultLimitReported = new AtomicBoolean();

    private long[] faultHistory = new long[0];
    private int faultNext;

    // accounting between samples
    private final Map<Long, long[]> lastByThread = new HashMap<>();

    TrackedTool(
            long serviceId,
            String name,
            String bundle,
            String kind,
            Object service,
            Map<String, Object> properties,
            ToolAllocation contract,
            String contractError) {
        this.serviceId = serviceId;
        this.name = name;
        this.bundle = bundle;
        this.kind = kind;
        this.service = service;
        this.properties = properties;
        this.contract = contract;
        this.contractError = contractError;
    }

    /** Records this interval's faults and returns the sum over the last {@code samples} intervals. */
    long faultsWithin(long current, int samples) {
        if (faultHistory.length != samples) {
            faultHistory = new long[samples];
            faultNext = 0;
        }
        faultHistory[faultNext] = current;
        faultNext = (faultNext + 1) % samples;
        long sum = 0;
        for (long f : faultHistory) {
            sum += f;
        }
        priorFaults = sum - faultHistory[faultNext];
        return sum;
    }

    /** Forgets the fault history (on release). */
    void clearFaults() {
        java.util.Arrays.fill(faultHistory, 0);
        recentFaults.set(0);
        priorFaults = 0;
        faultLimitReported.set(false);
    }

    boolean permitted() {
        return state == ToolState.ACTIVE || state == ToolState.THROTTLED;
    }

    boolean isTool() {
        return service instanceof Tool;
    }

    /**
     * Measures the tool's threads since the previous sample.
     *
     * @return {cpu share, allocated bytes per second}
     */
    double[] sample(double seconds) {
        ToolExecutor ex = executor;
        if (ex == null || seconds <= 0) {
            lastByThread.clear();
            return new double[] {0, 0};
        }
        long[] ids = ex.threadIds();
        long cpu = 0;
        long bytes = 0;
        Map<Long, long[]> now = new HashMap<>();
        for (long id : ids) {
            long[] single = {id};
            long c = ThreadUse.cpuNanos(single);
            long b = ThreadUse.allocatedBytes(single);
            long[] before = lastByThread.get(id);
            if (before != null) {
                cpu += Math.max(0, c - before[0]);
                bytes += Math.max(0, b - before[1]);
            }
            now.put(id, new long[] {c, b});
        }
        lastByThread.clear();
        lastByThread.putAll(now);
        return new double[] {cpu / 1e9 / seconds, bytes / seconds};
    }

    /**
     * @return the mean time of the loop's timed calls into this tool (microseconds) since the last sample
     *     that saw new ones, or the previous mean if there are none
     */
    double callMicros() {
        long[] c = loopCalls;
        if (c[1] > sampledTimedCalls) {
            callMicros = (c[2] - sampledTimedNanos) / 1e3 / (c[1] - sampledTimedCalls);
            sampledTimedCalls = c[1];
            sampledTimedNanos = c[2];
        }
        return callMicros;
    }

    ToolInfo info() {
        ToolUsage u = usage; // measured at the last sample; the faults "so far" are counted as they come
        long f = faults.get();
        if (f != u.faults()) {
            u = new ToolUsage(u.cpu(), u.allocatedBytesPerSecond(), u.threads(), u.calls(), f, u.callMicros());
        }
        return new ToolInfo(name, bundle, kind, state, reason, contract, u);
    }
}
