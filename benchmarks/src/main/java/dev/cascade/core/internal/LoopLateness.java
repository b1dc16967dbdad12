package dev.cascade.core.internal;

// In the core's private package on purpose: see LoopFixture.

import dev.cascade.api.control.Filter;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.domain.DomainAdapter;
import dev.cascade.api.tools.ToolResources;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Loop timing against the absolute schedule: the real {@link LoopEngine} with its loop thread runs
 * {@code pairs} pairs (own in-memory domains, 3 no-op filters) at {@code rate} Hz, and every pair-cycle's
 * lateness (start of the cycle minus its deadline, from {@link LoopEngine#lateness}) goes into an
 * HdrHistogram. The loop's schedule is absolute (deadlines advance by the period whatever happens), so a
 * stall shows as lateness of the cycles after it; the corrected histogram also counts the cycles a stall
 * made the loop skip, each with the lateness it would have had (as jHiccup does: no coordinated omission).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.cascade.core.internal.LoopLateness \
 *     [seconds=60] [pairs=1000] [rate=1000] [filters=3] [warmup=10] [budgetMicros=100]
 * </pre>
 */
public final class LoopLateness {

    private LoopLateness() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of(
                "seconds",
                "60",
                "pairs",
                "1000",
                "rate",
                "1000",
                "filters",
                "3",
                "warmup",
                "10",
                "budgetMicros",
                "100"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !options.containsKey(kv[0])) {
                throw new IllegalArgumentException(
                        "argument '" + arg + "' is not one of " + options.keySet() + " as key=value");
            }
            options.put(kv[0], kv[1]);
        }
        int seconds = Integer.parseInt(options.get("seconds"));
        int pairs = Integer.parseInt(options.get("pairs"));
        double rate = Double.parseDouble(options.get("rate"));
        int filters = Integer.parseInt(options.get("filters"));
        int warmup = Integer.parseInt(options.get("warmup"));
        long budgetMicros = Long.parseLong(options.get("budgetMicros"));
        long period = Math.round(1e9 / rate);

        LoopEngine engine = new LoopEngine();
        try {
            long serviceId = 1;
            String[] stages = {"pre", "transform", "post"};
            for (int i = 0; i < filters; i++) {
                engine.addFilter(
                        LoopFixture.NO_OPS[i],
                        Map.of(
                                "service.id",
                                serviceId++,
                                Filter.STAGE,
                                stages[i % 3],
                                "component.name",
                                "no-op-" + i,
                                ToolResources.MAX_CALL_MICROS,
                                budgetMicros));
            }
            for (int i = 0; i < pairs; i++) {
                String id = String.format("p%06d", i);
                LoopFixture.Child child = new LoopFixture.Child();
                engine.addDomain(child, Map.of(DomainAdapter.DOMAIN_ID, id + "-child", "service.id", serviceId++));
                engine.addDomain(
                        new LoopFixture.Parent(child),
                        Map.of(DomainAdapter.DOMAIN_ID, id + "-parent", "service.id", serviceId++));
            }
            for (int i = 0; i < pairs; i++) {
                String id = String.format("p%06d", i);
                engine.put("pid-" + id, LoopFixture.settings(id, id + "-parent", id + "-child", rate));
            }
            System.out.printf(
                    "%d pairs at %.0f Hz with %d no-op filters (budget %d us); warm-up %d s, then %d s measured%n",
                    pairs, rate, filters, budgetMicros, warmup, seconds);
            System.out.printf(
                    "JVM %s, %d cores, GC %s, load average before: %s%n",
                    System.getProperty("java.vm.version"),
                    Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getGarbageCollectorMXBeans().get(0).getName(),
                    loadAverage());
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));

            long highest = TimeUnit.SECONDS.toNanos(seconds + 10L);
            Histogram raw = new Histogram(highest, 3);
            Histogram corrected = new Histogram(highest, 3);
            long[] before = totals(engine);
            long gcBefore = gcCount();
            long start = System.nanoTime();
            engine.lateness(late -> {
                long value = Math.min(late, highest);
                raw.recordValue(value);
                corrected.recordValueWithExpectedInterval(value, period);
            });
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            long[] after = totals(engine);
            long elapsed = System.nanoTime() - start;
            engine.lateness(null);
            long gcAfter = gcCount();
            Thread.sleep(200); // the loop reads the hook once per sweep: let the last sweep finish with it

            long cycles = after[0] - before[0];
            long missed = after[1] - before[1];
            double expected = pairs * (elapsed / (double) period);
            System.out.printf("load average after: %s%n", loadAverage());
            System.out.printf(
                    "pair-cycles run %d, missed deadlines counted %d, run + missed = %d, schedule expects %.0f"
                            + " (%.4f%%)%n",
                    cycles, missed, cycles + missed, expected, 100 * (cycles + missed) / expected);
            System.out.printf("GC collections during the run: %d%n", gcAfter - gcBefore);
            print("lateness per pair-cycle, as run", raw);
            print("lateness per pair-cycle, with skipped cycles filled in (jHiccup)", corrected);
        } finally {
            engine.deactivate();
        }
    }

    private static void print(String title, Histogram h) {
        System.out.printf(
                "%s: count %d, p50 %.1f us, p90 %.1f us, p99 %.1f us, p99.9 %.1f us, p99.99 %.1f us, max %.1f us,"
                        + " mean %.1f us%n",
                title,
                h.getTotalCount(),
                h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(90) / 1e3,
                h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3,
                h.getValueAtPercentile(99.99) / 1e3,
                h.getMaxValue() / 1e3,
                h.getMean() / 1e3);
    }

    /** @return cycles and missed deadlines, summed over the pairs */
    private static long[] totals(LoopEngine engine) {
        long cycles = 0;
        long missed = 0;
        for (PairStatus p : engine.pairs()) {
            cycles += p.cycles();
            missed += p.missedDeadlines();
        }
        return new long[] {cycles, missed};
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
