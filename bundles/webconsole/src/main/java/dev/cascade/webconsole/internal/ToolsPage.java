package dev.cascade.webconsole.internal;

import static dev.cascade.webconsole.internal.Html.escape;
import static dev.cascade.webconsole.internal.Html.number;
import static dev.cascade.webconsole.internal.Views.cell;
import static dev.cascade.webconsole.internal.Views.num;

import dev.cascade.api.monitoring.HookMetrics;
import dev.cascade.api.monitoring.Monitor;
import dev.cascade.api.tools.ToolCapacity;
import dev.cascade.api.tools.ToolInfo;
import dev.cascade.api.tools.ToolManager;
import dev.cascade.api.tools.ToolState;
import java.util.List;
import java.util.stream.Collectors;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The tools: each tool's state and reason, its contract against its measured use as meters, buttons to
 * quarantine, release, stop and start it; the node's capacity; the analysis hooks.
 */
@Component(
        service = Servlet.class,
        property = {
            "felix.webconsole.label=" + ToolsPage.LABEL,
            "felix.webconsole.title=Tools",
            "felix.webconsole.category=" + ConsolePage.CATEGORY
        })
public final class ToolsPage extends ConsolePage {

    private static final long serialVersionUID = 1L;

    static final String LABEL = "cascade-tools";

    private static final List<String> ACTIONS = List.of("quarantine", "release", "stop", "start");

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Monitor monitor;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ToolManager manager;

    /** The page; the Web Console finds it by its properties. */
    @Activate
    public ToolsPage() {
        super(LABEL);
    }

    @Override
    String content(HttpServletRequest request) {
        Monitor m = monitor;
        if (m == null) {
            return Views.NO_MONITOR;
        }
        String root = pluginRoot(request);
        ToolCapacity capacity = m.capacity();
        StringBuilder out = new StringBuilder(16384);
        out.append(Views.strip(m, appRoot(request)));
        out.append("<h2>Node capacity for tools</h2>");
        out.append(Svg.meters(
                "held by admitted tools / granted to tools",
                List.of(
                        new Svg.Meter(
                                "CPU", capacity.used().cpu(), capacity.total().cpu(), "cores"),
                        new Svg.Meter(
                                "heap",
                                capacity.used().heapMb(),
                                capacity.total().heapMb(),
                                "MiB"),
                        new Svg.Meter(
                                "threads",
                                capacity.used().threads(),
                                capacity.total().threads(),
                                "threads")),
                520));
        List<ToolInfo> tools = m.tools();
        out.append("<h2>Tools</h2>");
        if (tools.isEmpty()) {
            out.append("<p>No tools on this node. Drop a tool bundle into <code>deploy/</code>.</p>");
        } else {
            out.append("<table class=\"cascade-table tools\"><tr><th>tool</th><th>kind</th><th>bundle</th>"
                    + "<th>state</th><th>measured use / contract</th><th>allocation</th><th>calls</th>"
                    + "<th>call µs / max</th><th>faults</th><th>reason</th><th>act</th></tr>");
            for (ToolInfo tool : tools) {
                out.append("<tr data-tool=\"")
                        .append(escape(tool.name()))
                        .append("\">")
                        .append(cell(escape(tool.name())))
                        .append(cell(escape(tool.kind())))
                        .append(cell(escape(tool.bundle())))
                        .append(cell(Views.state(tool.state())))
                        .append(cell(Svg.meters(
                                "",
                                List.of(
                                        new Svg.Meter(
                                                "CPU",
                                                tool.usage().cpu(),
                                                tool.contract().cpu(),
                                                "cores"),
                                        new Svg.Meter(
                                                "threads",
                                                tool.usage().threads(),
                                                tool.contract().threads(),
                                                "")),
                                360)))
                        .append(cell(escape(number(tool.usage().allocatedBytesPerSecond() / 1e6) + " MB/s")))
                        .append(num(tool.usage().calls()))
                        .append(cell(escape(number(tool.usage().callMicros()) + " / "
                                + tool.contract().maxCallMicros())))
                        .append(num(tool.usage().faults()))
                        .append(cell(escape(tool.reason())))
                        .append(cell(buttons(root, tool)))
                        .append("</tr>");
            }
            out.append("</table>");
        }
        List<HookMetrics> hooks = m.hooks();
        out.append("<h2>Analysis hooks</h2>");
        if (hooks.isEmpty()) {
            out.append("<p>No analysis hooks on this node.</p>");
        } else {
            out.append("<table class=\"cascade-table hooks\"><tr><th>hook</th><th>phase</th><th>budget</th>"
                    + "<th>calls</th><th>overruns</th><th>faults</th><th>skipped</th><th>state</th></tr>");
            for (HookMetrics hook : hooks) {
                out.append("<tr>")
                        .append(cell(escape(hook.name())))
                        .append(cell(hook.phase().name()))
                        .append(cell(hook.budgetMillis() + " ms"))
                        .append(num(hook.calls()))
                        .append(num(hook.overruns()))
                        .append(num(hook.faults()))
                        .append(num(hook.skipped()))
                        .append(cell(Views.state(hook.state())))
                        .append("</tr>");
            }
            out.append("</table>");
        }
        return out.toString();
    }

    private static String buttons(String root, ToolInfo tool) {
        StringBuilder out = new StringBuilder("<form class=\"cascade-action\" method=\"post\" action=\"")
                .append(escape(root))
                .append("\"><input type=\"hidden\" name=\"name\" value=\"")
                .append(escape(tool.name()))
                .append("\">");
        ToolState state = tool.state();
        boolean admitted = state == ToolState.ACTIVE || state == ToolState.THROTTLED;
        button(out, "quarantine", admitted || state == ToolState.REJECTED);
        button(out, "release", state == ToolState.QUARANTINED);
        button(out, "stop", state != ToolState.STOPPED);
        button(out, "start", state == ToolState.STOPPED);
        return out.append("</form>").toString();
    }

    private static void button(StringBuilder out, String action, boolean enabled) {
        out.append("<button type=\"submit\" name=\"action\" value=\"")
                .append(action)
                .append('"')
                .append(enabled ? "" : " disabled")
                .append('>')
                .append(action)
                .append("</button> ");
    }

    @Override
    String act(HttpServletRequest request) {
        String action = request.getParameter("action");
        if (action == null || !ACTIONS.contains(action)) {
            throw new Problem(400, "unknown action '" + action + "'; use one of " + String.join(", ", ACTIONS));
        }
        String name = request.getParameter("name");
        if (name == null || name.isBlank()) {
            throw new Problem(400, "no tool named: the parameter name is missing");
        }
        ToolManager tools = manager;
        if (tools == null) {
            throw new Problem(503, "the tool manager is not running on this node; nothing was done");
        }
        if (tools.tools().stream().noneMatch(t -> t.name().equals(name))) {
            String known = tools.tools().stream().map(ToolInfo::name).collect(Collectors.joining(", "));
            throw new Problem(
                    404, "no tool '" + name + "' on this node (tools: " + (known.isEmpty() ? "none" : known) + ")");
        }
        switch (action) {
            case "quarantine" -> tools.quarantine(name, "from the Web Console");
            case "release" -> tools.release(name);
            case "stop" -> tools.stop(name);
            default -> tools.start(name);
        }
        String now = tools.tools().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .map(t -> t.state().name() + (t.reason().isEmpty() ? "" : " (" + t.reason() + ")"))
                .orElse("gone");
        return name + ": " + action + " done; now " + now + ".";
    }
}
