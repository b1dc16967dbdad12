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
 *       produced to another topic, consumed. The estimator's fold is not timed (it is not Kafka's cost;
 *       see the network benchmarks for it).
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

        // ---- latency through the transport
        String mt = "bench-m-" + run;
        String ut = "bench-u-" + run;
        Map<String, Object> props = new HashMap<>();
        props.put("kafka.linger.ms", System.getProperty("linger", "0"));
        KafkaTransport controller = transport(bootstrap, mt, ut, "controller", "bench-ctl", props);
        KafkaTransport optimizer = transport(bootstrap, mt, ut, "optimizer", "bench-opt", props);
        BlockingQueue<TensorUpdate> received = new ArrayBlockingQueue<>(16);
        controller.subscribeUpdates(u -> {
            if (u.source().equals("bench-opt")) {
                received.add(u);
            }
        });
        optimizer.subscribeBatches(b -> optimizer.publish(update(b.sequence())));
        Histogram transport = new Histogram(3);
        for (int i = -50; i < rounds; i++) { // 50 rounds of warm-up (and the group's first assignment)
            long start = System.nanoTime();
            controller.send(batch(i + 1_000_000)).toCompletableFuture().get(60, TimeUnit.SECONDS);
            TensorUpdate u = received.poll(60, TimeUnit.SECONDS);
            if (u == null) {
                throw new IllegalStateException("no update within 60 s in round " + i);
            }
            if (i >= 0) {
                transport.recordValue((System.nanoTime() - start) / 1000);
            }
        }

        // ---- the same two hops with bare clients, same record sizes
        Histogram bare =
                bareRoundTrips(bootstrap, "bench-bm-" + run, "bench-bu-" + run, batchBytes, updateBytes, rounds);
        System.out.printf(
                "update latency, send -> fold -> update received (us): transport p50 %d p99 %d mean %.0f;"
                        + " bare clients p50 %d p99 %d mean %.0f; ratio of p50 %.2f, of mean %.2f%n",
                transport.getValueAtPercentile(50),
                transport.getValueAtPercentile(99),
                transport.getMean(),
                bare.getValueAtPercentile(50),
                bare.getValueAtPercentile(99),
                bare.getMean(),
                transport.getValueAtPercentile(50) / (double) bare.getValueAtPercentile(50),
                transport.getMean() / bare.getMean());
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

    /** Two hops with bare clients: batch bytes to topic m, consumed; update bytes to topic u, consumed. */
    static Histogram bareRoundTrips(String bootstrap, String m, String u, byte[] batch, byte[] update, int rounds)
            throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(m, 1, (short) 1), new NewTopic(u, 1, (short) 1)))
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
                "linger.ms",
                System.getProperty("linger", "0"));
        Map<String, Object> c =
                Map.of("bootstrap.servers", bootstrap, "enable.auto.commit", "false", "auto.offset.reset", "earliest");
        Histogram h = new Histogram(3);
        try (KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> mc =
                        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaConsumer<byte[], byte[]> uc =
                        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            mc.assign(List.of(new TopicPartition(m, 0)));
            uc.assign(List.of(new TopicPartition(u, 0)));
            byte[] key = "hall1".getBytes(StandardCharsets.UTF_8);
            for (int i = -50; i < rounds; i++) {
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(m, key, batch)).get(60, TimeUnit.SECONDS);
                await(mc);
                producer.send(new ProducerRecord<>(u, key, update));
                await(uc);
                if (i >= 0) {
                    h.recordValue((System.nanoTime() - start) / 1000);
                }
            }
        }
        return h;
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
