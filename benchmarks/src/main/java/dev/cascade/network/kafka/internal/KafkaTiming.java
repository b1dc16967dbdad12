package dev.cascade.network.kafka.internal;

import dev.cascade.api.Node;
import dev.cascade.api.control.Measurement;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.estimation.EstimatorState;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.Batch;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code main(bootstrap)}: the Kafka transport against a real broker, each figure side by side with a bare
 * Kafka client doing the same in the same run. Run by {@code benchmarks/kafka-bench}, which starts the
 * broker and adds Kafka's own producer performance test.
 *
 * <ol>
 *   <li>Update latency: a batch of 100 measurements sent through {@link KafkaTransport#send}, received by
 *       the optimizer side of a second transport instance (its consumer group), which publishes a tensor
 *       update at once; the time until the first transport receives that update. Against the same two
 *       hops with bare clients: the encoded batch produced to a topic, consumed, the encoded update
 *       produced to another (compacted) topic, consumed; same producer settings. The two run in
 *       alternating blocks of 50 rounds, so both see the same load. Each round ends when the update is in
 *       the receiver's hands: the transport's subscriber is called, the bare consumer's poll returns it.
 *       Phases (batch acknowledged, batch delivered, update received after it was published) and the
 *       codec's CPU time are printed too. The estimator's fold is not timed (it is not Kafka's cost; see
 *       the network benchmarks for it).
 *   <li>Throughput: batches of 100 measurements sent through {@link KafkaTransport#send} as fast as the
 *       broker acknowledges them (up to 64 in flight), as measurements per second; the record size is
 *       printed for the producer perf test.
 * </ol>
 */
public final class KafkaTiming {

    private static final int MEASUREMENTS = 100;

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int throughputSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        String run = UUID.randomUUID().toString().substring(0, 8);
        Batch template = batch(0);
        byte[] batchBytes = WireFormat.encode(template);
        byte[] updateBytes = WireFormat.encode(update(0));
        System.out.printf(
                "record sizes: batch of %d measurements %d bytes, update %d bytes%n",
                MEASUREMENTS, batchBytes.length, updateBytes.length);

        codecTimes(template, update(0));

        // ---- latency: the transport and the same two hops with bare clients, in alternating blocks of 50
        // rounds, so both see the same load on this shared machine
        String mt = "bench-m-" + run;
        String ut = "bench-u-" + run;
        Map<String, Object> props = new HashMap<>();
        props.put("kafka.linger.ms", System.getProperty("linger", "0"));
        KafkaTransport controller = transport(bootstrap, mt, ut, "controller", "bench-ctl", props);
        KafkaTransport optimizer = transport(bootstrap, mt, ut, "optimizer", "bench-opt", props);
        // The update is timed when the transport hands it to its subscriber (on the transport's thread), as
        // the bare consumer's is when its poll returns it (on its thread): neither includes a hand-off of
        // the benchmark's own.
        BlockingQueue<Long> received = new ArrayBlockingQueue<>(16);
        controller.subscribeUpdates(u -> {
            if (u.source().equals("bench-opt")) {
                received.add(System.nanoTime());
            }
        });
        // stamps: 0 batch acknowledged, 1 batch delivered to the optimizer, 2 update published
        AtomicLongArray stamps = new AtomicLongArray(3);
        optimizer.subscribeBatches(b -> {
            stamps.set(1, System.nanoTime());
            optimizer.publish(update(b.sequence()));
            stamps.set(2, System.nanoTime());
        });
        Bare bare = new Bare(bootstrap, "bench-bm-" + run, "bench-bu-" + run, batchBytes, updateBytes);
        Phases viaTransport = new Phases();
        Phases viaBare = new Phases();
        for (int i = -50; i < 0; i++) { // warm-up (and the group's first assignment)
            transportRound(controller, received, stamps, i, null);
            bare.round(null);
        }
        for (int done = 0; done < rounds; done += 50) {
            for (int i = done; i < Math.min(rounds, done + 50); i++) {
                transportRound(controller, received, stamps, i, viaTransport);
            }
            for (int i = done; i < Math.min(rounds, done + 50); i++) {
                bare.round(viaBare);
            }
        }
        bare.close();
        Histogram transport = viaTransport.total;
        System.out.printf(
                "phases p50 (us), transport: batch acknowledged %d, batch delivered %d, update received %d after"
                        + " published; bare: %d, %d, %d%n",
                viaTransport.acked.getValueAtPercentile(50),
                viaTransport.delivered.getValueAtPercentile(50),
                viaTransport.update.getValueAtPercentile(50),
                viaBare.acked.getValueAtPercentile(50),
                viaBare.delivered.getValueAtPercentile(50),
                viaBare.update.getValueAtPercentile(50));
        System.out.printf(
                "update latency, send -> fold -> update received (us): transport p50 %d p99 %d mean %.0f;"
                        + " bare clients p50 %d p99 %d mean %.0f; ratio of p50 %.2f, of mean %.2f%n",
                transport.getValueAtPercentile(50),
                transport.getValueAtPercentile(99),
                transport.getMean(),
                viaBare.total.getValueAtPercentile(50),
                viaBare.total.getValueAtPercentile(99),
                viaBare.total.getMean(),
                transport.getValueAtPercentile(50) / (double) viaBare.total.getValueAtPercentile(50),
                transport.getMean() / viaBare.total.getMean());
        optimizer.deactivate();

        // ---- throughput through the transport
        Semaphore inFlight = new Semaphore(64);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(throughputSeconds);
        long sent = 0;
        long start = System.nanoTime();
        List<CompletableFuture<Void>> last = new ArrayList<>();
        while (System.nanoTime() < end) {
            inFlight.acquire();
            CompletableFuture<Void> f = controller.send(batch(2_000_000 + sent)).toCompletableFuture();
            f.whenComplete((ok, failed) -> inFlight.release());
            sent++;
            if (last.size() > 1000) {
                last.clear();
            }
            last.add(f);
        }
        CompletableFuture.allOf(last.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "throughput through the transport: %d batches (%d bytes each) in %.1f s = %.0f records/s ="
                        + " %.0f measurements/s%n",
                sent, batchBytes.length, seconds, sent / seconds, sent * MEASUREMENTS / seconds);
        controller.deactivate();
        System.out.println("RECORD_SIZE=" + batchBytes.length);
        System.out.println("RECORDS_SENT=" + sent);
    }

    static KafkaTransport transport(
            String bootstrap, String mt, String ut, String roles, String id, Map<String, Object> extra) {
        Map<String, Object> values = new HashMap<>(extra);
        values.put("bootstrapServers", bootstrap);
        values.put("measurementsTopic", mt);
        values.put("updatesTopic", ut);
        values.put("partitions", 1);
        values.put("roles", new String[] {roles});
        KafkaTransport.Config config = (KafkaTransport.Config) Proxy.newProxyInstance(
                KafkaTransport.Config.class.getClassLoader(),
                new Class<?>[] {KafkaTransport.Config.class},
                (proxy, method, a) -> values.getOrDefault(method.getName(), method.getDefaultValue()));
        Node node = new Node() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String version() {
                return "bench";
            }

            @Override
            public Instant startedAt() {
                return Instant.now();
            }
        };
        return new KafkaTransport(config, values, node);
    }

    static Batch batch(long sequence) {
        SplittableRandom r = new SplittableRandom(sequence);
        List<Measurement> ms = new ArrayList<>(MEASUREMENTS);
        long t = 1_795_000_000_000L + sequence * 1000;
        for (int i = 0; i < MEASUREMENTS; i++) {
            ms.add(new Measurement(
                    "hall1",
                    t + i * 100,
                    new Vector3(24 + r.nextGaussian(), 45 + r.nextGaussian(), 120 + r.nextGaussian()),
                    new Vector3(r.nextGaussian(), r.nextGaussian(), r.nextGaussian()),
                    new Vector3(r.nextGaussian() * 0.01, r.nextGaussian() * 0.01, r.nextGaussian() * 0.01),
                    Quality.GOOD));
        }
        return new Batch("hall1", "bench-ctl", sequence, ms, t + MEASUREMENTS * 100);
    }

    static TensorUpdate update(long sequence) {
        byte[] state = new byte[7 * 7 * 8 + 3 * 7 * 8 + 64]; // about the rls state of the 7-regressor model
        new SplittableRandom(sequence).nextBytes(state);
        return new TensorUpdate(
                "hall1",
                sequence,
                Matrix3.ofRowMajor(17.9, 0.43, 4.7, -13.2, -0.98, -1.36, -5.66, 3.63, -0.81),
                Matrix3.ofRowMajor(0.05, -0.01, 0.02, 0.3, 0.1, -0.2, 0.6, 0.4, 0.1),
                0.8,
                new Vector3(3, 10, 30),
                new EstimatorState("rls", 1, state),
                Map.of("bench-ctl", sequence),
                "bench-opt",
                System.currentTimeMillis());
    }

    /** CPU time of encoding and decoding one batch and one update on this thread, p50 of 2000 after 2000. */
    static void codecTimes(Batch batch, TensorUpdate update) throws WireFormat.Malformed {
        byte[] key = batch.pair().getBytes(StandardCharsets.UTF_8);
        byte[] b = WireFormat.encode(batch);
        byte[] u = WireFormat.encode(update);
        Histogram[] h = {new Histogram(3), new Histogram(3), new Histogram(3), new Histogram(3)};
        for (int i = -2000; i < 2000; i++) {
            long t0 = System.nanoTime();
            WireFormat.encode(batch);
            long t1 = System.nanoTime();
            WireFormat.decodeBatch(key, b);
            long t2 = System.nanoTime();
            WireFormat.encode(update);
            long t3 = System.nanoTime();
            WireFormat.decodeUpdate(key, u);
            long t4 = System.nanoTime();
            if (i >= 0) {
                h[0].recordValue(t1 - t0);
                h[1].recordValue(t2 - t1);
                h[2].recordValue(t3 - t2);
                h[3].recordValue(t4 - t3);
            }
        }
        System.out.printf(
                "codec p50 (us): batch encode %.1f decode %.1f; update encode %.1f decode %.1f%n",
                h[0].getValueAtPercentile(50) / 1e3,
                h[1].getValueAtPercentile(50) / 1e3,
                h[2].getValueAtPercentile(50) / 1e3,
                h[3].getValueAtPercentile(50) / 1e3);
    }

    /** Microseconds of one round and of its phases, each from the send. */
    static final class Phases {
        final Histogram total = new Histogram(3);
        final Histogram acked = new Histogram(3);
        final Histogram delivered = new Histogram(3);
        /** from publishing the update to receiving it */
        final Histogram update = new Histogram(3);

        void record(long start, long acked, long delivered, long published, long end) {
            total.recordValue(Math.max(0, end - start) / 1000);
            this.acked.recordValue(Math.max(0, acked - start) / 1000);
            this.delivered.recordValue(Math.max(0, delivered - start) / 1000);
            update.recordValue(Math.max(0, end - published) / 1000);
        }
    }

    private static void transportRound(
            KafkaTransport controller, BlockingQueue<Long> received, AtomicLongArray stamps, int i, Phases into)
            throws Exception {
        Batch b = batch(i + 1_000_000);
        long start = System.nanoTime();
        controller.send(b).toCompletableFuture().get(60, TimeUnit.SECONDS);
        stamps.set(0, System.nanoTime());
        Long end = received.poll(60, TimeUnit.SECONDS);
        if (end == null) {
            throw new IllegalStateException("no update within 60 s in round " + i);
        }
        if (into != null) {
            into.record(start, stamps.get(0), stamps.get(1), stamps.get(2), end);
        }
    }

    /**
     * Two hops with bare clients, the transport's producer settings and the consumers' defaults as the
     * transport has them: batch bytes to topic m, consumed; update bytes to topic u, consumed.
     */
    static final class Bare implements AutoCloseable {
        private final String m;
        private final String u;
        private final byte[] batch;
        private final byte[] update;
        private final byte[] key = "hall1".getBytes(StandardCharsets.UTF_8);
        private final KafkaProducer<byte[], byte[]> producer;
        private final KafkaConsumer<byte[], byte[]> mc;
        private final KafkaConsumer<byte[], byte[]> uc;

        Bare(String bootstrap, String m, String u, byte[] batch, byte[] update) throws Exception {
            this.m = m;
            this.u = u;
            this.batch = batch;
            this.update = update;
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                // the topics as the transport makes them: the updates topic compacted
                admin.createTopics(List.of(
                                new NewTopic(m, 1, (short) 1),
                                new NewTopic(u, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            Map<String, Object> p = Map.of(
                    "bootstrap.servers",
                    bootstrap,
                    "acks",
                    "all",
                    "enable.idempotence",
                    "true",
                    "max.in.flight.requests.per.connection",
                    "5",
                    "linger.ms",
                    System.getProperty("linger", "0"));
            Map<String, Object> c = Map.of(
                    "bootstrap.servers", bootstrap, "enable.auto.commit", "false", "auto.offset.reset", "earliest");
            producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
            mc = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            uc = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            mc.assign(List.of(new TopicPartition(m, 0)));
            uc.assign(List.of(new TopicPartition(u, 0)));
        }

        void round(Phases into) throws Exception {
            long start = System.nanoTime();
            producer.send(new ProducerRecord<>(m, key, batch)).get(60, TimeUnit.SECONDS);
            long acked = System.nanoTime();
            await(mc);
            long delivered = System.nanoTime();
            producer.send(new ProducerRecord<>(u, key, update));
            long published = System.nanoTime();
            await(uc);
            long end = System.nanoTime();
            if (into != null) {
                into.record(start, acked, delivered, published, end);
            }
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(5));
            mc.close(Duration.ofSeconds(5));
            uc.close(Duration.ofSeconds(5));
        }
    }

    private static void await(KafkaConsumer<byte[], byte[]> consumer) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Collection<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            if (!got.isEmpty()) {
                return;
            }
        }
        throw new IllegalStateException("no record within 60 s");
    }
}
