package dev.cascade.core.internal;

// In the core's private package on purpose: see LoopFixture.

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.List;

/**
 * Retained heap per pair: used heap after a full GC before and after creating N pairs, each with its own
 * settings, runtime (frame, readings, RMS window), filter chain and plan entry, held by one plan. The
 * in-memory domains are created first and reported apart: they stand for the user's adapters, not the
 * loop's own memory.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.cascade.core.internal.HeapPerPair [pairs] [rateHz...]
 * </pre>
 */
public final class HeapPerPair {

    private HeapPerPair() {}

    public static void main(String[] args) throws InterruptedException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        double[] rates = {10, 1000};
        if (args.length > 1) {
            rates = new double[args.length - 1];
            for (int i = 1; i < args.length; i++) {
                rates[i - 1] = Double.parseDouble(args[i]);
            }
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.printf(
                "%s, max heap %d MB, GC: %s%n",
                System.getProperty("java.vm.version"),
                Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
        for (double rate : rates) {
            List<FilterSlot> filters = LoopFixture.filters(3);
            long empty = usedAfterGc(memory);
            LoopFixture.Child[] children = new LoopFixture.Child[n];
            LoopFixture.Parent[] parents = new LoopFixture.Parent[n];
            for (int i = 0; i < n; i++) {
                children[i] = new LoopFixture.Child();
                parents[i] = new LoopFixture.Parent(children[i]);
            }
            long withDomains = usedAfterGc(memory);
            Plan.Entry[] entries = new Plan.Entry[n];
            FilterChain.Pool chains = new FilterChain.Pool(); // as the engine shares them
            for (int i = 0; i < n; i++) {
                String id = String.format("p%06d", i);
                PairSettings s = LoopFixture.settings(id, id + "-parent", id + "-child", rate);
                entries[i] = new Plan.Entry(
                        new PairRuntime(id, s),
                        s,
                        parents[i],
                        children[i],
                        new PairRuntime[0],
                        chains.share(FilterChain.of(filters, s)),
                        1.0,
                        "",
                        2L * i + 1, // each adapter its own service, as in a node: the plan indexes them
                        2L * i + 2);
            }
            Plan plan = new Plan(entries, null);
            // one cycle each, so that whatever a first cycle sets up is counted
            long now = System.nanoTime();
            long wall = System.currentTimeMillis();
            for (Plan.Entry e : plan.entries()) {
                e.runtime().cycle(e, now, wall, null, LoopFixture.FENCE);
            }
            long withPairs = usedAfterGc(memory);
            System.out.printf(
                    "%d pairs at %.0f Hz, 3 filters: loop %.0f B per pair (settings, runtime, chain, entry);"
                            + " in-memory domains %.0f B per pair%n",
                    n, rate, (withPairs - withDomains) / (double) n, (withDomains - empty) / (double) n);
            Reference.reachabilityFence(plan);
            Reference.reachabilityFence(parents);
            Reference.reachabilityFence(children);
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
