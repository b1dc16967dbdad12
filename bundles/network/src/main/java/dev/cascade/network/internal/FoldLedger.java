package dev.cascade.network.internal;

import dev.cascade.api.network.Batch;
import dev.cascade.api.network.OptimizerMetrics;
import java.util.HashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * What the node's optimizer has folded, kept for as long as the bundle runs: per pair, the highest sequence
 * folded per producer (the de-duplication state) and the batches, measurements and duplicates counted. It is
 * its own component so that it outlives the optimizer: an operator who stops and starts the optimizer
 * ({@code scr:disable} / {@code scr:enable}, or a configuration change) gets counts that carry on, and an
 * optimizer that comes back folds no batch twice even for a pair that has no published update to resume
 * from yet.
 */
@Component(service = FoldLedger.class)
public final class FoldLedger {

    /** One pair's account on the optimizer's side. */
    record Folded(long batches, long measurements, long duplicates) {}

    private static final class Account {
        final Map<String, Long> highest = new HashMap<>();
        long batches;
        long measurements;
        long duplicates;
    }

    // guarded by this
    private final Map<String, Account> pairs = new HashMap<>();
    private long batches;
    private long measurements;
    private long duplicates;
    private long failures;
    private long updatesPublished;

    /** Records a batch as folded: its sequence becomes the producer's highest, its measurements count. */
    synchronized void folded(Batch batch) {
        Account a = pairs.computeIfAbsent(batch.pair(), p -> new Account());
        a.highest.merge(batch.producer(), batch.sequence(), Math::max);
        a.batches++;
        a.measurements += batch.measurements().size();
        batches++;
        measurements += batch.measurements().size();
    }

    synchronized void duplicate(Batch batch) {
        pairs.computeIfAbsent(batch.pair(), p -> new Account()).duplicates++;
        duplicates++;
    }

    synchronized void failure() {
        failures++;
    }

    synchronized void published() {
        updatesPublished++;
    }

    /** @return a copy of the highest sequence folded per producer of this pair */
    synchronized Map<String, Long> highest(String pair) {
        Account a = pairs.get(pair);
        return a == null ? Map.of() : Map.copyOf(a.highest);
    }

    /** @return this pair's account, zeros if nothing of it was folded */
    synchronized Folded pair(String pair) {
        Account a = pairs.get(pair);
        return a == null ? new Folded(0, 0, 0) : new Folded(a.batches, a.measurements, a.duplicates);
    }

    /** @return the optimizer's metrics: these counts, with what the optimizer itself says */
    synchronized OptimizerMetrics metrics(String estimator, boolean running) {
        return new OptimizerMetrics(estimator, running, batches, measurements, duplicates, failures, updatesPublished);
    }
}
