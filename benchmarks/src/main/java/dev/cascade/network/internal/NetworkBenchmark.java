package dev.cascade.network.internal;

// In the network's private package on purpose: see NetworkFixture.

import dev.cascade.api.control.MeasurementCollector;
import dev.cascade.api.control.MeasurementView;
import dev.cascade.api.domain.Quality;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The network's two targets of issue 5. {@link #throughput}: measurements per second through collect ->
 * batch -> optimizer (rls fold) on one core: the batcher and the optimizer run on the benchmark's thread.
 * {@link #updateLatency}: one batch's way from its cut to its tensor being in use, through the inproc
 * transport's threads: cut and send, fold, publish, cache, listener.
 */
@State(Scope.Thread)
public class NetworkBenchmark {

    /** Measurements per batch in the throughput benchmark (the network's default batch is 100). */
    static final int BATCH = 1000;

    /** A plant of three first-order axes driven by random settings, so every row is informative. */
    static final class Frame implements MeasurementView {
        private final SplittableRandom random = new SplittableRandom(1);
        private final double[] y = new double[3];
        private final double[] u = new double[3];
        private final double[] a = new double[3];
        long time = 1_700_000_000_000L;

        void next() {
            time += 100;
            for (int j = 0; j < 3; j++) {
                double setting = random.nextDouble(-1, 1);
                a[j] = setting - u[j];
                u[j] = setting;
                y[j] = 0.9 * y[j] + 0.2 * setting + 0.001 * random.nextGaussian();
            }
        }

        @Override
        public String pair() {
            return "bench";
        }

        @Override
        public long timestamp() {
            return time;
        }

        @Override
        public double parent(int axis) {
            return y[axis];
        }

        @Override
        public double error(int axis) {
            return -y[axis];
        }

        @Override
        public double adjustment(int axis) {
            return a[axis];
        }

        @Override
        public Quality quality() {
            return Quality.GOOD;
        }
    }

    /** The whole path on this thread: batches cut by count and folded as they are sent. */
    @State(Scope.Thread)
    public static class OneCore {
        final Frame frame = new Frame();
        NetworkFixture fixture;
        MeasurementCollector collector;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            fixture = new NetworkFixture(BATCH, () -> frame.time, false, false);
            collector = fixture.collector();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            System.out.printf("%nfolded %d measurements%n", fixture.folded());
            fixture.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public long throughput(OneCore s) {
        for (int i = 0; i < BATCH; i++) {
            s.frame.next();
            s.collector.collect(s.frame);
        }
        s.fixture.tick();
        return s.fixture.folded();
    }

    /** The inproc transport with its threads; the batcher runs when the benchmark calls it. */
    @State(Scope.Thread)
    public static class Inproc {
        final Frame frame = new Frame();
        NetworkFixture fixture;
        MeasurementCollector collector;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            fixture = new NetworkFixture(100, () -> frame.time, false, true);
            collector = fixture.collector();
            // a fresh estimate publishes nothing while its confidence is 0: feed batches until it has a model
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (fixture.version("bench") == 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the estimator published no update within 30 s");
                }
                batch(this);
                Thread.sleep(1);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            // the network's own measure: batch cut -> the cache handed the tensor to the loop
            System.out.printf(
                    "%nnetwork's update latency p99 %.3f ms over the last 1000 updates%n",
                    fixture.network.metrics().latencyP99Millis());
            fixture.close();
        }
    }

    /**
     * One batch of 100 measurements cut, sent through inproc, folded, published and in use (the cache's
     * listener has it). The time also holds collecting the 100 (about a microsecond), so it bounds the
     * latency from above.
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long updateLatency(Inproc s) {
        long before = s.fixture.version("bench");
        long published = s.fixture.published();
        long folded = s.fixture.folded();
        batch(s);
        long now;
        // wait for the update; should the estimator publish none for this batch, stop once it is folded
        while ((now = s.fixture.version("bench")) == before
                && !(s.fixture.folded() > folded && s.fixture.published() == published)) {
            Thread.onSpinWait();
        }
        return now;
    }

    private static void batch(Inproc s) {
        for (int i = 0; i < 100; i++) {
            s.frame.next();
            s.collector.collect(s.frame);
        }
        s.fixture.tick();
    }
}
