package dev.cascade.webconsole.internal;

import static dev.cascade.webconsole.internal.Html.escape;
import static dev.cascade.webconsole.internal.Html.number;

import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.monitoring.Monitor;
import dev.cascade.api.monitoring.PairMetrics;
import dev.cascade.api.monitoring.PairSample;
import dev.cascade.api.tensor.Vector3;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
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
 * One pair ({@code ?id=PAIR}, else the first): error and adjustment over time, confidence over time, the
 * tensor {@code T} and the estimated gain {@code G} as heat maps, and a form that changes the setpoint.
 */
@Component(
        service = Servlet.class,
        property = {
            "felix.webconsole.label=" + PairPage.LABEL,
            "felix.webconsole.title=Pair",
            "felix.webconsole.category=" + ConsolePage.CATEGORY
        })
public final class PairPage extends ConsolePage {

    private static final long serialVersionUID = 1L;

    static final String LABEL = "cascade-pair";

    private static final String[] AXES = {"x", "y", "z"};

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Monitor monitor;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ControlLoop loop;

    /** The page; the Web Console finds it by its properties. */
    @Activate
    public PairPage() {
        super(LABEL);
    }

    /** The pair the request names, or the first when it names none. */
    private Optional<PairMetrics> selected(Monitor m, HttpServletRequest request) {
        String id = request.getParameter("id");
        if (id == null || id.isBlank()) {
            return m.pairs().stream().findFirst();
        }
        return m.pair(id);
    }

    @Override
    String controls(HttpServletRequest request, String pluginRoot) {
        Monitor m = monitor;
        if (m == null) {
            return "";
        }
        String app = appRoot(request);
        StringBuilder out = new StringBuilder("<p class=\"pair-nav\">Pairs: ");
        out.append(m.pairs().stream().map(p -> Views.pairLink(app, p.id())).collect(Collectors.joining(" \u00b7 ")));
        out.append("</p>");
        Optional<PairMetrics> pair = selected(m, request);
        if (pair.isPresent()) {
            PairStatus s = pair.get().status();
            out.append("<form class=\"cascade-action setpoint\" method=\"post\" action=\"")
                    .append(escape(pluginRoot))
                    .append("\"><input type=\"hidden\" name=\"action\" value=\"setpoint\">")
                    .append("<input type=\"hidden\" name=\"id\" value=\"")
                    .append(escape(s.id()))
                    .append("\">Setpoint of ")
                    .append(escape(s.parent()))
                    .append(": ");
            double[] setpoint = s.setpoint().toArray();
            for (int i = 0; i < 3; i++) {
                out.append("<label>")
                        .append(AXES[i])
                        .append(" <input type=\"text\" name=\"")
                        .append(AXES[i])
                        .append("\" value=\"")
                        .append(escape(Double.toString(setpoint[i])))
                        .append("\"></label> ");
            }
            out.append("<button type=\"submit\">Set</button></form>");
        }
        return out.toString();
    }

