package dev.cascade.core.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop thread: runs every ready pair of the current plan when its deadline comes, each at its own
 * rate, on an absolute schedule. A pair found late by a whole period or more counts the periods it missed
 * and skips them (no burst of catch-up cycles); nothing is skipped silently.
 */
final class LoopThread implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LoopThread.class);

    /** Longest sleep, so that a new plan is picked up even without a wake-up. */
    private static final long MAX_PARK = TimeUnit.MILLISECONDS.toNanos(100);

    private final LoopEngine engine;
    private final LoopTiming timing;
    final Fence fence = new Fence();
    private final Thread thread;
    private volatile boolean running = true;

    volatile long faults;

    /**
     * Passes begun, each counted after it has read the plan (a release store, no fence): once this has
     * grown by two since a plan was swapped in, no pass runs the plan before it any more.
     */
    final java.util.concurrent.atomic.AtomicLong sweeps = new java.util.concurrent.atomic.AtomicLong();

    /** An exponential mean of the passes' own work (nanoseconds), over the passes that time only a sample. */
    private long typicalPassNanos;

    /**
     * Receives each cycle's lateness against the absolute schedule, in nanoseconds (start of the cycle minus
     * its deadline), when set: the hook for lateness histograms (monitoring, the timing benchmark).
     */
    volatile LongConsumer lateness;

    LoopThread(LoopEngine engine, int generation) {
        this.engine = engine;
        this.timing = engine.timing;
        this.thread = new Thread(this, generation == 0 ? "cascade-loop" : "cascade-loop-" + generation);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Wakes the loop so it reads a new plan now. */
    void wake() {
        LockSupport.unpark(thread);
    }

    void stop() throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }

    /** Gives up this thread for good: it stops at its next return from a tool, or when it next wakes. */
    void abandon() {
        fence.abandoned = true;
        running = false;
        thread.interrupt();
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (Fence.Abandoned abandoned) {
            LOG.warn(
                    "Loop thread {} returned from a tool after the watchdog had replaced it; it ends here",
                    thread.getName());
        }
    }

    private void loop() {
        while (running) {
            long next = sweep();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            }
        }
    }

    /**
     * Calls are timed one cycle in 64 per pair, so a filter that starts to overrun its budget on an untimed
     * cycle would go unseen for up to 63 cycles. A pass that took longer than the typical one by more than
     * the smallest filter budget may hold such a call: every pair that ran in it times every call on its next
     * cycle, which finds the filter if it overruns again. The pass's own clock readings are already taken,
     * so this costs nothing per pair while passes stay within their usual time.
     */
    private void watchForOverruns(Plan plan, long passStart, long work) {
        long typical = typicalPassNanos;
        typicalPassNanos = typical + (work - typical) / 16;
        if (work - typical <= plan.minFilterBudgetNanos()) {
            return;
        }
        for (Plan.Entry entry : plan.entries()) {
            PairRuntime pair = entry.runtime();
            if (pair.ranIn(passStart)) {
                pair.timeNextCycle = true;
            }
        }
    }

    /**
     * One pass: runs every pair that is due and records the pass's timing.
     *
     * <p>Its own method on purpose: {@link #loop} is called once and never returns, so the JIT could compile
     * the pass's code inside it only by on-stack replacement, after tens of thousands of back-edges (measured
     * in ToolsIT at 500 Hz: interpreted for the first 40 s, fully compiled after 67 s; at 10 Hz HotSpot's
     * default thresholds mean tens of minutes), and again from scratch on every fresh loop thread the
     * watchdog starts. A method called once per
     * pass is compiled by its call count, within seconds, and a fresh thread finds it compiled.
     *
     * @return when the next pair is due ({@link System#nanoTime()})
     */
    private long sweep() {
        Plan plan = engine.plan();
        sweeps.lazySet(sweeps.get() + 1); // after reading the plan: see sweeps

        long now = System.nanoTime();
        long wall = System.currentTimeMillis();
        long next = now + MAX_PARK;
        LongConsumer latenessSink = lateness;
        // the pass's scheduled start: the earliest deadline among the pairs it runs
        boolean ran = false;
        long scheduled = now;
        fence.sweepStarted(now);
        for (Plan.Entry entry : plan.entries()) {
            PairRuntime pair = entry.runtime();
            if (!entry.ready()) {
                pair.waiting(entry.waitingFor());
                pair.due = 0;
                continue;
            }
            // the runtime keeps its settings' period: reading it here saves reading the settings every pass
            long period = entry.settings() == pair.settings()
                    ? pair.periodNanos
                    : entry.settings().periodNanos();
            if (pair.due == 0) {
                pair.due = now;
            }
            if (now - pair.due >= 0) {
                long late = now - pair.due;
                if (!ran || pair.due - scheduled < 0) {
                    scheduled = pair.due;
                    ran = true;
                }
                if (latenessSink != null) {
                    latenessSink.accept(late);
                }
                if (late >= period) {
                    long missed = late / period;
                    pair.missedDeadlines += missed;
                    pair.due += missed * period;
                }
                pair.due += period;
                try {
                    pair.cycle(entry, now, wall, plan.collector(), fence);
                } catch (RuntimeException e) {
                    // a bug of ours must not stop the other pairs
                    faults++;
                    if (Long.bitCount(faults) == 1) { // 1st, 2nd, 4th, 8th... failure: no log flood
                        LOG.error(
                                "Cycle of pair {} failed ({} failures)",
                                entry.settings().id(),
                                faults,
                                e);
                    }
                }
            }
            if (pair.due - next < 0) {
                next = pair.due;
            }
        }
        fence.sweepEnded();
        if (ran) {
            // lateness: how late the pass started; cycle time: its own work, from its actual start
            long work = System.nanoTime() - now;
            timing.record(now - scheduled, work);
            watchForOverruns(plan, now, work);
        }
        return next;
    }
}
