package dev.cascade.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one loop thread is doing, for the watchdog, and the fence that stops it once it has been
 * abandoned. The loop thread marks each call into a tool (a filter, a domain adapter) and each sweep with
 * release stores (plain stores on x86, no fence per call); after every tool call it checks whether the
 * watchdog has given the loop to a fresh thread meanwhile, and if so unwinds at once, so nothing a stuck
 * call does after its return reaches a pair.
 */
final class Fence {

    /** Thrown on an abandoned loop thread when a tool call returns: unwinds it without touching anything. */
    static final class Abandoned extends Error {
        private static final Abandoned INSTANCE = new Abandoned();

        private Abandoned() {
            super("this loop thread was abandoned by the watchdog", null, false, false);
        }
    }

    private static final VarHandle SWEEP;
    private static final VarHandle CALLING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SWEEP = lookup.findVarHandle(Fence.class, "sweepStart", long.class);
            CALLING = lookup.findVarHandle(Fence.class, "calling", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    volatile boolean abandoned;

    @SuppressWarnings("unused") // through SWEEP
    private long sweepStart;

    @SuppressWarnings("unused") // through CALLING
    private Object calling;

    private long callingServiceId;
    private PairRuntime callingPair;

    void sweepStarted(long nowNanos) {
        SWEEP.setRelease(this, nowNanos);
    }

    void sweepEnded() {
        SWEEP.setRelease(this, 0L);
    }

    /** Marks a call into {@code tool} (service id {@code serviceId}) for {@code pair}. */
    void enter(Object tool, long serviceId, PairRuntime pair) {
        callingServiceId = serviceId;
        callingPair = pair;
        CALLING.setRelease(this, tool);
    }

    /** Ends the call; on an abandoned thread, unwinds instead. */
    void exit() {
        CALLING.setRelease(this, null);
        if (abandoned) {
            throw Abandoned.INSTANCE;
        }
    }

    /** @return when the current sweep started, or 0 between sweeps (watchdog side) */
    long sweepStart() {
        return (long) SWEEP.getAcquire(this);
    }

    /** @return the tool being called now, or null (watchdog side; read it before the two below) */
    Object calling() {
        return CALLING.getAcquire(this);
    }

    long callingServiceId() {
        return callingServiceId;
    }

    PairRuntime callingPair() {
        return callingPair;
    }
}
