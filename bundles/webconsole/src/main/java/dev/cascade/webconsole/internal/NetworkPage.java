package dev.cascade.webconsole.internal;

import static dev.cascade.webconsole.internal.Html.escape;
import static dev.cascade.webconsole.internal.Html.number;
import static dev.cascade.webconsole.internal.Views.num;

import dev.cascade.api.monitoring.LoopMetrics;
import dev.cascade.api.monitoring.Monitor;
import dev.cascade.api.network.NetworkMetrics;
import dev.cascade.api.network.OptimizerMetrics;
import java.util.Optional;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The network: transport state, spool depth, dropped batches, the counters, the local optimizer, the
 * update-latency histogram; and the loop's cycle-time histogram.
 */
@Component(
        service = Servlet.class,
        property = {
            "felix.webconsole.label=" + NetworkPage.LABEL,
            "felix.webconsole.title=Network",
            "felix.webconsole.category=" + ConsolePage.CATEGORY
        })
public final class NetworkPage extends ConsolePage {

    private static final long serialVersionUID = 1L;

    static final String LABEL = "cascade-network";

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Monitor monitor;

    /** The page; the Web Console finds it by its properties. */
    @Activate
    public NetworkPage() {
        super(LABEL);
    }

    @Override
    String content(HttpServletRequest request) {
        Monitor m = monitor;
        if (m == null) {
            return Views.NO_MONITOR;
        }
        StringBuilder out = new StringBuilder(16384);
        out.append(Views.strip(m, appRoot(request)));
        Optional<NetworkMetrics> found = m.network();
        if (found.isEmpty()) {
            out.append("<p class=\"cascade-absent\"><strong>No network runs on this node</strong> (bundle"
                    + " dev.cascade.network, feature cascade-network): the loop runs on its configured"
                    + " tensors and nothing is batched.</p>");
        } else {
            NetworkMetrics n = found.get();
            out.append(Views.facts(
                    "transport",
                    escape(n.transport()),
                    "state",
                    "<span id=\"cascade-transport-state\">" + Views.state(n.state()) + "</span>",
                    "spool depth",
                    n.spoolDepth() + " batches",
                    "dropped batches",
                    String.valueOf(n.spoolDropped()),
                    "update latency, last",
                    escape(number(n.latencyLastMillis())) + " ms",
                    "update latency, p99",
                    escape(number(n.latencyP99Millis())) + " ms"));
            out.append("<h2>Counters</h2><table class=\"cascade-table counters\">")
                    .append(row("measurements collected", n.collected()))
                    .append(row("measurements overwritten before batching", n.overwritten()))
                    .append(row("batches cut", n.batchesCut()))
                    .append(row("batches sent", n.batchesSent()))
                    .append(row("batches spooled now", n.spoolDepth()))
                    .append(row("batches dropped from the spool", n.spoolDropped()))
                    .append(row("updates received", n.updatesReceived()))
                    .append(row("updates rejected by the cache", n.updatesRejected()))
                    .append("</table>");
        }
        Optional<OptimizerMetrics> optimizer = m.optimizer();
        out.append("<h2>Optimizer</h2>");
        if (optimizer.isEmpty()) {
            out.append("<p>No optimizer runs on this node.</p>");
        } else {
            OptimizerMetrics o = optimizer.get();
            out.append("<table class=\"cascade-table optimizer\">")
                    .append("<tr><th>estimator</th><td>")
                    .append(escape(o.estimator()))
                    .append("</td></tr><tr><th>running</th><td>")
                    .append(o.running() ? "yes" : "no (transport or estimator absent)")
                    .append("</td></tr>")
                    .append(row("batches folded", o.batchesFolded()))
                    .append(row("measurements folded", o.measurementsFolded()))
                    .append(row("duplicate batches skipped", o.duplicates()))
                    .append(row("batches that failed", o.failures()))
                    .append(row("updates published", o.updatesPublished()))
                    .append("</table>");
        }
        out.append("<div class=\"plots\">");
        out.append(Views.histogram("Update latency, batch cut to tensor in use", m.updateLatency()));
        LoopMetrics loop = m.loop();
        out.append(Views.histogram("Loop pass time", loop.cycleTime()));
        out.append("</div>");
        out.append("<p>Loop passes: ")
                .append(loop.passes())
                .append("; missed deadlines: ")
                .append(loop.missedDeadlines())
                .append("; lateness p99: ")
                .append(escape(
                        number(loop.lateness().p99()) + " " + loop.lateness().unit()))
                .append(".</p>");
        return out.toString();
    }

    private static String row(String label, long value) {
        return "<tr><th>" + escape(label) + "</th>" + num(value) + "</tr>";
    }
}
