package dev.cascade.demo.internal;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the halls in real time on one thread of its own. Each tick steps the models as many times as the
 * wall clock says are due, so simulated time keeps up with real time even when a tick comes late. After
 * a stall longer than a second (a suspended machine, a long GC) it catches up one second only and lets
 * the rest go, rather than replaying minutes of plant in a burst.
 */
final class Simulation {

    private static final Logger LOG = LoggerFactory.getLogger(Simulation.class);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final List<HallModel> halls;
    private final long periodNanos;
    private final long maxCatchUpSteps;
    private final LongSupplier nanoTime;
    private final LongSupplier wallClock;

    // touched by the simulation thread only
    private long startNanos;
    private long stepsDone;

    private ScheduledExecutorService executor;

    Simulation(List<HallModel> halls, int stepRateHz, LongSupplier nanoTime, LongSupplier wallClock) {
        this.halls = List.copyOf(halls);
        this.periodNanos = NANOS_PER_SECOND / stepRateHz;
        this.maxCatchUpSteps = stepRateHz;
        this.nanoTime = nanoTime;
        this.wallClock = wallClock;
    }

    void start() {
        startNanos = nanoTime.getAsLong();
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cascade-demo-plant");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleAtFixedRate(this::tickSafely, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** Stops the thread and waits up to a second for a step in progress to finish. */
    void stop() {
        if (executor == null) {
            return;
        }
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
                LOG.warn("demo plant simulation thread did not stop within a second");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Restarts the clock at now; for tests that drive {@link #tick()} themselves. */
    void resetClock() {
        startNanos = nanoTime.getAsLong();
        stepsDone = 0;
    }

    /** Steps every hall as often as is due by now. */
    void tick() {
        long due = (nanoTime.getAsLong() - startNanos) / periodNanos;
        if (due - stepsDone > maxCatchUpSteps) {
            stepsDone = due - maxCatchUpSteps;
        }
        long now = wallClock.getAsLong();
        while (stepsDone < due) {
            for (HallModel hall : halls) {
                hall.step(now);
            }
            stepsDone++;
        }
    }

    /** @return steps done since the start */
    long stepsDone() {
        return stepsDone;
    }

    // a periodic task that throws is cancelled for good: log and keep the plant running
    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.error("demo plant simulation step failed; it goes on with the next tick", e);
        }
    }
}
