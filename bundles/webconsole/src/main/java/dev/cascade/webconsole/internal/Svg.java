package dev.cascade.webconsole.internal;

import static dev.cascade.webconsole.internal.Html.coordinate;
import static dev.cascade.webconsole.internal.Html.escape;
import static dev.cascade.webconsole.internal.Html.number;

import dev.cascade.api.tensor.Matrix3;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Plots as inline SVG, rendered on the server so the console needs nothing from the internet: line plots
 * with axes, sparklines, 3x3 heat maps, bar charts and usage meters. Every text that reaches the markup is
 * escaped; every plotted element carries a class ({@code series}, {@code cell}, {@code bar}, {@code meter})
 * so tests and styles can find it.
 */
final class Svg {

    /** Colours of the x, y and z axes, in every plot. */
    static final String[] AXIS_COLORS = {"#1f77b4", "#d62728", "#2ca02c"};

    private static final String FONT = "font-family=\"sans-serif\" font-size=\"11\"";

    private Svg() {}

    /**
     * A line of a plot: {@code x[i], y[i]} pairs; a non-finite {@code y} breaks the line.
     *
     * @param name shown in the legend
     * @param color an SVG colour
     */
    record Series(String name, String color, double[] x, double[] y) {
        Series {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(color, "color");
            if (x.length != y.length) {
                throw new IllegalArgumentException(
                        "series " + name + " has " + x.length + " x values but " + y.length + " y values");
            }
        }
    }

    /**
     * The frame of a line plot.
     *
     * @param yMin the lower end of the y axis, NaN to fit the data
     * @param yMax the upper end of the y axis, NaN to fit the data
     */
    record Frame(String title, String xLabel, String yLabel, int width, int height, double yMin, double yMax) {
        static Frame of(String title, String xLabel, String yLabel) {
            return new Frame(title, xLabel, yLabel, 560, 220, Double.NaN, Double.NaN);
        }

        Frame withRange(double min, double max) {
            return new Frame(title, xLabel, yLabel, width, height, min, max);
        }
    }

    /** One bar: a label under it and its value. */
    record Bar(String label, double value) {}

    /**
     * A horizontal meter: what is used against a limit.
     *
     * @param unit shown after the numbers, e.g. {@code cores}
     */
    record Meter(String label, double used, double limit, String unit) {}

