package dev.cascade.network.kafka.internal;

import java.io.PrintStream;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code cascade:kafka}: the Kafka transport's own counters (records sent and received, malformed
 * records skipped by kind, the optimizer's partitions). It lives in this bundle, not in the shell
 * bundle, because these counters are particular to this transport and not part of the API.
 */
@Command(
        scope = "cascade",
        name = "kafka",
        description = "Shows the Kafka transport: broker, state, roles, records sent and received, malformed records"
                + " skipped per topic and kind, the optimizer's partitions")
@Service
public final class KafkaCommand implements Action {

    @Reference
    KafkaTransport transport;

    @Option(name = "--json", description = "Print a JSON object instead of a table")
    boolean json;

    PrintStream out = System.out;

    @Override
    public Object execute() {
        Map<String, Object> status = transport.status();
        if (json) {
            StringBuilder s = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<String, Object> e : status.entrySet()) {
                if (!first) {
                    s.append(',');
                }
                first = false;
                Json.string(s, e.getKey());
                s.append(':');
                value(s, e.getValue());
            }
            out.println(s.append('}'));
            return null;
        }
        for (Map.Entry<String, Object> e : status.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m) {
                out.printf("%-18s %s%n", e.getKey(), m.isEmpty() ? "none" : "");
                m.forEach((k, v) -> out.printf("  %-28s %s%n", k, v));
            } else {
                out.printf("%-18s %s%n", e.getKey(), e.getValue());
            }
        }
        return null;
    }

    private static void value(StringBuilder s, Object v) {
        if (v instanceof Number n) {
            s.append(n);
        } else if (v instanceof Map<?, ?> m) {
            s.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    s.append(',');
                }
                first = false;
                Json.string(s, String.valueOf(e.getKey()));
                s.append(':');
                value(s, e.getValue());
            }
            s.append('}');
        } else {
            Json.string(s, String.valueOf(v));
        }
    }
}