    @Override
    String content(HttpServletRequest request) {
        Monitor m = monitor;
        if (m == null) {
            return Views.NO_MONITOR;
        }
        Optional<PairMetrics> found = selected(m, request);
        if (found.isEmpty()) {
            String id = request.getParameter("id");
            return id == null || id.isBlank()
                    ? "<p>No pairs are configured on this node.</p>"
                    : "<p class=\"cascade-absent\">No pair <strong>" + escape(id) + "</strong> on this node."
                            + " Configured pairs: " + escape(ids(m)) + ".</p>";
        }
        PairMetrics pair = found.get();
        PairStatus s = pair.status();
        List<PairSample> history = Views.thin(m.history(s.id()), 500);
        StringBuilder out = new StringBuilder(32768);
        out.append("<h2>Pair <span id=\"cascade-pair\">")
                .append(escape(s.id()))
                .append("</span>: ")
                .append(escape(s.parent() + " \u2192 " + s.child()))
                .append("</h2>");
        out.append(Views.facts(
                "state",
                Views.state(s.state()) + (s.reason().isEmpty() ? "" : " " + escape(s.reason())),
                "setpoint",
                escape(Views.vector(s.setpoint())),
                "error",
                escape(Views.vector(s.error())),
                "RMS (10 s)",
                escape(number(s.rmsError())),
                "\u222b|error| dt",
                escape(number(s.integralAbsError())),
                "adjustment",
                escape(Views.vector(s.adjustment())),
                "confidence",
                escape(number(s.confidence())),
                "tensor",
                "v" + s.tensorVersion(),
                "time constants (s)",
                pair.timeConstants().map(v -> escape(Views.vector(v))).orElse("not identified yet"),
                "cycles / missed",
                s.cycles() + " / " + s.missedDeadlines()));

        double[] t = new double[history.size()];
        long now = history.isEmpty() ? 0 : history.get(history.size() - 1).time();
        for (int i = 0; i < t.length; i++) {
            t[i] = (history.get(i).time() - now) / 1000.0;
        }
        String xLabel = "seconds before the latest sample";
        out.append("<div class=\"plots\">");
        out.append(Svg.linePlot(
                Svg.Frame.of("Error (setpoint \u2212 parent state)", xLabel, "error"),
                axes(t, history, PairSample::error)));
        out.append(Svg.linePlot(
                Svg.Frame.of("Adjustment applied to the child", xLabel, "adjustment"),
                axes(t, history, PairSample::adjustment)));
        out.append(Svg.linePlot(
                Svg.Frame.of("Confidence", xLabel, "confidence").withRange(0, 1),
                List.of(new Svg.Series("confidence", "#9467bd", t, series(history, PairSample::confidence)))));
        out.append(Svg.linePlot(
                Svg.Frame.of("RMS error (10 s window)", xLabel, "RMS"),
                List.of(new Svg.Series("RMS", "#8c564b", t, series(history, PairSample::rmsError)))));
        out.append("</div><div class=\"plots\">");
        out.append(Svg.heatMap(
                "Tensor T in use (v" + s.tensorVersion() + ")", pair.tensor(), "child adjustment", "parent error"));
        out.append(pair.gain()
                .map(g -> Svg.heatMap("Estimated plant gain G", g, "parent state", "child actuator"))
                .orElse("<p class=\"cascade-absent\">The plant gain G is not estimated yet: no tensor update has"
                        + " arrived for this pair.</p>"));
        out.append("</div>");
        return out.toString();
    }

    @Override
    String act(HttpServletRequest request) {
        String action = request.getParameter("action");
        if (!"setpoint".equals(action)) {
            throw new Problem(400, "unknown action '" + action + "'; this page takes: setpoint");
        }
        String id = request.getParameter("id");
        if (id == null || id.isBlank()) {
            throw new Problem(400, "no pair named: the parameter id is missing");
        }
        ControlLoop control = loop;
        if (control == null) {
            throw new Problem(503, "the control loop is not running on this node; the setpoint was not changed");
        }
        if (control.pair(id).isEmpty()) {
            String known = control.pairs().stream().map(PairStatus::id).collect(Collectors.joining(", "));
            throw new Problem(
                    404, "no pair '" + id + "' on this node (pairs: " + (known.isEmpty() ? "none" : known) + ")");
        }
        double[] values = new double[3];
        for (int i = 0; i < 3; i++) {
            values[i] = component(request, AXES[i]);
        }
        Vector3 setpoint = Vector3.of(values);
        control.setpoint(id, setpoint);
        return "Setpoint of " + id + " is now " + Views.vector(setpoint) + ".";
    }

    private static double component(HttpServletRequest request, String axis) {
        String text = request.getParameter(axis);
        if (text == null || text.isBlank()) {
            throw new Problem(400, "setpoint " + axis + " is missing; give a number, e.g. 22.5");
        }
        double value;
        try {
            value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new Problem(400, "setpoint " + axis + " is not a number: '" + text + "'; give a number, e.g. 22.5");
        }
        if (!Double.isFinite(value)) {
            throw new Problem(400, "setpoint " + axis + " must be a finite number, got '" + text + "'");
        }
        return value;
    }

    private static String ids(Monitor m) {
        String ids = m.pairs().stream().map(PairMetrics::id).collect(Collectors.joining(", "));
        return ids.isEmpty() ? "none" : ids;
    }

    private static List<Svg.Series> axes(
            double[] t, List<PairSample> history, java.util.function.Function<PairSample, Vector3> of) {
        double[][] ys = new double[3][history.size()];
        for (int i = 0; i < history.size(); i++) {
            Vector3 v = of.apply(history.get(i));
            ys[0][i] = v.x();
            ys[1][i] = v.y();
            ys[2][i] = v.z();
        }
        return List.of(
                new Svg.Series("x", Svg.AXIS_COLORS[0], t, ys[0]),
                new Svg.Series("y", Svg.AXIS_COLORS[1], t, ys[1]),
                new Svg.Series("z", Svg.AXIS_COLORS[2], t, ys[2]));
    }

    private static double[] series(List<PairSample> history, ToDoubleFunction<PairSample> of) {
        double[] values = new double[history.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = of.applyAsDouble(history.get(i));
        }
        return values;
    }
}
