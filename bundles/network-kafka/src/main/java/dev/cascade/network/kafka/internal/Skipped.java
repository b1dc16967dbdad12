package dev.cascade.network.kafka.internal;

import dev.cascade.network.kafka.internal.WireFormat.Kind;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Malformed records, counted per topic and kind; the first of each (topic, kind) is logged, the rest counted. */
final class Skipped {

    private static final Logger LOG = LoggerFactory.getLogger(Skipped.class);

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    void record(String topic, int partition, long offset, WireFormat.Malformed why) {
        AtomicLong count = counts.computeIfAbsent(topic + " " + why.kind, k -> new AtomicLong());
        if (count.getAndIncrement() == 0) {
            LOG.warn(
                    "Skipped a malformed record on {} (partition {}, offset {}): {}, {}. Further {} records on {}"
                            + " are counted (cascade:kafka), not logged.",
                    topic,
                    partition,
                    offset,
                    why.kind,
                    why.getMessage(),
                    why.kind,
                    topic);
        }
    }

    long count(String topic, Kind kind) {
        AtomicLong c = counts.get(topic + " " + kind);
        return c == null ? 0 : c.get();
    }

    /** @return "topic KIND" -> count, sorted */
    Map<String, Long> all() {
        Map<String, Long> all = new TreeMap<>();
        counts.forEach((k, v) -> all.put(k, v.get()));
        return all;
    }

    long total() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }
}
