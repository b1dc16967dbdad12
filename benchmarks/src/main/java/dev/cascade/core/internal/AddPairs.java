package dev.cascade.core.internal;

// In the core's private package on purpose: see LoopFixture.

import dev.cascade.api.domain.DomainAdapter;
import java.util.Map;

/**
 * How long a node takes to take on N pairs given one at a time, as Declarative Services gives them when a
 * node starts with N pair configurations: for each pair its two domain adapters ({@code addDomain}) and its
 * settings ({@code put}), on the real {@link LoopEngine} with its loop thread running. Prints the time after
 * every fifth of the pairs, the plans built, and when the loop had run every pair once.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.cascade.core.internal.AddPairs [pairs] [rateHz]
 * </pre>
 */
public final class AddPairs {

    private AddPairs() {}

    public static void main(String[] args) throws InterruptedException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        double rate = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        LoopEngine engine = new LoopEngine();
        try {
            LoopFixture.Child[] children = new LoopFixture.Child[n];
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                String id = String.format("p%06d", i);
                LoopFixture.Child child = new LoopFixture.Child();
                children[i] = child;
                engine.addDomain(child, childProperties(i));
                engine.addDomain(
                        new LoopFixture.Parent(child),
                        Map.of(DomainAdapter.DOMAIN_ID, id + "-parent", "service.id", 2L * i + 2));
                engine.put("pid-" + id, LoopFixture.settings(id, id + "-parent", id + "-child", rate));
                if ((i + 1) % Math.max(1, n / 5) == 0) {
                    System.out.printf("%,d pairs added: %.2f s%n", i + 1, seconds(start));
                }
            }
            System.out.printf("plans built: %,d for %,d calls%n", engine.plansBuilt, 3L * n);
            // the loop's plan has every pair once the last change's plan is built, and each ran once a period later
            long deadline = System.nanoTime() + 600_000_000_000L;
            while (!everyPairRan(engine.plan(), n)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the loop did not run every pair within 600 s");
                }
                Thread.sleep(10);
            }
            System.out.printf("every pair had run once: %.2f s after the first was added%n", seconds(start));
            // then every child adapter goes, one call each (a bundle with many adapters stopping)
            long plans = engine.plansBuilt;
            start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                engine.removeDomain(children[i], childProperties(i));
            }
            System.out.printf(
                    "%,d child domains removed one by one: %.2f s, %,d plans built%n",
                    n, seconds(start), engine.plansBuilt - plans);
        } finally {
            engine.deactivate();
        }
    }

    /** The child of pair i is service 2i + 1, its parent 2i + 2. */
    private static Map<String, Object> childProperties(int i) {
        return Map.of(DomainAdapter.DOMAIN_ID, String.format("p%06d-child", i), "service.id", 2L * i + 1);
    }

    private static boolean everyPairRan(Plan plan, int n) {
        if (plan.entries().length != n) {
            return false;
        }
        for (Plan.Entry e : plan.entries()) {
            if (e.runtime().cycles() == 0) {
                return false;
            }
        }
        return true;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) * 1e-9;
    }
}
