package dev.cascade.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The warm-up must go through every fault path of the cycle, or the JIT compiles the ones it skipped as traps
 * (whether it does cannot be asserted here; this checks that each path was taken, many times).
 */
class FaultPathsTest {

    @Test
    void everyFaultPathOfTheCycleIsTakenManyTimes() {
        FaultPaths.Run run = FaultPaths.run(2_000);

        Set<FilterSlot.Fault> seen = EnumSet.noneOf(FilterSlot.Fault.class);
        for (FilterSlot slot : run.slots()) {
            if (slot.lastFault != null) {
                seen.add(slot.lastFault);
            }
        }
        assertEquals(EnumSet.allOf(FilterSlot.Fault.class), seen, "a filter that threw, wrote NaN and overran");
        assertTrue(run.slots().get(0).faults.get() >= 500, "the throwing filter threw on a third of its calls");
        assertTrue(run.slots().get(1).faults.get() >= 500, "the non-finite filter faulted on a third of its calls");
        assertTrue(run.slots().get(2).faults.get() >= 500, "the zero-budget filter overran");
        // at 300 calls/s on a 1 kHz pair the rate-limited filter is skipped on most cycles
        int rateLimitedCalls = ((FaultPaths.Passing) run.slots().get(3).filter).calls;
        assertTrue(
                rateLimitedCalls > 0 && rateLimitedCalls < 2_000,
                "called, and skipped by its maximum call rate: " + rateLimitedCalls + " calls in 4,000 cycles");

        for (PairRuntime pair : new PairRuntime[] {run.running(), run.probing()}) {
            assertTrue(pair.adapterFaults >= 500, pair.pid + ": adapters and collector threw " + pair.adapterFaults);
            assertTrue(pair.staleCycles >= 500, pair.pid + ": BAD, NaN, stale or throwing parent " + pair.staleCycles);
            assertTrue(pair.nonFinite >= 200, pair.pid + ": NaN readings and increments " + pair.nonFinite);
            assertTrue(pair.cycles() >= 2_000, pair.pid + " ran every cycle");
        }
    }
}
