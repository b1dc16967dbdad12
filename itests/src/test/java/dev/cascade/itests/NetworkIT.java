package dev.cascade.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.cascade.api.control.ControlLoop;
import dev.cascade.api.control.PairState;
import dev.cascade.api.control.PairStatus;
import dev.cascade.api.network.NetworkMetrics;
import dev.cascade.api.network.NetworkMonitor;
import dev.cascade.api.network.OptimizerMetrics;
import dev.cascade.api.network.TensorCache;
import dev.cascade.api.network.TransportState;
import java.time.Duration;
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

/**
 * The network in the distribution: a pair configured without an initial tensor probes, learns its plant
 * through the inproc transport, the optimizer and the cache, and runs on the learned tensor; with the
 * optimizer stopped the spool grows and drains in order after it is back, with no batch folded twice.
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

    private Fixtures fixtures;

    @Configuration
    public Option[] config() throws Exception {
        return Distribution.options();
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

    @Test
    public void withTheOptimizerStoppedBatchesSpoolAndDrainInOrder() throws Exception {
        // no such estimator: the optimizer does not subscribe
        fixtures.configure("dev.cascade.optimizer", "estimator", "absent");
        NetworkMetrics down = Conditions.await(
                "the spool grows while the optimizer is stopped",
                Duration.ofSeconds(60),
                network::metrics,
                n -> n.state() == TransportState.OFFLINE && n.spoolDepth() >= 2);
        long duplicatesBefore =
                network.optimizer().map(OptimizerMetrics::duplicates).orElse(0L);

        fixtures.configure("dev.cascade.optimizer", "estimator", "rls");
        Conditions.await(
                "the spool drains after the optimizer is back",
                Duration.ofSeconds(60),
                network::metrics,
                n -> n.spoolDepth() == 0 && n.state() == TransportState.CONNECTED);
        OptimizerMetrics after = Conditions.await(
                "the optimizer folded the spooled batches",
                Duration.ofSeconds(60),
                () -> network.optimizer().orElse(null),
                o -> o != null && o.running() && o.batchesFolded() >= down.spoolDepth());
        assertEquals("no batch folded twice", duplicatesBefore, after.duplicates());
        assertEquals(0, network.metrics().spoolDropped());
    }
}
