package dev.cascade.webconsole.internal;

import static dev.cascade.webconsole.internal.Fakes.serve;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.tensor.Vector3;
import dev.cascade.api.tools.ToolState;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PagesTest {

    private static final Map<String, String> SCRIPT = Map.of(ConsolePage.ACTION_HEADER, "1", "Host", "127.0.0.1:8181");

    @Test
    void overviewListsEveryPairWithItsSparklineAndALinkToItsPage() throws Exception {
        OverviewPage page = new OverviewPage();
        page.monitor = new Fakes.FakeMonitor()
                .with("hall1", new Vector3(22, 40, 0), 200)
                .with("b<2>", Vector3.ZERO, 0);
        Fakes.Response response = serve(page, "GET", "/cascade", Map.of(), Map.of());
        String body = response.body();
        assertEquals(200, response.status);
        assertTrue(body.contains("href=\"/system/console/cascade-pair?id=hall1\""), body);
        assertTrue(body.contains("class=\"cascade-plot sparkline\""), body);
        assertTrue(body.contains("data-points=\"100\""), "the sparkline plots the history, thinned to its width");
        assertTrue(body.contains("b&lt;2&gt;") && !body.contains("b<2>"), "ids are escaped");
        assertTrue(body.contains("node-&lt;1&gt;"), "the node id, escaped");
        assertTrue(body.contains("inproc") && body.contains("state-CONNECTED"), "the transport");
        assertTrue(body.contains("data-fragment=\"/system/console/cascade/content.frag\""), "refreshes itself");
        assertTrue(body.contains("src=\"/system/console/cascade/static/cascade.js\""), "its script, from the bundle");
        String links = body.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assertFalse(links.contains("http://") || links.contains("https://"), "nothing from the internet");
    }

    @Test
    void theFragmentIsTheContentAlone() throws Exception {
        OverviewPage page = new OverviewPage();
        page.monitor = new Fakes.FakeMonitor().with("hall1", Vector3.ZERO, 10);
        String fragment =
                serve(page, "GET", "/cascade/content.frag", Map.of(), Map.of()).body();
        assertTrue(fragment.contains("hall1"));
        assertFalse(fragment.contains("cascade-page"), "no page frame around the fragment");
        assertFalse(fragment.contains("<script"));
    }

    @Test
    void withoutMonitorEveryPageSaysSo() throws Exception {
        for (ConsolePage page :
                new ConsolePage[] {new OverviewPage(), new PairPage(), new ToolsPage(), new NetworkPage()}) {
            String body = serve(page, "GET", "/x", Map.of(), Map.of()).body();
            assertTrue(body.contains("Monitoring is not running on this node"), page + ": " + body);
        }
    }

    @Test
    void pairPagePlotsErrorAdjustmentConfidenceAndShowsTensorAndGain() throws Exception {
        PairPage page = new PairPage();
        page.monitor = new Fakes.FakeMonitor().with("hall1", new Vector3(22, 40, 1.5), 120);
        String body = serve(page, "GET", "/cascade-pair", Map.of("id", "hall1"), Map.of())
                .body();
        assertTrue(body.contains("Error (setpoint"), body);
        assertTrue(body.contains("Adjustment applied"), body);
        assertTrue(body.contains("Confidence"), body);
        assertEquals(
                3 + 3 + 1 + 1, count(body, "class=\"series\""), "x, y, z of error and adjustment, confidence, RMS");
        assertEquals(18, count(body, "class=\"cell\""), "T and G, nine cells each");
        assertTrue(body.contains("name=\"x\" value=\"22.0\"") && body.contains("name=\"z\" value=\"1.5\""), body);
        assertTrue(body.contains("data-fragment=\"/system/console/cascade-pair/content.frag?id=hall1\""), body);
    }

    @Test
    void pairPageNamesAnUnknownPair() throws Exception {
        PairPage page = new PairPage();
        page.monitor = new Fakes.FakeMonitor().with("hall1", Vector3.ZERO, 5);
        String body = serve(page, "GET", "/cascade-pair", Map.of("id", "nope<x>"), Map.of())
                .body();
        assertTrue(
                body.contains("No pair <strong>nope&lt;x&gt;</strong> on this node. Configured pairs: hall1."), body);
    }

    @Test
    void setpointIsChangedThroughTheControlLoop() throws Exception {
        PairPage page = new PairPage();
        Fakes.FakeLoop loop = new Fakes.FakeLoop("hall1", "other");
        page.loop = loop;
        Fakes.Response response = serve(
                page,
                "POST",
                "/cascade-pair",
                Map.of("action", "setpoint", "id", "hall1", "x", "21.5", "y", " 40 ", "z", "-1e-1"),
                SCRIPT);
        assertEquals(200, response.status, response.body());
        assertEquals(new Vector3(21.5, 40, -0.1), loop.setpoints.get("hall1"));
        assertEquals(Vector3.ZERO, loop.setpoints.get("other"), "other pairs untouched");
        assertEquals("Setpoint of hall1 is now (21.5, 40, -0.1).", response.body());
    }

    @Test
    void badSetpointsAreRefusedWithWhatWasWrong() throws Exception {
        PairPage page = new PairPage();
        Fakes.FakeLoop loop = new Fakes.FakeLoop("hall1");
        page.loop = loop;
        Fakes.Response word = serve(
                page,
                "POST",
                "/cascade-pair",
                Map.of("action", "setpoint", "id", "hall1", "x", "1", "y", "abc", "z", "2"),
                SCRIPT);
        assertEquals(400, word.status);
        assertEquals("setpoint y is not a number: 'abc'; give a number, e.g. 22.5", word.body());

        Fakes.Response nan = serve(
                page,
                "POST",
                "/cascade-pair",
                Map.of("action", "setpoint", "id", "hall1", "x", "NaN", "y", "1", "z", "2"),
                SCRIPT);
        assertEquals(400, nan.status);
        assertEquals("setpoint x must be a finite number, got 'NaN'", nan.body());

        Fakes.Response missing = serve(
                page, "POST", "/cascade-pair", Map.of("action", "setpoint", "id", "hall1", "x", "1", "y", "1"), SCRIPT);
        assertEquals(400, missing.status);
        assertTrue(missing.body().startsWith("setpoint z is missing"), missing.body());

        Fakes.Response unknown = serve(
                page,
                "POST",
                "/cascade-pair",
                Map.of("action", "setpoint", "id", "hall9", "x", "1", "y", "1", "z", "1"),
                SCRIPT);
        assertEquals(404, unknown.status);
        assertEquals("no pair 'hall9' on this node (pairs: hall1)", unknown.body());
        assertEquals(Vector3.ZERO, loop.setpoints.get("hall1"), "nothing changed by bad input");
    }

    @Test
    void setpointWithoutControlLoopSaysSo() throws Exception {
        Fakes.Response response = serve(
                new PairPage(),
                "POST",
                "/cascade-pair",
                Map.of("action", "setpoint", "id", "hall1", "x", "1", "y", "1", "z", "1"),
                SCRIPT);
        assertEquals(503, response.status);
        assertTrue(response.body().contains("control loop is not running"), response.body());
    }

    @Test
    void postsWithoutTheScriptsHeaderOrFromAnotherOriginAreRefused() throws Exception {
        PairPage page = new PairPage();
        Fakes.FakeLoop loop = new Fakes.FakeLoop("hall1");
        page.loop = loop;
        Map<String, String> form = Map.of("action", "setpoint", "id", "hall1", "x", "1", "y", "2", "z", "3");

        Fakes.Response plainForm = serve(page, "POST", "/cascade-pair", form, Map.of("Host", "127.0.0.1:8181"));
        assertEquals(403, plainForm.status);
        assertTrue(plainForm.body().contains("lacks the X-Cascade-Console header"), plainForm.body());

        Fakes.Response otherOrigin = serve(
                page,
                "POST",
                "/cascade-pair",
                form,
                Map.of(ConsolePage.ACTION_HEADER, "1", "Host", "127.0.0.1:8181", "Origin", "http://evil.example"));
        assertEquals(403, otherOrigin.status);
        assertTrue(otherOrigin.body().contains("Origin http://evil.example is not this console's host"));
        assertEquals(Vector3.ZERO, loop.setpoints.get("hall1"), "nothing changed");

        Fakes.Response sameOrigin = serve(
                page,
                "POST",
                "/cascade-pair",
                form,
                Map.of(ConsolePage.ACTION_HEADER, "1", "Host", "127.0.0.1:8181", "Origin", "http://127.0.0.1:8181"));
        assertEquals(200, sameOrigin.status, sameOrigin.body());
    }

    @Test
    void toolsPageShowsContractAgainstUseAndActsOnTools() throws Exception {
        ToolsPage page = new ToolsPage();
        Fakes.FakeMonitor monitor = new Fakes.FakeMonitor();
        monitor.tools.add(Fakes.tool("deadband", ToolState.ACTIVE, 0.01, 0.05));
        monitor.tools.add(Fakes.tool("hog", ToolState.QUARANTINED, 0.2, 0.05));
        page.monitor = monitor;
        String body = serve(page, "GET", "/cascade-tools", Map.of(), Map.of()).body();
        assertTrue(body.contains("data-tool=\"deadband\"") && body.contains("state-QUARANTINED"), body);
        assertTrue(body.contains("threw 5 times"), "the reason");
        assertTrue(body.contains("data-used=\"0.2\" data-limit=\"0.05\""), "use against contract");
        assertTrue(body.contains("value=\"release\">"), body);
        assertTrue(body.contains("slow-hook"), "hooks listed");
        assertTrue(body.contains("class=\"strip\"") && body.contains("Node <strong>node-&lt;1&gt;</strong>"), body);

        Fakes.FakeTools tools = new Fakes.FakeTools();
        tools.states.put("deadband", ToolState.ACTIVE);
        page.manager = tools;
        Fakes.Response done =
                serve(page, "POST", "/cascade-tools", Map.of("action", "quarantine", "name", "deadband"), SCRIPT);
        assertEquals(200, done.status, done.body());
        assertEquals("deadband: quarantine done; now QUARANTINED (threw 5 times).", done.body());
        Fakes.Response released =
                serve(page, "POST", "/cascade-tools", Map.of("action", "release", "name", "deadband"), SCRIPT);
        assertEquals(200, released.status);
        assertEquals(java.util.List.of("quarantine deadband", "release deadband"), tools.calls);

        Fakes.Response unknown =
                serve(page, "POST", "/cascade-tools", Map.of("action", "stop", "name", "ghost"), SCRIPT);
        assertEquals(404, unknown.status);
        assertEquals("no tool 'ghost' on this node (tools: deadband)", unknown.body());
        Fakes.Response badAction =
                serve(page, "POST", "/cascade-tools", Map.of("action", "delete", "name", "deadband"), SCRIPT);
        assertEquals(400, badAction.status);
        assertEquals("unknown action 'delete'; use one of quarantine, release, stop, start", badAction.body());
        assertEquals(2, tools.calls.size(), "bad input did nothing");
    }

    @Test
    void networkPageShowsStateCountersAndTheLatencyHistogram() throws Exception {
        NetworkPage page = new NetworkPage();
        Fakes.FakeMonitor monitor = new Fakes.FakeMonitor();
        page.monitor = monitor;
        String body = serve(page, "GET", "/cascade-network", Map.of(), Map.of()).body();
        assertTrue(body.contains("state-CONNECTED"), body);
        assertTrue(body.contains("2 batches"), "spool depth");
        assertTrue(body.contains("batches dropped from the spool"), body);
        assertEquals(5 + 2, count(body, "class=\"bar\""), "latency buckets and cycle-time buckets");
        assertTrue(body.contains("data-value=\"50\""), "the tallest latency bucket");

        monitor.network = Optional.empty();
        String without =
                serve(page, "GET", "/cascade-network", Map.of(), Map.of()).body();
        assertTrue(without.contains("No network runs on this node"), without);
    }

    @Test
    void scriptAndStylesComeFromTheBundle() throws Exception {
        Fakes.Response script =
                serve(new NetworkPage(), "GET", "/cascade-network/static/cascade.js", Map.of(), Map.of());
        assertEquals(200, script.status);
        assertTrue(script.contentType.startsWith("text/javascript"));
        assertTrue(script.body().contains("X-Cascade-Console"));
        Fakes.Response other =
                serve(new NetworkPage(), "GET", "/cascade-network/static/../bnd.bnd", Map.of(), Map.of());
        assertEquals(404, other.status);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
