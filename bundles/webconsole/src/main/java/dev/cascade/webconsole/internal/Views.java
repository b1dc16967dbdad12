package dev.cascade.webconsole.internal;

import static dev.cascade.webconsole.internal.Html.escape;
import static dev.cascade.webconsole.internal.Html.number;

import dev.cascade.api.monitoring.Histogram;
import dev.cascade.api.tensor.Vector3;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Bits of markup the pages share. */
final class Views {

    private Views() {}

    static final String NO_MONITOR =
            "<p class=\"cascade-absent\"><strong>Monitoring is not running on this node.</strong>"
                    + " The Cascade pages read the node through the Monitor service (bundle dev.cascade.monitoring);"
                    + " install or start it (feature cascade-monitoring) and this page fills in by itself.</p>";

    /**
     * @return one line on top of every page: the node, its transport and every pair with its state, each
     *     linked to its page, so an operator sees on any page whether every loop runs
     */
    static String strip(dev.cascade.api.monitoring.Monitor monitor, String appRoot) {
        StringBuilder out = new StringBuilder("<p class=\"strip\">Node <strong>")
                .append(escape(monitor.node()))
                .append("</strong> \u00b7 transport ")
                .append(monitor.network()
                        .map(n -> escape(n.transport()) + " " + state(n.state()))
                        .orElse("none"))
                .append(" \u00b7 pairs:");
        List<dev.cascade.api.monitoring.PairMetrics> pairs = monitor.pairs();
        if (pairs.isEmpty()) {
            out.append(" none");
        }
        for (dev.cascade.api.monitoring.PairMetrics pair : pairs) {
            out.append(' ')
                    .append(pairLink(appRoot, pair.id()))
                    .append(' ')
                    .append(state(pair.status().state()));
        }
        return out.append("</p>").toString();
    }

    /**
     * @return at most about {@code max} elements of {@code list}, evenly strided, always with the last one: a
     *     plot a few hundred pixels wide gains nothing from five minutes of samples at 4 Hz, and the page
     *     refreshes every two seconds
     */
    static <T> List<T> thin(List<T> list, int max) {
        if (list.size() <= max) {
            return list;
        }
        int stride = (list.size() + max - 1) / max;
        List<T> kept = new ArrayList<>(max + 1);
        int last = list.size() - 1;
        for (int i = last % stride; i <= last; i += stride) {
            kept.add(list.get(i));
        }
        return kept;
    }

    /** @return a state name styled by its class, e.g. {@code RUNNING} green */
    static String state(Enum<?> state) {
        return "<span class=\"state-" + state.name() + "\">" + state.name() + "</span>";
    }

    /** @return a row of labelled facts */
    static String facts(String... labelsAndValues) {
        StringBuilder out = new StringBuilder("<div class=\"facts\">");
        for (int i = 0; i + 1 < labelsAndValues.length; i += 2) {
            out.append("<div><b>")
                    .append(escape(labelsAndValues[i]))
                    .append("</b>")
                    .append(labelsAndValues[i + 1])
                    .append("</div>");
        }
        return out.append("</div>").toString();
    }

    /** @return the link to a pair's page */
    static String pairLink(String appRoot, String id) {
        return "<a class=\"pair-link\" href=\"" + escape(pairUrl(appRoot, id)) + "\">" + escape(id) + "</a>";
    }

    static String pairUrl(String appRoot, String id) {
        return appRoot + "/" + PairPage.LABEL + "?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    /** @return {@code (x, y, z)} */
    static String vector(Vector3 v) {
        return "(" + number(v.x()) + ", " + number(v.y()) + ", " + number(v.z()) + ")";
    }

    static double norm(Vector3 v) {
        return Math.sqrt(v.x() * v.x() + v.y() * v.y() + v.z() * v.z());
    }

    /** @return a numeric table cell */
    static String num(double value) {
        return "<td class=\"num\">" + escape(number(value)) + "</td>";
    }

    static String num(long value) {
        return "<td class=\"num\">" + value + "</td>";
    }

    static String cell(String html) {
        return "<td>" + html + "</td>";
    }

    /** @return the histogram's buckets as bars, its summary underneath */
    static String histogram(String title, Histogram histogram) {
        List<Svg.Bar> bars = new ArrayList<>();
        for (Histogram.Bucket bucket : histogram.buckets()) {
            bars.add(new Svg.Bar("\u2264" + number(bucket.upTo()), bucket.count()));
        }
        String unit = histogram.unit();
        return "<div>" + Svg.barChart(title + " (" + unit + ")", "count", bars, 560, 220)
                + "<table class=\"cascade-table\"><tr><th>count</th><th>mean</th><th>p50</th><th>p90</th>"
                + "<th>p99</th><th>p99.9</th><th>max</th></tr><tr>" + num(histogram.count()) + num(histogram.mean())
                + num(histogram.p50()) + num(histogram.p90()) + num(histogram.p99()) + num(histogram.p999())
                + num(histogram.max()) + "</tr></table></div>";
    }
}
