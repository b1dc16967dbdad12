package dev.cascade.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.monitoring.Monitor;
import dev.cascade.api.tensor.Vector3;
import dev.cascade.api.tools.ToolState;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import javax.inject.Inject;
import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * A real headless Chromium logs into the Web Console of the distribution with the demo running, opens every
 * Cascade page, waits until the page's own script has refreshed its content at least once, checks that the
 * demo's pair {@code hall1} and a plot with data are in the DOM, and saves a screenshot of each page under
 * {@code itests/target/screenshots/}. Then it changes the setpoint through the pair page's form, and gives it
 * a bad value.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WebConsoleIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @Inject
    private ControlLoop loop;

    @Inject
    private Monitor monitor;

    @Configuration
    public Option[] config() throws IOException {
        return Distribution.options(systemProperty("cascade.itest.target")
                .value(new File("target").getAbsoluteFile().toString()));
    }

    /**
     * Page label -> a script that answers "ok" when the page shows what it must, else what is missing.
     * Every check needs the script's refresh to have run once ({@code data-refreshed}), so the page works with
     * JavaScript, not only as served.
     */
    private static final String[][] PAGES = {
        {"cascade", "overview", plotted("svg.sparkline path.series", "data-points", 2)},
        {"cascade-pair?id=hall1", "pair", plotted("svg.plot path.series", "data-points", 20)},
        {"cascade-tools", "tools", plotted("svg.meters rect.meter", "data-limit", 0)},
        {"cascade-network", "network", plotted("svg.bars rect.bar", "data-value", 0)},
    };

    private static String plotted(String selector, String attribute, int atLeast) {
        return "(function () {"
                + " var page = document.getElementById('cascade-page');"
                + " if (!page) { return 'no Cascade page: ' + document.title; }"
                + " if (Number(page.getAttribute('data-refreshed')) < 1) { return 'the script has not refreshed yet'; }"
                + " var content = document.getElementById('cascade-content');"
                + " if (content.innerText.indexOf('hall1') < 0) { return 'hall1 not shown: ' + content.innerText.slice(0, 300); }"
                + " var drawn = Array.prototype.filter.call(content.querySelectorAll('" + selector + "'),"
                + "   function (e) { return Number(e.getAttribute('" + attribute + "')) > " + atLeast + "; });"
                + " if (drawn.length === 0) { return 'no plotted data (" + selector + ")'; }"
                + " return 'ok'; })()";
    }

    @Test
    public void everyCascadePageRendersItsPlotsInARealBrowser() throws Exception {
        Assume.assumeTrue(
                Chromium.BINARY + " is installed (scripts/test-tools)", new File(Chromium.BINARY).canExecute());
        String console = "http://127.0.0.1:" + System.getProperty("cascade.itest.httpPort") + "/system/console/";
        Path target = Path.of(System.getProperty("cascade.itest.target"));
        Path screenshots = target.resolve("screenshots");
        // the demo's pair runs and has some history to plot
        Conditions.await(
                "the demo pair hall1 has history",
                DEADLINE,
                () -> monitor.history("hall1").size(),
                n -> n > 40);

        try (Chromium browser = Chromium.start(target.resolve("chromium.log"), DEADLINE)) {
            browser.authorize("admin", System.getProperty("cascade.itest.password"));
            for (String[] page : PAGES) {
                browser.navigate(console + page[0]);
                String seen = Conditions.await(
                        "the " + page[1] + " page shows hall1 and a plot with data after a refresh",
                        DEADLINE,
                        () -> browser.evaluate(page[2]),
                        "ok"::equals);
                assertEquals("ok", seen);
                Path png = screenshots.resolve(page[1] + ".png");
                browser.screenshot(png);
                assertTrue(png + " is a PNG", isPng(png));
            }

            // the console's frame: its menu has the Cascade category with the four pages
            browser.navigate(console + "cascade");
            String menu = Conditions.await(
                    "the console menu lists the Cascade pages",
                    DEADLINE,
                    () -> browser.evaluate("Array.prototype.map.call(document.querySelectorAll('#navmenu a'),"
                            + " function (a) { return a.textContent.trim(); }).join('|')"),
                    m -> m.contains("Cascade"));
            for (String title : new String[] {"Overview", "Pair", "Tools", "Network"}) {
                assertTrue(menu, menu.contains(title));
            }

            // a setpoint through the pair page's form, as an operator types it
            Vector3 before = loop.pair("hall1").orElseThrow().setpoint();
            browser.navigate(console + "cascade-pair?id=hall1");
            Conditions.await("the pair page is loaded", DEADLINE, () -> browser.evaluate(PAGES[1][2]), "ok"::equals);
            Vector3 wanted = new Vector3(before.x() + 0.5, before.y(), before.z());
            String said = submitSetpoint(
                    browser, Double.toString(wanted.x()), Double.toString(wanted.y()), Double.toString(wanted.z()));
            assertTrue(said, said.startsWith("Setpoint of hall1 is now"));
            assertEquals(wanted, loop.pair("hall1").orElseThrow().setpoint());

            // a bad value: a clear message on the page, the setpoint untouched
            String refused = submitSetpoint(browser, "23", "abc", "1");
            assertEquals("setpoint y is not a number: 'abc'; give a number, e.g. 22.5", refused);
            assertEquals(wanted, loop.pair("hall1").orElseThrow().setpoint());
            String cssClass = browser.evaluate("document.getElementById('cascade-message').className");
            assertTrue(cssClass, cssClass.contains("error"));

            loop.setpoint("hall1", before);

            // quarantine and release a tool with the tools page's buttons
            String tool = "dev.cascade.tensor.internal.RlsEstimator";
            browser.navigate(console + "cascade-tools");
            Conditions.await("the tools page is loaded", DEADLINE, () -> browser.evaluate(PAGES[2][2]), "ok"::equals);
            String quarantined = click(browser, tool, "quarantine");
            assertTrue(quarantined, quarantined.startsWith(tool + ": quarantine done; now QUARANTINED"));
            assertTrue(quarantined, quarantined.contains("from the Web Console"));
            assertEquals(ToolState.QUARANTINED, state(tool));
            Conditions.await(
                    "the refreshed tools page offers release",
                    DEADLINE,
                    () -> browser.evaluate(button(tool, "release") + ".disabled ? 'disabled' : 'enabled'"),
                    "enabled"::equals);
            assertTrue(click(browser, tool, "release").startsWith(tool + ": release done; now ACTIVE"));
            assertEquals(ToolState.ACTIVE, state(tool));
        }
    }

    private static String button(String tool, String action) {
        return "document.querySelector('tr[data-tool=\"" + tool + "\"] button[value=\"" + action + "\"]')";
    }

    /** @return the message the tools page shows after the button was clicked */
    private static String click(Chromium browser, String tool, String action) throws Exception {
        browser.evaluate("(function () { document.getElementById('cascade-message').textContent = '';"
                + button(tool, action) + ".click(); return 'clicked'; })()");
        return Conditions.await(
                "the page reports the " + action + " of " + tool,
                DEADLINE,
                () -> browser.evaluate("document.getElementById('cascade-message').textContent"),
                m -> !m.isEmpty() && !m.startsWith("Sending"));
    }

    private ToolState state(String tool) {
        return monitor.tools().stream()
                .filter(t -> t.name().equals(tool))
                .findFirst()
                .orElseThrow()
                .state();
    }

    /** @return the message the page shows after its form was submitted with these values */
    private static String submitSetpoint(Chromium browser, String x, String y, String z) throws Exception {
        browser.evaluate("(function () { var f = document.querySelector('form.setpoint');"
                + " f.x.value = " + Chromium.quote(x) + "; f.y.value = " + Chromium.quote(y) + ";"
                + " f.z.value = " + Chromium.quote(z) + ";"
                + " document.getElementById('cascade-message').textContent = '';"
                + " f.requestSubmit(); return 'sent'; })()");
        return Conditions.await(
                "the page reports the action's result",
                DEADLINE,
                () -> browser.evaluate("document.getElementById('cascade-message').textContent"),
                m -> !m.isEmpty() && !m.startsWith("Sending"));
    }

    @Test
    public void actionsNeedCredentialsAndTheConsolesHeader() throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI pair = URI.create(
                "http://127.0.0.1:" + System.getProperty("cascade.itest.httpPort") + "/system/console/cascade-pair");
        String auth = "Basic "
                + Base64.getEncoder()
                        .encodeToString(("admin:" + System.getProperty("cascade.itest.password"))
                                .getBytes(StandardCharsets.UTF_8));
        Conditions.await(
                "the pair page answers",
                DEADLINE,
                () -> http.send(
                                HttpRequest.newBuilder(pair)
                                        .header("Authorization", auth)
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode(),
                code -> code == 200);
        Vector3 before = loop.pair("hall1").orElseThrow().setpoint();
        String form = "action=setpoint&id=hall1&x=1&y=2&z=3";

        HttpResponse<String> anonymous = post(http, pair, form, null, true);
        assertEquals(401, anonymous.statusCode());
        HttpResponse<String> crossSite = post(http, pair, form, auth, false);
        assertEquals(403, crossSite.statusCode());
        assertTrue(crossSite.body(), crossSite.body().contains("X-Cascade-Console"));
        HttpResponse<String> unknown = post(http, pair, "action=setpoint&id=nope&x=1&y=2&z=3", auth, true);
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body(), unknown.body().startsWith("no pair 'nope' on this node (pairs: hall1"));
        assertFalse("no stack trace", unknown.body().contains("Exception"));
        assertEquals(before, loop.pair("hall1").orElseThrow().setpoint());
    }

    private static HttpResponse<String> post(HttpClient http, URI uri, String form, String auth, boolean header)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (auth != null) {
            request.header("Authorization", auth);
        }
        if (header) {
            request.header("X-Cascade-Console", "1");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean isPng(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G';
    }
}
