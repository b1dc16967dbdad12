package dev.cascade.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.PairState;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.network.NetworkMetrics;
import dev.cascade.api.network.NetworkMonitor;
import dev.cascade.api.network.PairAccount;
import dev.cascade.api.network.TensorCache;
import dev.cascade.api.network.TransportState;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The network in the distribution: a pair configured without an initial tensor probes, learns its plant
 * through the inproc transport, the optimizer and the cache, and runs on the learned tensor; with the
 * optimizer stopped for 30 s the demo runs on, the spool grows and drains after it is back, and every
 * measurement is folded exactly once.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NetworkIT {

    private static final double[] COUPLED = {2, 0.5, 0, 0.3, 1, 0.2, 0, 0.4, 1.5};

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private ControlLoop loop;

    @Inject
    private NetworkMonitor network;

    @Inject
    private TensorCache cache;

    @Inject
    private ServiceComponentRuntime scr;

    private Fixtures fixtures;

    /**
     * The rls estimator and the demo on its known tensor: {@code nl-a}'s test plant is fast (0.5 s), which
     * the one-step rls model fits and the default {@code process} model, tuned to the demo's 3-30 s
     * channels, does not; and the outage test wants the demo pair running from its first cycle.
     */
    @Configuration
    public Option[] config() throws Exception {
        return Distribution.withDemoTensor();
    }

    @Before
    public void fixtures() {
        fixtures = new Fixtures(context, configurationAdmin);
    }

    @After
    public void cleanUp() throws Exception {
        fixtures.cleanUp();
    }

    private void plant(String parent, String child) {
        fixtures.plant(parent, child, 0.5, COUPLED);
    }

    @Test
    public void aPairWithoutATensorLearnsOneAndConverges() throws Exception {
        plant("nl-hall", "nl-unit");
        fixtures.pair(
                "learn",
                "id",
                "nl-a",
                "parent",
                "nl-hall",
                "child",
                "nl-unit",
                "setpoint",
                "1, 1, 1",
                "rate",
                "20",
                "kp",
                "0.3",
                "ki",
                "2",
                "probeAmplitude",
                "0.5, 0.5, 0.5");

        PairStatus learned = Conditions.await(
                "nl-a runs on a learned tensor and converges",
                Duration.ofSeconds(120),
                () -> loop.pair("nl-a").orElse(null),
                s -> s != null && s.state() == PairState.RUNNING && s.tensorVersion() > 0 && s.rmsError() < 0.1);
        assertTrue(learned.confidence() >= 0.2);
        assertTrue(cache.retrieve("nl-a").isPresent());
        NetworkMetrics m = network.metrics();
        assertEquals("inproc", m.transport());
        assertTrue(m.latencyP99Millis() >= 0);
    }

    /**
     * Issue 5: the optimizer stopped for 30 s while the demo runs, as an operator stops it ({@code scr:disable
     * dev.cascade.network.internal.Optimizer}, then {@code scr:enable}): the loop keeps its rate, the spool
     * grows and drains after the restart, and every measurement the loop recorded is folded exactly once.
     */
    @Test
    public void theDemoRunsOnWhileTheOptimizerIsStoppedForThirtySecondsAndNothingIsLostOrFoldedTwice()
            throws Exception {
        PairStatus before = Conditions.await(
                "the demo pair runs and its measurements are folded",
                Duration.ofSeconds(60),
                () -> loop.pair("hall1").orElse(null),
                s -> s != null
                        && s.state() == PairState.RUNNING
                        && account("hall1").measurementsFolded() > 0);
        ComponentDescriptionDTO optimizer =
                scr.getComponentDescriptionDTO(networkBundle(), "dev.cascade.network.internal.Optimizer");
        assertTrue("the optimizer component exists", optimizer != null);
        scr.disableComponent(optimizer).getValue();
        long stoppedAt = System.nanoTime();
        long spooledBefore = network.metrics().spoolDepth();
        PairAccount atStop = account("hall1");

        // 30 s without the optimizer: watch the loop and the spool all along
        NetworkMetrics down = Conditions.await(
                "30 s have passed with the optimizer stopped",
                Duration.ofSeconds(40),
                () -> {
                    NetworkMetrics n = network.metrics();
                    assertEquals("no optimizer: the transport is offline", TransportState.OFFLINE, n.state());
                    assertEquals(0, n.spoolDropped());
                    return n;
                },
                n -> System.nanoTime() - stoppedAt >= TimeUnit.SECONDS.toNanos(30));
        PairStatus during = loop.pair("hall1").orElseThrow();
        double seconds = (System.nanoTime() - stoppedAt) * 1e-9;
        long cycles = during.cycles() - before.cycles();
        // the demo's rate is 10 Hz; before.cycles() was read up to 1 s before the optimizer stopped
        assertTrue(
                "the loop keeps its rate: " + cycles + " cycles in " + seconds + " s",
                cycles >= 0.9 * 10 * seconds && cycles <= 10 * (seconds + 1) + 1);
        assertEquals(PairState.RUNNING, during.state());
        assertTrue(
                "the spool grows: " + spooledBefore + " -> " + down.spoolDepth(),
                down.spoolDepth() >= spooledBefore + 20); // a batch a second, cut by age

        scr.enableComponent(optimizer).getValue();
        Conditions.await(
                "the spool drains after the optimizer is back",
                Duration.ofSeconds(60),
                network::metrics,
                n -> n.spoolDepth() == 0 && n.state() == TransportState.CONNECTED);

        // the loop goes on producing: compare at a moment when every batch cut has been folded (the account
        // reads the cut side before the folded side, so equal batch counts mean nothing was in flight)
        PairAccount settled = Conditions.await(
                "every batch of hall1 cut so far is folded",
                Duration.ofSeconds(30),
                () -> account("hall1"),
                a -> a.batchesFolded() >= a.batchesCut());
        System.out.println("optimizer stopped " + seconds + " s: " + cycles + " cycles, spool " + spooledBefore + " -> "
                + down.spoolDepth() + "; then " + settled);
        assertEquals("batches folded == batches cut: " + settled, settled.batchesCut(), settled.batchesFolded());
        assertEquals(
                "measurements folded == measurements cut, none lost, none folded twice: " + settled,
                settled.measurementsCut(),
                settled.measurementsFolded());
        assertEquals("none overwritten in the ring: " + settled, 0, settled.overwritten());
        assertTrue(
                "all but the last moments' measurements are cut (a batch a second at 10 Hz): " + settled,
                settled.collected() - settled.measurementsCut() <= 30);
        assertTrue(
                "the outage's measurements are in: " + settled,
                settled.measurementsFolded() >= atStop.collected() + cycles - 30);
        assertEquals(0, network.metrics().spoolDropped());
        assertTrue(network.optimizer().orElseThrow().running());
    }

    private PairAccount account(String pair) {
        return network.accounts().stream()
                .filter(a -> a.pair().equals(pair))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no account of pair " + pair + " yet"));
    }

    private org.osgi.framework.Bundle networkBundle() {
        for (org.osgi.framework.Bundle b : context.getBundles()) {
            if ("dev.cascade.network".equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle dev.cascade.network is not installed");
    }
}
