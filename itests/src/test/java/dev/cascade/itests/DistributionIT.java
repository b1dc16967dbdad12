package dev.cascade.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.cascade.api.Node;
import dev.cascade.api.domain.DomainAdapter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Boots the built Cascade distribution in Pax Exam's Karaf container and checks what a user of a fresh
 * node sees: bundles, components, the Web Console's security, a Cascade command, the deploy folder.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DistributionIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Inject
    private BundleContext context;

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private SessionFactory sessions;

    @Inject
    private Node node;

    @Configuration
    public Option[] config() throws IOException {
        return Distribution.options();
    }

    @Test
    public void runsOnFelix() {
        assertEquals("org.apache.felix.framework", context.getBundle(0).getSymbolicName());
    }

    @Test
    public void everyCascadeBundleIsActive() {
        List<Bundle> cascade = cascadeBundles();
        Set<String> names = cascade.stream().map(Bundle::getSymbolicName).collect(Collectors.toSet());
        assertTrue(
                "api, core and shell installed: " + names,
                names.containsAll(Set.of("dev.cascade.api", "dev.cascade.core", "dev.cascade.shell")));
        for (Bundle bundle : cascade) {
            assertEquals(bundle.getSymbolicName() + " is active", Bundle.ACTIVE, bundle.getState());
        }
    }

    @Test
    public void everyCascadeComponentIsSatisfied() {
        Bundle[] cascade = cascadeBundles().toArray(Bundle[]::new);
        List<String> components = new ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(cascade)) {
            components.add(description.name);
            assertTrue(description.name + " is enabled", scr.isComponentEnabled(description));
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                assertTrue(
                        description.name + " is satisfied (state " + configuration.state + ")",
                        configuration.state == ComponentConfigurationDTO.ACTIVE
                                || configuration.state == ComponentConfigurationDTO.SATISFIED);
            }
        }
        assertTrue(
                "the node component is there: " + components,
                components.contains("dev.cascade.core.internal.NodeIdentity"));
    }

    @Test
    public void nodeTakesItsIdFromConfigAdmin() {
        assertEquals("itest-node", node.id());
        assertEquals("0.1.0-SNAPSHOT", node.version());
    }

    @Test
    public void webConsoleNeedsCredentials() throws Exception {
        URI console = URI.create(
                "http://127.0.0.1:" + System.getProperty("cascade.itest.httpPort") + "/system/console/bundles");
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String good = basic("admin", System.getProperty("cascade.itest.password"));

        int withCredentials = Conditions.await(
                "the Web Console answers 200 with credentials",
                DEADLINE,
                () -> status(http, console, good),
                code -> code == 200);
        assertEquals(200, withCredentials);
        assertEquals(401, status(http, console, null));
        assertEquals(401, status(http, console, basic("admin", "wrong")));
        assertEquals(401, status(http, console, basic("karaf", "karaf")));
    }

    /**
     * HTTP and SSH bind to loopback. (The Pax Exam harness exports its own RMI endpoint on every interface
     * inside this container, so the check that nothing at all listens beyond loopback runs against a node
     * started by the start script, in {@code StartScriptIT}.)
     */
    @Test
    public void httpAndSshListenOnLoopbackOnly() throws Exception {
        Assume.assumeTrue("needs Linux /proc", ListeningSockets.supported());
        int http = Integer.getInteger("cascade.itest.httpPort");
        int ssh = Integer.getInteger("cascade.itest.sshPort");
        List<ListeningSockets.Listener> listeners = Conditions.await(
                "HTTP and SSH listening",
                DEADLINE,
                () -> ListeningSockets.of("self"),
                l -> l.stream().anyMatch(s -> s.port() == http) && l.stream().anyMatch(s -> s.port() == ssh));
        for (ListeningSockets.Listener listener : listeners) {
            if ((listener.port() == http || listener.port() == ssh) && !listener.loopback()) {
                throw new AssertionError("the node listens beyond loopback on " + listener + "; all: " + listeners);
            }
        }
    }

    @Test
    public void cascadeCommandRuns() throws Exception {
        String json = Conditions.await(
                "cascade:node is registered",
                DEADLINE,
                () -> execute("cascade:node --json"),
                out -> out.contains("\"id\""));
        assertTrue(json, json.contains("\"id\":\"itest-node\""));
        assertTrue(json, json.contains("\"version\":\"0.1.0-SNAPSHOT\""));
        String table = execute("cascade:node");
        assertTrue(table, table.contains("itest-node"));
    }

    @Test
    public void deployFolderInstallsAndUninstalls() throws Exception {
        Path deploy = Paths.get(System.getProperty("karaf.base"), "deploy");
        String name = "dev.cascade.itest.dropped";
        Path jar = deploy.resolve(name + ".jar");
        Path staged = Files.createTempFile("dropped", ".jar");
        writeBundle(staged, name);
        // fileinstall must never see half a file
        Files.move(staged, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        Bundle dropped = Conditions.await(
                name + " installed and active from deploy/",
                DEADLINE,
                () -> bundle(name),
                b -> b != null && b.getState() == Bundle.ACTIVE);
        assertEquals("1.0.0", dropped.getVersion().toString());

        Files.delete(jar);
        Conditions.await(
                name + " uninstalled after its jar was deleted", DEADLINE, () -> bundle(name) == null, gone -> gone);
        assertFalse(Arrays.stream(context.getBundles()).anyMatch(b -> name.equals(b.getSymbolicName())));
    }

    @Test
    public void demoPlantRegistersItsHallAndCoolingUnit() throws Exception {
        assertEquals(
                "the demo plant is booted",
                Bundle.ACTIVE,
                bundle("dev.cascade.demo").getState());
        for (String id : List.of("hall-1", "crah-1")) {
            String filter = "(" + DomainAdapter.DOMAIN_ID + "=" + id + ")";
            Conditions.await(
                    "domain " + id + " registered",
                    DEADLINE,
                    () -> context.getServiceReferences(DomainAdapter.class, filter),
                    references -> references.size() == 1);
        }
    }

    private List<Bundle> cascadeBundles() {
        return Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith("dev.cascade."))
                .collect(Collectors.toList());
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst()
                .orElse(null);
    }

    private String execute(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = sessions.create(System.in, out, out);
        try {
            session.execute(command);
        } finally {
            session.close();
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int status(HttpClient http, URI uri, String authorization) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static void writeBundle(Path target, String symbolicName) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        try (OutputStream file = Files.newOutputStream(target);
                JarOutputStream jar = new JarOutputStream(file, manifest)) {
            jar.flush();
        }
    }
}
