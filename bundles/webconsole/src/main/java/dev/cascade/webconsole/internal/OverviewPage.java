package dev.cascade.webconsole.internal;

import static dev.cascade.webconsole.internal.Html.escape;
import static dev.cascade.webconsole.internal.Html.number;
import static dev.cascade.webconsole.internal.Views.cell;
import static dev.cascade.webconsole.internal.Views.num;

import dev.cascade.api.control.PairStatus;
import dev.cascade.api.monitoring.LoopMetrics;
import dev.cascade.api.monitoring.Monitor;
import dev.cascade.api.monitoring.PairMetrics;
import dev.cascade.api.monitoring.PairSample;
import dev.cascade.api.network.NetworkMetrics;
import java.util.List;
import java.util.Optional;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** The overview: the node, its transport, and every pair at a glance with an error sparkline. */
@Component(
        service = Servlet.class,
        property = {
            "felix.webconsole.label=" + OverviewPage.LABEL,
            "felix.webconsole.title=Overview",
            "felix.webconsole.category=" + ConsolePage.CATEGORY
        })
public final class OverviewPage extends ConsolePage {

    private static final long serialVersionUID = 1L;

    static final String LABEL = "cascade";

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Monitor monitor;

    /** The page; the Web Console finds it by its properties. */
    @Activate
    public OverviewPage() {
        super(LABEL);
    }

    @Override
    String content(HttpServletRequest request) {
        Monitor m = monitor;
        if (m == null) {
            return Views.NO_MONITOR;
        }
        String app = appRoot(request);
        Optional<NetworkMetrics> network = m.network();
        LoopMetrics loop = m.loop();
        List<PairMetrics> pairs = m.pairs();
        StringBuilder out = new StringBuilder(8192);
        out.append(Views.facts(
                "node",
                "<span id=\"cascade-node\">" + escape(m.node()) + "</span>",
                "transport",
                network.map(n -> escape(n.transport()) + " " + Views.state(n.state()))
                        .orElse("no network on this node"),
                "pairs",
                String.valueOf(pairs.size()),
                "loop passes",
                String.valueOf(loop.passes()),
                "missed deadlines",
                String.valueOf(loop.missedDeadlines()),
                "cycle time p99",
                escape(number(loop.cycleTime().p99()) + " " + loop.cycleTime().unit())));
        out.append("<h2>Pairs</h2>");
        if (pairs.isEmpty()) {
            out.append("<p>No pairs are configured on this node. A pair is a Config Admin factory configuration,"
                    + " e.g. <code>etc/dev.cascade.pair-NAME.cfg</code>.</p>");
            return out.toString();
        }
        out.append("<table class=\"cascade-table pairs\"><tr><th>pair</th><th>parent \u2192 child</th>"
                + "<th>state</th><th>|error|</th><th>RMS (10 s)</th><th>\u222b|error| dt</th><th>error, recent</th>"
                + "<th>confidence</th><th>tensor</th><th>cycles</th><th>missed</th><th>reason</th></tr>");
        for (PairMetrics pair : pairs) {
            PairStatus s = pair.status();
            List<PairSample> history = Views.thin(m.history(s.id()), 140);
            double[] norms = new double[history.size()];
            for (int i = 0; i < norms.length; i++) {
                norms[i] = Views.norm(history.get(i).error());
            }
            out.append("<tr data-pair=\"")
                    .append(escape(s.id()))
                    .append("\">")
                    .append(cell(Views.pairLink(app, s.id())))
                    .append(cell(escape(s.parent() + " \u2192 " + s.child())))
                    .append(cell(Views.state(s.state())))
                    .append(num(Views.norm(s.error())))
                    .append(num(s.rmsError()))
                    .append(num(s.integralAbsError()))
                    .append(cell(Svg.sparkline(norms, 140, 28)))
                    .append(num(s.confidence()))
                    .append(cell("v" + s.tensorVersion()))
                    .append(num(s.cycles()))
                    .append(num(s.missedDeadlines()))
                    .append(cell(escape(s.reason())))
                    .append("</tr>");
        }
        return out.append("</table>").toString();
    }
}
