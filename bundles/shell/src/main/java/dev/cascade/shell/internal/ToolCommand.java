package dev.cascade.shell.internal;

import dev.cascade.api.tools.ToolManager;
import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code cascade:tool NAME quarantine|release|stop|start}: acts on one tool. */
@Command(scope = "cascade", name = "tool", description = "Quarantines, releases, stops or starts one tool")
@Service
public final class ToolCommand implements Action {

    @Reference
    ToolManager tools;

    @Argument(index = 0, name = "name", description = "The tool's name, as cascade:tools lists it", required = true)
    @Completion(ToolNames.class)
    String name;

    @Argument(index = 1, name = "action", description = "quarantine, release, stop or start", required = true)
    @Completion(
            value = StringsCompleter.class,
            values = {"quarantine", "release", "stop", "start"})
    String action;

    PrintStream out = System.out;

    @Override
    public Object execute() {
        switch (action) {
            case "quarantine" -> tools.quarantine(name, "");
            case "release" -> tools.release(name);
            case "stop" -> tools.stop(name);
            case "start" -> tools.start(name);
            default -> throw new IllegalArgumentException(
                    "action '" + action + "' is not known; use quarantine, release, stop or start");
        }
        tools.tools().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .ifPresent(t -> out.println(
                        t.name() + ": " + t.state() + (t.reason().isEmpty() ? "" : " (" + t.reason() + ")")));
        return null;
    }

    /** Completes tool names from the tool manager. */
    @Service
    public static final class ToolNames implements Completer {
        @Reference
        ToolManager tools;

        @Override
        public int complete(Session session, CommandLine commandLine, List<String> candidates) {
            StringsCompleter names = new StringsCompleter();
            tools.tools().forEach(t -> names.getStrings().add(t.name()));
            return names.complete(session, commandLine, candidates);
        }
    }
}
