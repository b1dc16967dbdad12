package dev.cascade.core.internal;

// In the core's private package on purpose: see LoopFixture.

import dev.cascade.api.control.MeasurementCollector;
import dev.cascade.network.internal.NetworkFixture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The loop's cycle cost with the network's collector attached and without, in the same run (issue 5:
 * within 10%), in three modes:
 *
 * <ul>
 *   <li>{@code none}: no collector;
 *   <li>{@code collector}: the real network's collector, and nothing else running: what the loop thread
 *       itself pays per cycle (the ring's stores; the ring wraps around, as the code path is the same
 *       whether or not a batcher takes from it);
 *   <li>{@code network}: the real network as in the distribution: its batcher thread cuts the ring into
 *       batches of 100 and the inproc transport's threads fold them with the rls estimator, on the other
 *       core, fed at the benchmark's rate (millions of cycles a second, against at most 1000 a second per
 *       pair in the loop), while the loop thread only writes into the ring.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class CollectorCycleBenchmark {

    @Param({"none", "collector", "network"})
    String mode;

    Plan.Entry entry;
    PairRuntime runtime;
    MeasurementCollector network;
    NetworkFixture fixture;
    long now;
    long wall;
    List<FilterSlot> slots;

    @Setup
    public void setup() throws Exception {
        slots = LoopFixture.filters(3);
        entry = LoopFixture.entry("p", PairCycleBenchmark.RATE, slots);
        runtime = entry.runtime();
        now = System.nanoTime();
        wall = System.currentTimeMillis();
        switch (mode) {
            case "none" -> network = null;
            case "collector" -> {
                // no batcher thread and no ticks: the loop thread's stores alone
                fixture = new NetworkFixture(100, System::currentTimeMillis, false, false);
                network = fixture.collector();
            }
            case "network" -> {
                fixture = new NetworkFixture(100, System::currentTimeMillis, true, true);
                network = fixture.collector();
            }
            default -> throw new IllegalArgumentException("mode " + mode);
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        PairCycleBenchmark.reportFaults(slots);
        if (fixture != null) {
            System.out.printf("%nfolded %d measurements%n", fixture.folded());
            fixture.close();
        }
    }

    @Benchmark
    public long pairCycle() {
        now += PairCycleBenchmark.PERIOD;
        runtime.cycle(entry, now, wall, network, LoopFixture.FENCE);
        return runtime.cycles;
    }
}
