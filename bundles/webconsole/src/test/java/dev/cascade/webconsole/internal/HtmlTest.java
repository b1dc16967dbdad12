package dev.cascade.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void escapesEveryCharacterThatCouldOpenMarkup() {
        assertEquals(
                "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;", Html.escape("<a href=\"x\" onclick='y'>&"));
        assertEquals("a\uFFFDb", Html.escape("a\u0001b"), "no control characters in XML");
        assertEquals("", Html.escape(null));
    }

    @Test
    void numbersReadWell() {
        assertEquals("42730", Html.number(42730.4));
        assertEquals("12.35", Html.number(12.345));
        assertEquals("100", Html.number(100.0));
        assertEquals("0.5", Html.number(0.5));
        assertEquals("1.000e-04", Html.number(1e-4));
        assertEquals("0", Html.number(0));
        assertEquals("\u2013", Html.number(Double.NaN));
    }

    @Test
    void thinningKeepsTheLatestSampleAndAboutTheGivenCount() {
        java.util.List<Integer> all =
                java.util.stream.IntStream.range(0, 1200).boxed().toList();
        java.util.List<Integer> kept = Views.thin(all, 500);
        assertEquals(400, kept.size());
        assertEquals(1199, kept.get(kept.size() - 1));
        assertEquals(3, kept.get(1) - kept.get(0));
        assertEquals(all.subList(0, 10), Views.thin(all.subList(0, 10), 500));
    }
}
