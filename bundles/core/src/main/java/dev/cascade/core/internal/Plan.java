package dev.cascade.core.internal;

import dev.cascade.api.control.MeasurementCollector;
import dev.cascade.api.domain.DomainAdapter;

/**
 * What the loop thread runs: every pair with its domains, filter chain and share of the parent's error.
 * Immutable; the engine builds a new plan when a pair, domain or filter comes or goes and swaps it in
 * atomically, so the loop never takes a lock.
 *
 * @param entries the pairs, sorted by id
 * @param collector where measurements go, or null
 * @param byId the entries by pair id
 */
record Plan(
        Entry[] entries, MeasurementCollector collector, java.util.Map<String, Entry> byId, long minFilterBudgetNanos) {

    static final Plan EMPTY = new Plan(new Entry[0], null);

    /** A plan of {@code entries}, indexed by pair id once here so lookups off the loop need no scan. */
    Plan(Entry[] entries, MeasurementCollector collector) {
        this(entries, collector, index(entries), minFilterBudget(entries));
    }

    /** The smallest time budget among the filters of {@code entries}; {@link Long#MAX_VALUE} without any. */
    private static long minFilterBudget(Entry[] entries) {
        long min = Long.MAX_VALUE;
        for (Entry e : entries) {
            min = Math.min(min, e.chain().minBudgetNanos);
        }
        return min;
    }

    private static java.util.Map<String, Entry> index(Entry[] entries) {
        java.util.Map<String, Entry> byId = new java.util.HashMap<>();
        for (Entry e : entries) {
            byId.put(e.settings().id(), e);
        }
        return java.util.Map.copyOf(byId);
    }

    /** @return the entry of the pair with that id, or null */
    Entry entry(String id) {
        return byId.get(id);
    }

    /**
     * @param runtime the pair's state, which survives plans
     * @param settings its current settings
     * @param parent the parent's adapter, or null while absent
     * @param child the child's adapter; null while absent or when the child is the parent of other pairs
     * @param cascade the pairs whose parent is this pair's child (their setpoints take this pair's output)
     * @param chain the filters that target the pair
     * @param share this pair's share of the parent's error
     * @param waitingFor empty when the pair can run, else what it waits for
     * @param parentService the parent adapter's {@code service.id} (for the watchdog and the tool manager)
     * @param childService the child adapter's {@code service.id}, or 0
     */
    record Entry(
            PairRuntime runtime,
            PairSettings settings,
            DomainAdapter parent,
            DomainAdapter child,
            PairRuntime[] cascade,
            FilterChain chain,
            double share,
            String waitingFor,
            long parentService,
            long childService) {

        boolean ready() {
            return waitingFor.isEmpty();
        }
    }
}