    /** @return a line plot with both axes, ticks, labels and a legend */
    static String linePlot(Frame frame, List<Series> series) {
        int left = 58;
        int right = 12;
        int top = 26;
        int bottom = 38;
        int plotWidth = frame.width() - left - right;
        int plotHeight = frame.height() - top - bottom;

        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        int points = 0;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                    xMin = Math.min(xMin, s.x()[i]);
                    xMax = Math.max(xMax, s.x()[i]);
                    yMin = Math.min(yMin, s.y()[i]);
                    yMax = Math.max(yMax, s.y()[i]);
                    points++;
                }
            }
        }
        StringBuilder svg = open("plot", frame.width(), frame.height(), frame.title());
        text(svg, left, 16, "start", "bold", frame.title());
        if (points == 0) {
            svg.append("<rect x=\"")
                    .append(left)
                    .append("\" y=\"")
                    .append(top)
                    .append("\" width=\"")
                    .append(plotWidth)
                    .append("\" height=\"")
                    .append(plotHeight)
                    .append("\" fill=\"#fafafa\" stroke=\"#ccc\"/>");
            text(svg, left + plotWidth / 2.0, top + plotHeight / 2.0, "middle", "normal", "no data yet");
            return svg.append("</svg>").toString();
        }
        if (Double.isFinite(frame.yMin())) {
            yMin = frame.yMin();
        }
        if (Double.isFinite(frame.yMax())) {
            yMax = frame.yMax();
        }
        double[] ySpan = widen(yMin, yMax);
        double[] xSpan = widen(xMin, xMax);
        Scale x = new Scale(xSpan[0], xSpan[1], left, left + plotWidth);
        Scale y = new Scale(ySpan[0], ySpan[1], top + plotHeight, top);

        svg.append("<rect x=\"")
                .append(left)
                .append("\" y=\"")
                .append(top)
                .append("\" width=\"")
                .append(plotWidth)
                .append("\" height=\"")
                .append(plotHeight)
                .append("\" fill=\"#fff\" stroke=\"#999\"/>");
        for (double tick : ticks(ySpan[0], ySpan[1], 5)) {
            double py = y.map(tick);
            line(svg, left, py, left + plotWidth, py, "#eee");
            line(svg, left - 4, py, left, py, "#999");
            text(svg, left - 6, py + 4, "end", "normal", number(tick));
        }
        for (double tick : ticks(xSpan[0], xSpan[1], 6)) {
            double px = x.map(tick);
            line(svg, px, top, px, top + plotHeight, "#f2f2f2");
            line(svg, px, top + plotHeight, px, top + plotHeight + 4, "#999");
            text(svg, px, top + plotHeight + 15, "middle", "normal", number(tick));
        }
        if (ySpan[0] < 0 && ySpan[1] > 0) {
            line(svg, left, y.map(0), left + plotWidth, y.map(0), "#bbb");
        }
        text(svg, left + plotWidth / 2.0, frame.height() - 6, "middle", "normal", frame.xLabel());
        svg.append("<text transform=\"translate(12,")
                .append(coordinate(top + plotHeight / 2.0))
                .append(") rotate(-90)\" text-anchor=\"middle\" ")
                .append(FONT)
                .append(">")
                .append(escape(frame.yLabel()))
                .append("</text>");

        svg.append("<g class=\"lines\">");
        for (Series s : series) {
            path(svg, s, x, y);
        }
        svg.append("</g>");
        double legendX = left + plotWidth;
        for (int i = series.size() - 1; i >= 0; i--) {
            Series s = series.get(i);
            double width = 16 + 7 * s.name().length();
            legendX -= width;
            line(svg, legendX, 12, legendX + 12, 12, s.color(), 2.5);
            text(svg, legendX + 15, 16, "start", "normal", s.name());
        }
        return svg.append("</svg>").toString();
    }

    /** @return a small line without axes; its title gives the range */
    static String sparkline(double[] values, int width, int height) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double last = Double.NaN;
        for (double v : values) {
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                last = v;
            }
        }
        String title = Double.isFinite(last)
                ? "last " + number(last) + ", min " + number(min) + ", max " + number(max)
                : "no data yet";
        StringBuilder svg = open("sparkline", width, height, title);
        if (Double.isFinite(last)) {
            double[] span = widen(min, max);
            double[] xs = new double[values.length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = i;
            }
            Scale x = new Scale(0, Math.max(1, values.length - 1), 1, width - 1);
            Scale y = new Scale(span[0], span[1], height - 2, 2);
            path(svg, new Series("error", "#1f77b4", xs, values), x, y);
        } else {
            line(svg, 1, height / 2.0, width - 1, height / 2.0, "#ccc");
        }
        return svg.append("</svg>").toString();
    }

    /**
     * @return the nine entries of {@code m} as coloured cells with their values: blue for negative, red for
     *     positive, white for zero, scaled by the largest magnitude
     */
    static String heatMap(String title, Matrix3 m, String rowCaption, String columnCaption) {
        int cell = 64;
        int left = 58;
        int top = 44;
        int width = left + 3 * cell + 12;
        int height = top + 3 * cell + 12;
        double scale = 0;
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                if (Double.isFinite(m.get(r, c))) {
                    scale = Math.max(scale, Math.abs(m.get(r, c)));
                }
            }
        }
        StringBuilder svg = open("heatmap", width, height, title);
        text(svg, 4, 14, "start", "bold", title);
        text(svg, left + 1.5 * cell, 30, "middle", "normal", columnCaption);
        svg.append("<text transform=\"translate(12,")
                .append(coordinate(top + 1.5 * cell))
                .append(") rotate(-90)\" text-anchor=\"middle\" ")
                .append(FONT)
                .append(">")
                .append(escape(rowCaption))
                .append("</text>");
        String[] axes = {"x", "y", "z"};
        for (int i = 0; i < 3; i++) {
            text(svg, left + (i + 0.5) * cell, top - 4, "middle", "normal", axes[i]);
            text(svg, left - 6, top + (i + 0.5) * cell + 4, "end", "normal", axes[i]);
        }
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                double v = m.get(r, c);
                double t = scale == 0 || !Double.isFinite(v) ? 0 : v / scale;
                svg.append("<rect class=\"cell\" x=\"")
                        .append(left + c * cell)
                        .append("\" y=\"")
                        .append(top + r * cell)
                        .append("\" width=\"")
                        .append(cell)
                        .append("\" height=\"")
                        .append(cell)
                        .append("\" fill=\"")
                        .append(Double.isFinite(v) ? diverging(t) : "#888")
                        .append("\" stroke=\"#fff\"><title>")
                        .append(escape("row " + axes[r] + ", column " + axes[c] + ": " + v))
                        .append("</title></rect>");
                svg.append("<text x=\"")
                        .append(coordinate(left + (c + 0.5) * cell))
                        .append("\" y=\"")
                        .append(coordinate(top + (r + 0.5) * cell + 4))
                        .append("\" text-anchor=\"middle\" ")
                        .append(FONT)
                        .append(" fill=\"")
                        .append(Math.abs(t) > 0.6 ? "#fff" : "#222")
                        .append("\">")
                        .append(escape(number(v)))
                        .append("</text>");
            }
        }
        return svg.append("</svg>").toString();
    }

    /** @return vertical bars with their labels under them and a count axis */
    static String barChart(String title, String yLabel, List<Bar> bars, int width, int height) {
        int left = 58;
        int right = 12;
        int top = 26;
        int bottom = 46;
        int plotWidth = width - left - right;
        int plotHeight = height - top - bottom;
        StringBuilder svg = open("bars", width, height, title);
        text(svg, left, 16, "start", "bold", title);
        svg.append("<rect x=\"")
                .append(left)
                .append("\" y=\"")
                .append(top)
                .append("\" width=\"")
                .append(plotWidth)
                .append("\" height=\"")
                .append(plotHeight)
                .append("\" fill=\"#fff\" stroke=\"#999\"/>");
        double max = 0;
        for (Bar bar : bars) {
            if (Double.isFinite(bar.value())) {
                max = Math.max(max, bar.value());
            }
        }
        if (bars.isEmpty() || max <= 0) {
            text(svg, left + plotWidth / 2.0, top + plotHeight / 2.0, "middle", "normal", "no data yet");
            return svg.append("</svg>").toString();
        }
        Scale y = new Scale(0, niceCeiling(max), top + plotHeight, top);
        for (double tick : ticks(0, niceCeiling(max), 4)) {
            double py = y.map(tick);
            line(svg, left, py, left + plotWidth, py, "#eee");
            text(svg, left - 6, py + 4, "end", "normal", number(tick));
        }
        svg.append("<text transform=\"translate(12,")
                .append(coordinate(top + plotHeight / 2.0))
                .append(") rotate(-90)\" text-anchor=\"middle\" ")
                .append(FONT)
                .append(">")
                .append(escape(yLabel))
                .append("</text>");
        double slot = (double) plotWidth / bars.size();
        // label every k-th bar so the labels never overlap (about 44 px per label)
        int every = Math.max(1, (int) Math.ceil(44 / slot));
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            double value = Double.isFinite(bar.value()) ? Math.max(0, bar.value()) : 0;
            double x0 = left + i * slot + Math.min(2, slot * 0.1);
            double barWidth = Math.max(1, slot - 2 * Math.min(2, slot * 0.1));
            double py = y.map(value);
            svg.append("<rect class=\"bar\" data-value=\"")
                    .append(escape(number(value)))
                    .append("\" x=\"")
                    .append(coordinate(x0))
                    .append("\" y=\"")
                    .append(coordinate(py))
                    .append("\" width=\"")
                    .append(coordinate(barWidth))
                    .append("\" height=\"")
                    .append(coordinate(top + plotHeight - py))
                    .append("\" fill=\"#4682b4\"><title>")
                    .append(escape(bar.label() + ": " + number(value)))
                    .append("</title></rect>");
            if (i % every == 0) {
                text(svg, x0 + barWidth / 2, top + plotHeight + 14, "middle", "normal", bar.label());
            }
        }
        return svg.append("</svg>").toString();
    }

    /**
     * @return one horizontal meter per entry: the used part filled (green within the limit, red beyond it),
     *     the limit as a dark mark, the numbers beside it
     */
    static String meters(String title, List<Meter> meters, int width) {
        int rowHeight = 22;
        int labelWidth = 110;
        int numbersWidth = 170;
        int top = title.isEmpty() ? 4 : 22;
        int height = top + rowHeight * meters.size() + 4;
        int track = width - labelWidth - numbersWidth - 8;
        StringBuilder svg = open("meters", width, height, title);
        if (!title.isEmpty()) {
            text(svg, 4, 14, "start", "bold", title);
        }
        for (int i = 0; i < meters.size(); i++) {
            Meter meter = meters.get(i);
            double y0 = top + i * rowHeight;
            double used = Double.isFinite(meter.used()) ? Math.max(0, meter.used()) : 0;
            double limit = Double.isFinite(meter.limit()) ? Math.max(0, meter.limit()) : 0;
            double full = Math.max(Math.max(used, limit), 1e-12);
            double usedWidth = track * used / full;
            double limitX = labelWidth + track * limit / full;
            text(svg, labelWidth - 6, y0 + 15, "end", "normal", meter.label());
            svg.append("<rect x=\"")
                    .append(labelWidth)
                    .append("\" y=\"")
                    .append(coordinate(y0 + 4))
                    .append("\" width=\"")
                    .append(track)
                    .append("\" height=\"14\" fill=\"#eee\"/>");
            svg.append("<rect class=\"meter\" data-used=\"")
                    .append(escape(number(used)))
                    .append("\" data-limit=\"")
                    .append(escape(number(limit)))
                    .append("\" x=\"")
                    .append(labelWidth)
                    .append("\" y=\"")
                    .append(coordinate(y0 + 4))
                    .append("\" width=\"")
                    .append(coordinate(usedWidth))
                    .append("\" height=\"14\" fill=\"")
                    .append(used > limit ? "#d62728" : "#2ca02c")
                    .append("\"/>");
            line(svg, limitX, y0 + 1, limitX, y0 + 21, "#333", 2);
            text(
                    svg,
                    labelWidth + track + 8,
                    y0 + 15,
                    "start",
                    "normal",
                    number(used) + " / " + number(limit) + " " + meter.unit());
        }
        return svg.append("</svg>").toString();
    }

    /** Linear map from data to pixels. */
    private record Scale(double from, double to, double pixelFrom, double pixelTo) {
        double map(double v) {
            return pixelFrom + (v - from) / (to - from) * (pixelTo - pixelFrom);
        }
    }

    private static StringBuilder open(String kind, int width, int height, String title) {
        StringBuilder svg = new StringBuilder(4096);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"cascade-plot ")
                .append(kind)
                .append("\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\" role=\"img\" aria-label=\"")
                .append(escape(title))
                .append("\"><title>")
                .append(escape(title))
                .append("</title>");
        return svg;
    }

    private static void path(StringBuilder svg, Series s, Scale x, Scale y) {
        StringBuilder d = new StringBuilder(s.x().length * 16);
        boolean pen = false;
        int points = 0;
        for (int i = 0; i < s.x().length; i++) {
            double xi = s.x()[i];
            double yi = s.y()[i];
            if (!Double.isFinite(xi) || !Double.isFinite(yi)) {
                pen = false;
                continue;
            }
            d.append(pen ? 'L' : 'M').append(coordinate(x.map(xi))).append(',').append(coordinate(y.map(yi)));
            pen = true;
            points++;
        }
        if (points == 0) {
            return;
        }
        svg.append("<path class=\"series\" data-series=\"")
                .append(escape(s.name()))
                .append("\" data-points=\"")
                .append(points)
                .append("\" fill=\"none\" stroke=\"")
                .append(escape(s.color()))
                .append("\" stroke-width=\"1.5\" stroke-linejoin=\"round\" d=\"")
                .append(d)
                .append("\"/>");
    }

    private static void line(StringBuilder svg, double x1, double y1, double x2, double y2, String color) {
        line(svg, x1, y1, x2, y2, color, 1);
    }

    private static void line(
            StringBuilder svg, double x1, double y1, double x2, double y2, String color, double strokeWidth) {
        svg.append("<line x1=\"")
                .append(coordinate(x1))
                .append("\" y1=\"")
                .append(coordinate(y1))
                .append("\" x2=\"")
                .append(coordinate(x2))
                .append("\" y2=\"")
                .append(coordinate(y2))
                .append("\" stroke=\"")
                .append(escape(color))
                .append("\" stroke-width=\"")
                .append(coordinate(strokeWidth))
                .append("\"/>");
    }

    private static void text(StringBuilder svg, double x, double y, String anchor, String weight, String text) {
        svg.append("<text x=\"")
                .append(coordinate(x))
                .append("\" y=\"")
                .append(coordinate(y))
                .append("\" text-anchor=\"")
                .append(anchor)
                .append("\" font-weight=\"")
                .append(weight)
                .append("\" ")
                .append(FONT)
                .append(" fill=\"#222\">")
                .append(escape(text))
                .append("</text>");
    }

    /** @return white at 0, towards red for positive and blue for negative {@code t} in [-1, 1] */
    static String diverging(double t) {
        double a = Math.min(1, Math.abs(t));
        int[] end = t >= 0 ? new int[] {178, 24, 43} : new int[] {33, 102, 172};
        int r = (int) Math.round(255 + (end[0] - 255) * a);
        int g = (int) Math.round(255 + (end[1] - 255) * a);
        int b = (int) Math.round(255 + (end[2] - 255) * a);
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    /** @return a span that is never empty: a single value gets room around it */
    static double[] widen(double min, double max) {
        if (max > min) {
            return new double[] {min, max};
        }
        double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
        return new double[] {min - pad, max + pad};
    }

    /** @return tick positions at a round step (1, 2 or 5 times a power of ten) inside {@code [min, max]} */
    static List<Double> ticks(double min, double max, int about) {
        double step = niceStep((max - min) / Math.max(1, about));
        // a tick is k * mantissa * 10^exponent, computed so that 3 * 0.2 is 0.6 and not 0.6000000000000001
        int exponent = (int) Math.floor(Math.log10(step) + 1e-9);
        double mantissa = Math.round(step / Math.pow(10, exponent));
        List<Double> ticks = new ArrayList<>();
        long first = (long) Math.ceil(min / step - 1e-9);
        for (long k = first; k < first + 100; k++) {
            double tick =
                    exponent >= 0 ? k * mantissa * Math.pow(10, exponent) : k * mantissa / Math.pow(10, -exponent);
            if (tick > max + step * 1e-9) {
                break;
            }
            ticks.add(tick);
        }
        return ticks;
    }

    private static double niceStep(double raw) {
        if (!(raw > 0) || !Double.isFinite(raw)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / power;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }

    private static double niceCeiling(double max) {
        double step = niceStep(max / 4);
        return Math.ceil(max / step) * step;
    }
}
