package dev.cascade.shell.internal;

import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.PairStatus;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes pair ids from the control loop (for cascade:pair, cascade:setpoint, cascade:tensor). */
@Service
public final class PairIds implements Completer {

    @Reference
    ControlLoop loop;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        loop.pairs().forEach(p -> ids.getStrings().add(p.id()));
        return ids.complete(session, commandLine, candidates);
    }

    /**
     * @return the pair with that id
     * @throws IllegalArgumentException naming the id and where the ids are listed, if there is none
     */
    static PairStatus find(ControlLoop loop, String id) {
        return loop.pair(id)
                .orElseThrow(() -> new IllegalArgumentException("no pair '" + id + "'; "
                        + (loop.pairs().isEmpty()
                                ? "this node has none"
                                : "known: "
                                        + String.join(
                                                ", ",
                                                loop.pairs().stream()
                                                        .map(PairStatus::id)
                                                        .toList())
                                        + " (cascade:pairs lists them)")));
    }
}
