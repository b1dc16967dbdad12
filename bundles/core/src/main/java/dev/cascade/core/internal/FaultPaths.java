package dev.cascade.core.internal;

import dev.cascade.api.control.Filter;
import dev.cascade.api.control.FilterFrame;
import dev.cascade.api.control.FilterStage;
import dev.cascade.api.control.MeasurementCollector;
import dev.cascade.api.control.MeasurementView;
import dev.cascade.api.domain.DomainAdapter;
import dev.cascade.api.domain.DomainReading;
import dev.cascade.api.domain.Quality;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the pair-cycle's fault paths before the loop starts, so that the JIT compiles them.
 *
 * <p>C2 compiles a branch that its profile never saw taken as a trap: the first time it is taken, the
 * compiled code is thrown away and the method runs interpreted until it is hot again. For the loop that
 * means the first faulty tool call (a filter that throws, writes NaN or overruns; an adapter that throws,
 * reads BAD, NaN or stale data) would drop the loop's compiled code and slow every pair for seconds: at
 * 500 Hz, {@link PairRuntime#cycle} and {@link FilterChain} took 3-4 s to be recompiled. That a tool
 * misbehaves must not cost the other pairs their speed, so before the first loop thread starts, a private
 * pair on private in-memory domains runs {@link #CYCLES} cycles through every one of those paths (and through
 * plan changes: a new filter chain, new settings, as when a tool is quarantined or a pair reconfigured), with
 * three filter classes and three adapter classes, which also makes the tool call sites megamorphic: a new
 * tool class does not deoptimise the loop either. It runs once per class loader (the profiles belong to
 * the classes), see {@link #warmUp()}.
 */
final class FaultPaths {

    /** Enough for the interpreter and C1 to profile every path many times over. */
    static final int CYCLES = 20_000;

    /**
     * How long the background warm-up goes on: past the JIT's compilation of the loop's code by C2 (about
     * 10 s after the loop starts), whichever tier the busy start of the node left the code on meanwhile.
     */
    static final long BACKGROUND_MILLIS = 30_000;

    private static final AtomicBoolean RUN = new AtomicBoolean();

    private static volatile Thread background;

    private FaultPaths() {}

    /**
     * Runs the fault paths once per class loader: {@link #CYCLES} cycles at once, then bursts of 500 every
     * 50 ms on a daemon thread for {@link #BACKGROUND_MILLIS}. The first run alone is not enough in a
     * starting node: while C2 is busy, HotSpot compiles hot methods on C1's tier without profiling, so the
     * fault paths may never reach the profile C2 compiles the loop from (seen in Karaf's JIT log:
     * {@code FilterChain.run} on tier 2 during the first run, then deoptimised by the first tool that threw a
     * minute later). The bursts keep the fault paths in the profile until C2 has compiled the loop. Later
     * calls return at once.
     */
    static void warmUp() {
        if (RUN.compareAndSet(false, true)) {
            run(CYCLES);
            Thread t = new Thread(FaultPaths::background, "cascade-loop-warm-up");
            t.setDaemon(true);
            t.start();
            background = t;
        }
    }

    /** Stops the background warm-up, if it still runs. */
    static void stop() {
        Thread t = background;
        if (t != null) {
            t.interrupt();
        }
    }

    private static void background() {
        long end = System.nanoTime() + BACKGROUND_MILLIS * 1_000_000;
        try {
            while (System.nanoTime() - end < 0) {
                run(500);
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            // the engine was deactivated: the profile is the JIT's business from here
        }
    }

    /** What a run went through: its filter slots and its two pairs, for the test to check every path. */
    record Run(List<FilterSlot> slots, PairRuntime running, PairRuntime probing) {}

    /** Runs {@code cycles} cycles of a running pair and of a probing one, with faults every few cycles. */
    static Run run(int cycles) {
        Fence fence = new Fence();
        // budget 0: every timed call of the third filter overruns
        List<FilterSlot> slots = List.of(
                new FilterSlot(
                        new Throwing(), "warm-up-throwing", FilterStage.PRE, 0, -1, PairTarget.ALL, Long.MAX_VALUE),
                new FilterSlot(
                        new NonFinite(),
                        "warm-up-non-finite",
                        FilterStage.TRANSFORM,
                        0,
                        -2,
                        PairTarget.ALL,
                        Long.MAX_VALUE),
                new FilterSlot(new Passing(), "warm-up-overrunning", FilterStage.POST, 0, -3, PairTarget.ALL, 0),
                // a maximum call rate below the pair's: skipped on most cycles
                new FilterSlot(
                        new Passing(),
                        "warm-up-rate-limited",
                        FilterStage.POST,
                        0,
                        -6,
                        PairTarget.ALL,
                        Long.MAX_VALUE,
                        300));
        // a reporter, as the engine sets one on every slot: the fault's report is a path of its own
        // three reporter classes, so that the engine's reporter is a fourth one at a megamorphic call site
        int[] reported = new int[3];
        FilterSlot.Reporter[] reporters = {
            (faulty, fault) -> reported[0]++, (faulty, fault) -> reported[1]++, (faulty, fault) -> reported[2]++
        };
        for (int k = 0; k < slots.size(); k++) {
            slots.get(k).reporter = reporters[k % reporters.length];
        }
        MeasurementCollector collector = new Collector();
        // three pairs, each with adapters of its own classes: the adapter call sites see six classes
        Plan.Entry[] entries = {
            entry("warm-up-running", 1.0, PairSettings.StalePolicy.HOLD, slots, new Parent(), new Child()),
            entry("warm-up-probing", 0.0, PairSettings.StalePolicy.ZERO, slots, new Parent() {}, new Child() {}),
            entry("warm-up-ramping", 1.0, PairSettings.StalePolicy.RAMP, slots, new Parent() {}, new Child() {})
        };
        long now = System.nanoTime();
        long wall = System.currentTimeMillis();
        for (int i = 0; i < cycles; i++) {
            now += 1_000_000;
            wall++;
            for (int k = 0; k < entries.length; k++) {
                Plan.Entry entry = entries[k];
                if (i % 64 == 63) {
                    // a plan change: a new chain every 64 cycles, new settings every 256 (taken bumplessly)
                    PairSettings settings = i % 256 == 255
                            ? settings(
                                    entry.settings().id(),
                                    entry.settings().initialConfidence(),
                                    entry.settings().stalePolicy())
                            : entry.settings();
                    entry = new Plan.Entry(
                            entry.runtime(),
                            settings,
                            entry.parent(),
                            entry.child(),
                            entry.cascade(),
                            FilterChain.of(slots, settings),
                            entry.share(),
                            entry.waitingFor(),
                            entry.parentService(),
                            entry.childService());
                    entries[k] = entry;
                }
                entry.runtime().cycle(entry, now, wall, collector, fence);
            }
        }
        return new Run(slots, entries[0].runtime(), entries[1].runtime());
    }

    private static Plan.Entry entry(
            String id,
            double confidence,
            PairSettings.StalePolicy stalePolicy,
            List<FilterSlot> slots,
            DomainAdapter parent,
            DomainAdapter child) {
        PairSettings s = settings(id, confidence, stalePolicy);
        return new Plan.Entry(
                new PairRuntime(id, s),
                s,
                parent,
                child,
                new PairRuntime[0],
                FilterChain.of(slots, s),
                1.0,
                "",
                -4,
                -5);
    }

    /** A warm-up pair's settings, a new record on each call (as Config Admin gives them after an update). */
    private static PairSettings settings(String id, double confidence, PairSettings.StalePolicy stalePolicy) {
        return new PairSettings(
                id,
                id + "-parent",
                id + "-child",
                new double[] {1, 1, 1},
                0b111,
                1000,
                0.5,
                2.0,
                10,
                1,
                0.2,
                new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1},
                confidence,
                new double[] {Double.NaN, Double.NaN, Double.NaN},
                new double[] {-1, -1, -1},
                new double[] {1, 1, 1},
                new double[] {1, 1, 1},
                1000,
                stalePolicy,
                0,
                0.98,
                confidence > 0 ? new double[] {0, 0, 0} : new double[] {0.1, 0.1, 0.1},
                0.5);
    }

    /** A parent whose readings are good, then throw, BAD, NaN, stale or saturated, in turn. */
    private static class Parent implements DomainAdapter {
        private int reads;

        @Override
        public void read(DomainReading reading) {
            int k = reads++ % 8;
            double wave = (reads & 32) == 0 ? 0.5 : 1.5;
            switch (k) {
                case 1 -> throw new IllegalStateException("warm-up: a parent that throws");
                case 2 -> reading.quality(Quality.BAD);
                case 3 -> reading.state(Double.NaN, wave, wave);
                case 4 -> reading.timestamp(0);
                default -> reading.state(wave, wave, wave);
            }
        }

        @Override
        public void apply(double dx, double dy, double dz) {}
    }

    /** A child that saturates and throws now and then. */
    private static class Child implements DomainAdapter {
        private int calls;

        @Override
        public void read(DomainReading reading) {
            reading.state(0, 0, 0);
            if ((calls & 3) == 0) {
                reading.saturated(calls & 1, 1);
                reading.saturated(2, -1);
            }
        }

        @Override
        public void apply(double dx, double dy, double dz) {
            if (calls++ % 7 == 3) {
                throw new IllegalStateException("warm-up: a child that throws");
            }
        }
    }

    private static final class Throwing implements Filter {
        private int calls;

        @Override
        public void process(FilterFrame frame) {
            if (calls++ % 3 == 0) {
                throw new IllegalStateException("warm-up: a filter that throws");
            }
        }
    }

    private static final class NonFinite implements Filter {
        private int calls;

        @Override
        public void process(FilterFrame frame) {
            if (calls++ % 3 == 1) {
                frame.adjustment(calls & 1, Double.POSITIVE_INFINITY);
                frame.error(2, Double.NaN);
            }
        }
    }

    /** A collector that throws now and then. */
    private static final class Collector implements MeasurementCollector {
        private int calls;

        @Override
        public void collect(MeasurementView measurement) {
            if (calls++ % 5 == 2) {
                throw new IllegalStateException("warm-up: a collector that throws");
            }
        }
    }

    /** Does nothing but count its calls. */
    static final class Passing implements Filter {
        int calls;

        @Override
        public void process(FilterFrame frame) {
            calls++;
        }
    }
}
