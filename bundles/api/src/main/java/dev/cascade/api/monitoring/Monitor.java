package dev.cascade.api.monitoring;

import dev.cascade.api.network.NetworkMetrics;
import dev.cascade.api.network.OptimizerMetrics;
import dev.cascade.api.tools.ToolCapacity;
import dev.cascade.api.tools.ToolInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Everything an operator's face shows, in one service: the Web Console pages, the shell and the
 * Prometheus endpoint read the node through it. Every method returns a snapshot and is cheap enough to
 * call on each page refresh or scrape.
 */
@ProviderType
public interface Monitor {

    /** @return this node's id */
    String node();

    /** @return every configured pair, sorted by id */
    List<PairMetrics> pairs();

    /** @return the pair with that id, if configured */
    Optional<PairMetrics> pair(String id);

    /**
     * @return the pair's recent history, oldest first, sampled about every {@code 250 ms} over the last
     *     few minutes; empty for an unknown pair
     */
    List<PairSample> history(String id);

    /** @return how the loop keeps time, since it started */
    LoopMetrics loop();

    /**
     * How the loop kept time over its last {@code last} (whole seconds, rounded up, at most
     * {@link LoopWindow#MAX_SECONDS}); see {@link dev.cascade.api.control.ControlLoop#loop(Duration)}.
     *
     * <p>The default, for implementations that cannot tell, reports nothing recorded.
     *
     * @param last how far back
     * @return the loop's timing over that window
     * @throws IllegalArgumentException if {@code last} is not positive or longer than a minute
     * @since 1.1.0
     */
    default LoopWindow loop(Duration last) {
        LoopWindow.seconds(last);
        return LoopWindow.empty(Instant.now());
    }

    /** @return the network's metrics, when the network runs on this node */
    Optional<NetworkMetrics> network();

    /** @return the local optimizer's metrics, when one runs on this node */
    Optional<OptimizerMetrics> optimizer();

    /** @return update latency, batch cut to tensor in use, in milliseconds */
    Histogram updateLatency();

    /** @return every tool, sorted by name */
    List<ToolInfo> tools();

    /** @return the node's capacity for tools and what admitted tools hold of it */
    ToolCapacity capacity();

    /** @return every analysis hook, sorted by name */
    List<HookMetrics> hooks();
}
