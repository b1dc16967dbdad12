package dev.cascade.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.tensor.Matrix3;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgTest {

    /** Parses as XML: every plot must be well-formed, whatever text it carries. */
    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> byClass(Document document, String tag, String cssClass) {
        NodeList nodes = document.getElementsByTagNameNS("http://www.w3.org/2000/svg", tag);
        List<Element> found = new java.util.ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if ((" " + e.getAttribute("class") + " ").contains(" " + cssClass + " ")) {
                found.add(e);
            }
        }
        return found;
    }

    @Test
    void linePlotDrawsEverySeriesWithAxesAndEscapesItsTexts() throws Exception {
        double[] t = {-3, -2, -1, 0};
        String svg = Svg.linePlot(
                Svg.Frame.of("Error <&> \"quoted\"", "seconds", "e'rror"),
                List.of(
                        new Svg.Series("x</text><script>alert(1)</script>", "#1f77b4", t, new double[] {4, 3, 2, 1}),
                        new Svg.Series("y", "#d62728", t, new double[] {-1, -0.5, 0, 0.5})));
        Document document = parse(svg);
        List<Element> lines = byClass(document, "path", "series");
        assertEquals(2, lines.size());
        assertEquals("4", lines.get(0).getAttribute("data-points"));
        assertEquals("x</text><script>alert(1)</script>", lines.get(0).getAttribute("data-series"));
        assertEquals(0, document.getElementsByTagName("script").getLength(), "no markup injected");
        assertTrue(document.getDocumentElement().getTextContent().contains("Error <&> \"quoted\""));
        // tick labels on both axes: -3 .. 0 seconds and -1 .. 4 for the values
        String text = document.getDocumentElement().getTextContent();
        assertTrue(text.contains("-3") && text.contains("seconds") && text.contains("e'rror"), text);
    }

    @Test
    void aNonFiniteValueBreaksTheLine() throws Exception {
        double[] t = {0, 1, 2, 3, 4};
        String svg = Svg.linePlot(
                Svg.Frame.of("gap", "t", "v"),
                List.of(new Svg.Series("v", "#000", t, new double[] {1, 2, Double.NaN, 3, 4})));
        Element path = byClass(parse(svg), "path", "series").get(0);
        assertEquals("4", path.getAttribute("data-points"));
        assertEquals(2, path.getAttribute("d").chars().filter(c -> c == 'M').count(), path.getAttribute("d"));
        assertFalse(path.getAttribute("d").contains("NaN"));
    }

    @Test
    void noDataSaysSoInsteadOfAnEmptyFrame() throws Exception {
        Document document = parse(Svg.linePlot(Svg.Frame.of("empty", "t", "v"), List.of()));
        assertTrue(document.getDocumentElement().getTextContent().contains("no data yet"));
        assertTrue(byClass(document, "path", "series").isEmpty());
        assertTrue(parse(Svg.sparkline(new double[0], 100, 20))
                .getDocumentElement()
                .getTextContent()
                .contains("no data yet"));
    }

    @Test
    void aConstantSeriesStillGetsAnAxisRange() throws Exception {
        double[] t = {0, 1, 2};
        Element path = byClass(
                        parse(Svg.linePlot(
                                Svg.Frame.of("flat", "t", "v"),
                                List.of(new Svg.Series("v", "#000", t, new double[] {5, 5, 5})))),
                        "path",
                        "series")
                .get(0);
        assertFalse(
                path.getAttribute("d").contains("NaN") || path.getAttribute("d").contains("Infinity"));
    }

    @Test
    void sparklineSpansItsBoxAndNamesTheRange() throws Exception {
        Document document = parse(Svg.sparkline(new double[] {3, 1, 2}, 100, 20));
        Element path = byClass(document, "path", "series").get(0);
        assertEquals("3", path.getAttribute("data-points"));
        assertEquals("M1.00,2.00L50.00,18.00L99.00,10.00", path.getAttribute("d"));
        assertTrue(document.getDocumentElement().getTextContent().contains("last 2, min 1, max 3"));
    }

    @Test
    void heatMapShowsNineValuesColouredBySign() throws Exception {
        Document document = parse(Svg.heatMap("T", new Matrix3(2, 0, -2, 1, 0, 0, 0, 0, 0.5), "rows", "columns"));
        List<Element> cells = byClass(document, "rect", "cell");
        assertEquals(9, cells.size());
        assertEquals("#b2182b", cells.get(0).getAttribute("fill"), "largest positive: full red");
        assertEquals("#ffffff", cells.get(1).getAttribute("fill"), "zero: white");
        assertEquals("#2166ac", cells.get(2).getAttribute("fill"), "largest negative: full blue");
        String text = document.getDocumentElement().getTextContent();
        assertTrue(text.contains("-2") && text.contains("0.5"), text);
    }

    @Test
    void barChartScalesBarsToTheLargest() throws Exception {
        Document document = parse(Svg.barChart(
                "latency",
                "count",
                List.of(new Svg.Bar("\u22645", 10), new Svg.Bar("\u226410", 40), new Svg.Bar("\u226420", 0)),
                400,
                200));
        List<Element> bars = byClass(document, "rect", "bar");
        assertEquals(3, bars.size());
        double h0 = Double.parseDouble(bars.get(0).getAttribute("height"));
        double h1 = Double.parseDouble(bars.get(1).getAttribute("height"));
        assertEquals(4.0, h1 / h0, 0.01);
        assertEquals(0.0, Double.parseDouble(bars.get(2).getAttribute("height")), 1e-9);
    }

    @Test
    void meterTurnsRedBeyondItsLimit() throws Exception {
        List<Element> meters = byClass(
                parse(Svg.meters(
                        "use",
                        List.of(new Svg.Meter("cpu", 0.02, 0.05, "cores"), new Svg.Meter("cpu", 0.1, 0.05, "cores")),
                        400)),
                "rect",
                "meter");
        assertEquals("#2ca02c", meters.get(0).getAttribute("fill"));
        assertEquals("#d62728", meters.get(1).getAttribute("fill"));
    }

    @Test
    void ticksFallOnRoundNumbers() {
        assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), Svg.ticks(0, 1, 5));
        assertEquals(List.of(-150.0, -100.0, -50.0, 0.0), Svg.ticks(-180, 0, 6));
    }
}
