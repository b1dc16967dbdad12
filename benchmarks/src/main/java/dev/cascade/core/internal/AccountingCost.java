package dev.cascade.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link AccountingBenchmark} and prints the cost of the loop's accounting as a share of the pair-cycle
 * without it (issue 6: at most 5 %). The iterations are short and many, in groups of four (with, without,
 * without, with); each group gives one ratio (its two iterations with over its two without), so a burst
 * of the machine's other work spoils one group, not the figure. Printed per fork: the mean cycle of each
 * variant and the median of its groups' ratios; then over all groups of all forks: the median and the
 * quartiles.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.cascade.core.internal.AccountingCost [forks=4] [groups=20] [millis=250]
 * </pre>
 */
public final class AccountingCost {

    private static final int WARMUP = 8; // a multiple of 4: the measurement starts a group

    private AccountingCost() {}

    public static void main(String[] args) throws Exception {
        int forks = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int groups = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int millis = args.length > 2 ? Integer.parseInt(args[2]) : 250;
        if (forks < 1 || groups < 1 || millis < 10) {
            throw new IllegalArgumentException(
                    "forks >= 1, groups >= 1 and millis >= 10, not " + forks + ", " + groups + ", " + millis);
        }
        Options options = new OptionsBuilder()
                .include(AccountingBenchmark.class.getName() + ".pairCycle")
                .forks(forks)
                .warmupIterations(WARMUP)
                .warmupTime(TimeValue.milliseconds(millis))
                .measurementIterations(4 * groups)
                .measurementTime(TimeValue.milliseconds(millis))
                .addProfiler(GCProfiler.class)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        System.out.println();
        System.out.println(
                "| filters | fork | with accounting, mean ns | without, mean ns | cost, median of the fork's groups |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: |");
        List<String> summary = new ArrayList<>();
        for (RunResult run : results) {
            String filters = run.getParams().getParam("filters");
            List<Double> all = new ArrayList<>();
            int fork = 0;
            for (BenchmarkResult forkResult : run.getBenchmarkResults()) {
                fork++;
                List<Double> scores = new ArrayList<>();
                for (IterationResult it : forkResult.getIterationResults()) {
                    scores.add(it.getPrimaryResult().getScore());
                }
                double withSum = 0, withoutSum = 0;
                List<Double> ratios = new ArrayList<>();
                for (int g = 0; g + 4 <= scores.size(); g += 4) {
                    double with = 0, without = 0;
                    for (int i = g; i < g + 4; i++) {
                        if (AccountingBenchmark.withAccounting(WARMUP + i)) {
                            with += scores.get(i);
                        } else {
                            without += scores.get(i);
                        }
                    }
                    withSum += with;
                    withoutSum += without;
                    ratios.add(with / without - 1);
                }
                all.addAll(ratios);
                System.out.printf(
                        "| %s | %d | %.1f | %.1f | %+.1f %% |%n",
                        filters,
                        fork,
                        withSum / (2 * ratios.size()),
                        withoutSum / (2 * ratios.size()),
                        100 * quantile(ratios, 0.5));
            }
            Double alloc = null;
            for (var e : run.getAggregatedResult().getSecondaryResults().entrySet()) {
                if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                    alloc = e.getValue().getScore();
                }
            }
            summary.add(String.format(
                    "%s filters: accounting's cost %+.1f %% (median of %d groups; quartiles %+.1f %%, %+.1f %%), %s B/op",
                    filters,
                    100 * quantile(all, 0.5),
                    all.size(),
                    100 * quantile(all, 0.25),
                    100 * quantile(all, 0.75),
                    alloc == null ? "?" : String.format("%.3f", alloc)));
        }
        System.out.println();
        summary.forEach(System.out::println);
    }

    /** The {@code q} quantile of {@code values}, interpolated between the two nearest ranks. */
    static double quantile(List<Double> values, double q) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        double rank = q * (sorted.size() - 1);
        int low = (int) Math.floor(rank);
        int high = Math.min(low + 1, sorted.size() - 1);
        return sorted.get(low) + (rank - low) * (sorted.get(high) - sorted.get(low));
    }
}
