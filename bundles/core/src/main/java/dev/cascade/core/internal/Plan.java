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
 * @param byDomainService the positions of the entries that call each domain adapter, by its service id
 * @param minFilterBudgetNanos the smallest time budget among the filters of the entries
 */
record Plan(
        Entry[] entries,
        MeasurementCollector collector,
        java.util.Map<String, Entry> byId,
        java.util.Map<Long, int[]> byDomainService,
        long minFilterBudgetNanos) {

    static final Plan EMPTY = new Plan(new Entry[0], null);

    private static final int[] NONE = {};

    /**
     * A plan of {@code entries}, indexed once here by pair id and by domain adapter service, so that lookups
     * off the loop and the removal of an adapter need no scan.
     */
    Plan(Entry[] entries, MeasurementCollector collector) {
        this(entries, collector, index(entries), byDomainService(entries), minFilterBudget(entries));
    }

    /** This plan with {@code entries} in place of its own: the same pairs in the same order, so the indexes hold. */
    Plan patched(Entry[] entries) {
        return new Plan(entries, collector, byId, byDomainService, minFilterBudgetNanos);
    }

    /** @return the positions in {@link #entries} of the pairs that call the adapter with that service id */
    int[] usersOf(long serviceId) {
        return byDomainService.getOrDefault(serviceId, NONE);
    }

    private static java.util.Map<Long, int[]> byDomainService(Entry[] entries) {
        java.util.Map<Long, int[]> positions = new java.util.HashMap<>();
        for (int i = 0; i < entries.length; i++) {
            Entry e = entries[i];
            if (e.parent() != null) {
                add(positions, e.parentService(), i);
            }
            if (e.child() != null) {
                add(positions, e.childService(), i);
            }
        }
        return positions;
    }

    private static void add(java.util.Map<Long, int[]> positions, long serviceId, int position) {
        int[] before = positions.get(serviceId);
        if (before == null) {
            positions.put(serviceId, new int[] {position});
        } else {
            int[] after = java.util.Arrays.copyOf(before, before.length + 1);
            after[before.length] = position;
            positions.put(serviceId, after);
        }
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

        /** This entry without its domain adapters: the pair waits for what {@code why} names. */
        Entry waiting(String why) {
            return new Entry(runtime, settings, null, null, cascade, chain, share, why, 0, 0);
        }

        /** What a pair whose parent domain has no adapter waits for. */
        static String noParent(PairSettings s) {
            return "parent domain " + s.parent();
        }

        /** What a pair whose child domain has no adapter waits for. */
        static String noChild(PairSettings s) {
            return "child domain " + s.child();
        }
    }
}
