package dev.cascade.core.internal;

import dev.cascade.api.control.Filter;
import dev.cascade.api.control.FilterStage;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One registered filter service: what it is, where it runs, its time budget, and its record of faults.
 * Shared by the chains of every pair the filter targets.
 */
final class FilterSlot {

    /** Why a filter call was bypassed. */
    enum Fault {
        THREW("threw"),
        NON_FINITE("wrote a non-finite value"),
        OVERRAN("overran its time budget");

        final String description;

        Fault(String description) {
            this.description = description;
        }
    }

    /** Hears of each bypassed call (the tool manager, through the engine); called on the loop thread. */
    interface Reporter {
        void fault(FilterSlot slot, Fault fault);
    }

    final Filter filter;
    final String name;
    final FilterStage stage;
    final int ranking;
    final long serviceId;
    final PairTarget target;
    final long budgetNanos;
    /**
     * Seconds between two calls for one pair at the contract's maximum call rate
     * ({@code cascade.tool.maxCallRate}); 0 for no limit but the pair's own rate.
     */
    final double callIntervalSeconds;

    // Written by the loop thread only and published with opaque stores (an atomic increment would cost a
    // locked instruction per timed call); read by any thread through the accessors.
    @SuppressWarnings("unused") // through TIMED_CALLS
    private long timedCalls;

    @SuppressWarnings("unused") // through TIMED_NANOS
    private long timedNanos;

    private static final VarHandle TIMED_CALLS;
    private static final VarHandle TIMED_NANOS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TIMED_CALLS = lookup.findVarHandle(FilterSlot.class, "timedCalls", long.class);
            TIMED_NANOS = lookup.findVarHandle(FilterSlot.class, "timedNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final AtomicLong faults = new AtomicLong();
    volatile Fault lastFault;
    /**
     * While suspect, every call is timed (otherwise one cycle in the chain's sample, {@link FilterChain#sampleMask}). A new filter is
     * suspect until it has kept its budget {@link #CLEAN_CALLS_TO_TRUST} timed calls in a row, so a tool that
     * overruns from the start is caught on its first call, not up to 63 cycles later.
     */
    volatile boolean suspect = true;
    /** Timed calls within budget after which a suspect filter is timed one cycle in 64 again. */
    static final int CLEAN_CALLS_TO_TRUST = 64;

    // loop thread only
    private int overrunStreak;
    private int cleanTimedCalls;

    /** Set once by the engine before the slot is published in a plan. */
    Reporter reporter;

    FilterSlot(
            Filter filter,
            String name,
            FilterStage stage,
            int ranking,
            long serviceId,
            PairTarget target,
            long budgetNanos) {
        this(filter, name, stage, ranking, serviceId, target, budgetNanos, 0);
    }

    /** @param maxCallRate calls per second for each pair, at most; 0 for the pair's rate */
    FilterSlot(
            Filter filter,
            String name,
            FilterStage stage,
            int ranking,
            long serviceId,
            PairTarget target,
            long budgetNanos,
            double maxCallRate) {
        if (!(maxCallRate >= 0) || Double.isInfinite(maxCallRate)) {
            throw new IllegalArgumentException(
                    "maxCallRate = " + maxCallRate + " is not valid; use calls per second >= 0 (0: the pair's rate)");
        }
        this.callIntervalSeconds = maxCallRate == 0 ? 0 : 1 / maxCallRate;
        this.filter = filter;
        this.name = name;
        this.stage = stage;
        this.ranking = ranking;
        this.serviceId = serviceId;
        this.target = target;
        this.budgetNanos = budgetNanos;
    }

    /**
     * Counts a bypassed call. Every one is counted here; the tool manager hears of a throw or a non-finite
     * value at once, but of an overrun only when the next timed call overruns too: a single overrun may be
     * the OS preempting the loop thread in the middle of an innocent call, a slow filter is slow every time.
     */
    void fault(Fault fault) {
        faults.incrementAndGet();
        lastFault = fault;
        suspect = true;
        cleanTimedCalls = 0;
        boolean confirmed = fault != Fault.OVERRAN || ++overrunStreak >= 2;
        Reporter r = reporter;
        if (confirmed && r != null) {
            r.fault(this, fault);
        }
    }

    /** Counts a timed call that returned, and its time. */
    void countTimedCall(long nanos) {
        TIMED_CALLS.setOpaque(this, (long) TIMED_CALLS.get(this) + 1);
        TIMED_NANOS.setOpaque(this, (long) TIMED_NANOS.get(this) + nanos);
    }

    /** @return the timed calls that returned so far (any thread) */
    long timedCalls() {
        return (long) TIMED_CALLS.getOpaque(this);
    }

    /** @return the time those calls took, in nanoseconds (any thread; may lag {@link #timedCalls()} by one) */
    long timedNanos() {
        return (long) TIMED_NANOS.getOpaque(this);
    }

    /** A timed call within budget: ends an overrun streak; enough of them end the suspicion. */
    void inBudget() {
        overrunStreak = 0;
        if (suspect && ++cleanTimedCalls >= CLEAN_CALLS_TO_TRUST) {
            suspect = false;
        }
    }
}
