package dev.cascade.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one loop thread is doing, for the watchdog, and the fence that stops it once it has been
 * abandoned. The loop thread marks each call into a tool (a filter, a domain adapter) and each sweep with
 * release stores (plain stores on x86, no fence per call); after every tool call it checks whether the
 * watchdog has given the loop to a fresh thread meanwhile, and if so unwinds at once, so nothing a stuck
 * call does after its return reaches a pair.
 *
 * <p>Per filter call this costs two stores and a load (an adapter call one store more, its service id):
 * the pair is marked once per pair-cycle ({@link #pair}), a filter by its slot, which names the filter and
 * its service; the end of a call and the check use opaque accesses (no ordering is needed there: the call
 * itself is opaque to the compiler, and a release or acquire would keep the compiler from holding the
 * frame's values in registers across the mark).
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
    private static final VarHandle ABANDONED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SWEEP = lookup.findVarHandle(Fence.class, "sweepStart", long.class);
            CALLING = lookup.findVarHandle(Fence.class, "calling", Object.class);
            ABANDONED = lookup.findVarHandle(Fence.class, "abandoned", boolean.class);
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

    /** Marks the pair whose cycle runs now: the tool calls until the next mark are made for it. */
    void pair(PairRuntime pair) {
        callingPair = pair;
    }

    /**
     * Marks a call into a filter for the pair last marked: one store, the slot names the filter and its
     * service.
     */
    void enter(FilterSlot slot) {
        CALLING.setRelease(this, slot);
    }

    /** Marks a call into {@code tool} (service id {@code serviceId}) for the pair last marked. */
    void enter(Object tool, long serviceId) {
        callingServiceId = serviceId;
        CALLING.setRelease(this, tool);
    }

    /** Ends the call; on an abandoned thread, unwinds instead. */
    void exit() {
        CALLING.setOpaque(this, null);
        if ((boolean) ABANDONED.getOpaque(this)) {
            throw Abandoned.INSTANCE;
        }
    }

    /** @return when the current sweep started, or 0 between sweeps (watchdog side) */
    long sweepStart() {
        return (long) SWEEP.getAcquire(this);
    }

    /** @return the tool being called now, or null (watchdog side; read it before the two below) */
    Object calling() {
        Object calling = CALLING.getAcquire(this);
        return calling instanceof FilterSlot slot ? slot.filter : calling;
    }

    /** @return the service id of the tool being called now (read {@link #calling()} first) */
    long callingServiceId() {
        return CALLING.getAcquire(this) instanceof FilterSlot slot ? slot.serviceId : callingServiceId;
    }

    PairRuntime callingPair() {
        return callingPair;
    }
}
