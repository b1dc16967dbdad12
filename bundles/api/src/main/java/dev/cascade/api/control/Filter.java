package dev.cascade.api.control;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A step of a pair's cycle, contributed as a whiteboard service. Register it with {@link #STAGE};
 * filters of a stage run in {@code service.ranking} order (highest first). {@link #PAIRS} targets it at
 * some pairs; without it, it runs for every pair.
 *
 * <p>A filter runs on the loop thread under a time budget. A filter that throws, writes a non-finite
 * value or overruns its budget is bypassed for that cycle and counted; repeated faults quarantine it. The
 * loop never stops because of a filter.
 */
@ConsumerType
public interface Filter {

    /** Service property (String): the stage, one of {@code pre}, {@code transform}, {@code post}. */
    String STAGE = "cascade.filter.stage";

    /**
     * Service property (String): which pairs the filter applies to, a glob on the pair id (e.g. {@code
     * floor-*}) or an LDAP filter on the pair's configuration (e.g. {@code (parent=hall-1)}).
     */
    String PAIRS = "cascade.filter.pairs";

    /**
     * Processes one cycle of one pair, reading and writing {@code frame} in place. Must not allocate on
     * every call, block, or keep {@code frame}.
     */
    void process(FilterFrame frame);
}
