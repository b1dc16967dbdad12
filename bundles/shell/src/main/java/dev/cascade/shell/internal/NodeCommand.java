package dev.cascade.shell.internal;

import dev.cascade.api.Node;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code cascade:node}: this node's identity and uptime. */
@Command(scope = "cascade", name = "node", description = "Shows this Cascade node's id, version and uptime")
@Service
public final class NodeCommand implements Action {

    @Reference
    Node node;

    @Option(name = "--json", description = "Print one JSON object instead of a table")
    boolean json;

    Clock clock = Clock.systemUTC();

    PrintStream out = System.out;

    @Override
    public Object execute() {
        Duration uptime = Duration.between(node.startedAt(), clock.instant());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", node.id());
        fields.put("version", node.version());
        fields.put("startedAt", node.startedAt().toString());
        if (json) {
            fields.put("uptimeSeconds", uptime.getSeconds());
            out.println(Json.object(fields));
        } else {
            fields.put("uptime", human(uptime));
            fields.forEach((k, v) -> out.printf("%-10s %s%n", k, v));
        }
        return null;
    }

    static String human(Duration d) {
        long s = d.getSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        if (s < 86400) {
            return (s / 3600) + "h " + (s % 3600 / 60) + "m";
        }
        return (s / 86400) + "d " + (s % 86400 / 3600) + "h";
    }
}
