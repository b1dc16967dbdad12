package dev.cascade.network.kafka.internal;

import dev.cascade.api.Node;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.Batch;
import dev.cascade.api.network.Transport;
import dev.cascade.api.network.TransportState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The distributed transport, {@code kafka}: batches go to a topic keyed by pair, which the optimizers of
 * all nodes consume as one consumer group, so a pair's estimation lives on the owner of its partition and
 * moves with it; tensor updates go to a compacted topic keyed by pair, which every node reads from the
 * beginning, so its cache is rebuilt at start and follows every update after.
 *
 * <p>Delivery: an idempotent producer with {@code acks=all}; a send completes when the broker has the
 * batch. Consumers commit offsets only after the updates from what they folded are acknowledged, and an
 * optimizer that is handed a partition first reads the update topic up to its end, so it resumes each
 * pair from the latest update (estimator state and de-duplication state), folding no batch twice.
 */
@Component(
        service = {Transport.class, KafkaTransport.class},
        configurationPid = KafkaTransport.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = Transport.NAME + "=" + KafkaTransport.NAME)
@Designate(ocd = KafkaTransport.Config.class)
public final class KafkaTransport implements Transport {

    static final String NAME = "kafka";
    static final String PID = "dev.cascade.kafka";
    static final String PASS_THROUGH = "kafka.";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTransport.class);

    @ObjectClassDefinition(
            name = "Cascade Kafka transport",
            description = "Distributed mode: batches and tensor updates through an Apache Kafka cluster. Any"
                    + " property named kafka.<name> is passed to the Kafka clients as <name> (security.protocol,"
                    + " sasl.*, ssl.*, ...).")
    @interface Config {
        @AttributeDefinition(name = "Bootstrap servers", description = "host:port[,host:port...] of the Kafka cluster.")
        String bootstrapServers() default "127.0.0.1:9092";

        @AttributeDefinition(
                name = "Measurements topic",
                description = "Topic of the measurement batches, keyed by pair.")
        String measurementsTopic() default "cascade.measurements";

        @AttributeDefinition(
                name = "Updates topic",
                description = "Compacted topic of the tensor updates, keyed by pair.")
        String updatesTopic() default "cascade.updates";

        @AttributeDefinition(
                name = "Partitions",
                description = "Partitions of each topic when this node creates it (1 to 10000); the measurement"
                        + " partitions are the units the optimizers share.")
        int partitions() default 12;

        @AttributeDefinition(
                name = "Replication factor",
                description = "Replicas of each topic when this node creates it (1 to 32).")
        int replicationFactor() default 1;

        @AttributeDefinition(
                name = "Create topics",
                description = "Create the topics if they are missing; false where an administrator creates them.")
        boolean createTopics() default true;

        @AttributeDefinition(
                name = "Optimizer group",
                description = "Consumer group of the optimizers that share the measurement partitions.")
        String groupId() default "cascade-optimizers";

        @AttributeDefinition(
                name = "Roles",
                description = "controller: this node's loops send batches; optimizer: this node folds batches"
                        + " of the partitions the group gives it. Both by default.")
        String[] roles() default {"controller", "optimizer"};

        @AttributeDefinition(
                name = "Node id",
                description = "Names this node's Kafka clients (client.id); empty: the node id of"
                        + " dev.cascade.node, which batches carry as their producer.")
        String nodeId() default "";

        @AttributeDefinition(
                name = "Offline after",
                description = "Milliseconds without an acknowledgement from the broker, while sends wait, after"
                        + " which the transport is OFFLINE and fails sends at once, so batches spool (100 to"
                        + " 600000).")
        long offlineAfterMillis() default 5000;

        @AttributeDefinition(
                name = "Catch-up timeout",
                description = "Milliseconds an optimizer handed new partitions waits to read the updates topic"
                        + " to its end before it folds anyway (1000 to 600000).")
        long catchUpTimeoutMillis() default 30000;
    }

    private final String bootstrap;
    private final String batchesTopic;
    private final String updatesTopic;
    private final int partitions;
    private final short replication;
    private final boolean createTopics;
    private final String groupId;
    private final boolean controller;
    private final boolean optimizer;
    private final String clientId;
    private final long offlineAfterNanos;
    private final long catchUpTimeoutMillis;
    private final Map<String, Object> passThrough;
    /**
     * A topic acknowledged within this long has its metadata in the producer (which forgets a topic after
     * {@code metadata.max.idle.ms} unused), so a send to it does not wait for metadata: half of that, at
     * most a minute.
     */
    private final long metadataFreshNanos;
    /** Sends go straight to the producer while less than this (a quarter of buffer.memory) waits in it. */
    private final long directBytes;

    private final Skipped skipped = new Skipped();
    private final KafkaProducer<byte[], byte[]> producer;
    private final ThreadPoolExecutor sender;
    private final List<Consumer<TensorUpdate>> updateReceivers = new CopyOnWriteArrayList<>();
    private final Map<TopicPartition, Long> updatePositions = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> unacknowledgedUpdates = new ConcurrentLinkedQueue<>();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final AtomicLong handOffs = new AtomicLong();
    private final Map<String, Long> lastAcked = new ConcurrentHashMap<>();
    private final AtomicLong batchesSent = new AtomicLong();
    private final AtomicLong updatesPublished = new AtomicLong();
    private final AtomicLong batchesReceived = new AtomicLong();
    private final AtomicLong updatesReceived = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private final AtomicLong rebalances = new AtomicLong();
    private final Thread updatesThread;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean lastSendFailed;
    private volatile String lastError = "";
    private volatile boolean closing;
    private volatile boolean rewind;
    private volatile KafkaConsumer<byte[], byte[]> updatesConsumer;
    private volatile BatchReader batchReader;

    @Activate
    public KafkaTransport(Config config, Map<String, Object> properties, @Reference Node node) {
        this.bootstrap = text("bootstrapServers", config.bootstrapServers());
        this.batchesTopic = topic("measurementsTopic", config.measurementsTopic());
        this.updatesTopic = topic("updatesTopic", config.updatesTopic());
        if (batchesTopic.equals(updatesTopic)) {
            throw invalid("updatesTopic", updatesTopic, "a topic other than measurementsTopic");
        }
        this.partitions = (int) range("partitions", config.partitions(), 1, 10_000);
        this.replication = (short) range("replicationFactor", config.replicationFactor(), 1, 32);
        this.createTopics = config.createTopics();
        this.groupId = text("groupId", config.groupId());
        Set<String> roles = new TreeSet<>();
        for (String role : config.roles() == null ? new String[0] : config.roles()) {
            for (String r : role.split(",")) {
                String name = r.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !name.equals("controller") && !name.equals("optimizer")) {
                    throw invalid("roles", String.join(",", config.roles()), "controller, optimizer or both");
                }
                if (!name.isEmpty()) {
                    roles.add(name);
                }
            }
        }
        if (roles.isEmpty()) {
            throw invalid("roles", "", "controller, optimizer or both");
        }
        this.controller = roles.contains("controller");
        this.optimizer = roles.contains("optimizer");
        String id = config.nodeId() == null || config.nodeId().isBlank()
                ? node.id()
                : config.nodeId().strip();
        this.clientId = "cascade-" + id;
        this.offlineAfterNanos =
                TimeUnit.MILLISECONDS.toNanos(range("offlineAfterMillis", config.offlineAfterMillis(), 100, 600_000));
        this.catchUpTimeoutMillis = range("catchUpTimeoutMillis", config.catchUpTimeoutMillis(), 1000, 600_000);
        this.passThrough = passThrough(properties);

        Map<String, Object> p = clientConfig("producer");
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("max.in.flight.requests.per.connection", "5");
        p.put("linger.ms", "0"); // a batch per pair and second: waiting to fill a request only adds latency
        p.put("max.block.ms", "10000");
        p.putAll(passThrough);
        this.metadataFreshNanos = Math.min(
                TimeUnit.MINUTES.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(longSetting(p, "metadata.max.idle.ms", 300_000) / 2));
        this.directBytes = longSetting(p, "buffer.memory", 32L << 20) / 4;
        this.producer =
                withBundleLoader(() -> new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()));
        this.sender = new ThreadPoolExecutor(
                1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("cascade-kafka-send"));
        this.updatesThread = new Thread(this::readUpdates, "cascade-kafka-updates");
        updatesThread.setDaemon(true);
        updatesThread.start();
        LOG.info(
                "Kafka transport on {} (topics {}, {}; roles {}; client {})",
                bootstrap,
                batchesTopic,
                updatesTopic,
                roles,
                clientId);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        closing = true;
        BatchReader reader = batchReader;
        if (reader != null) {
            reader.close();
        }
        KafkaConsumer<byte[], byte[]> c = updatesConsumer;
        if (c != null) {
            c.wakeup();
        }
        updatesThread.join(10_000);
        sender.shutdown();
        sender.awaitTermination(5, TimeUnit.SECONDS);
        producer.close(Duration.ofSeconds(5));
    }

    // ---- configuration

    private static IllegalArgumentException invalid(String field, Object value, String allowed) {
        return new IllegalArgumentException(PID + ": " + field + " = '" + value + "' is not valid; use " + allowed);
    }

    private static String text(String field, String value) {
        if (value == null || value.isBlank()) {
            throw invalid(field, value, "a non-empty value");
        }
        return value.strip();
    }

    private static String topic(String field, String value) {
        String t = text(field, value);
        if (!t.matches("[A-Za-z0-9._-]{1,249}") || t.equals(".") || t.equals("..")) {
            throw invalid(field, t, "a Kafka topic name: 1 to 249 letters, digits, '.', '_' or '-'");
        }
        return t;
    }

    private static long range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw invalid(field, value, "a whole number from " + min + " to " + max);
        }
        return value;
    }

    private static long longSetting(Map<String, Object> client, String name, long otherwise) {
        Object v = client.get(name);
        if (v == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(String.valueOf(v).strip());
        } catch (NumberFormatException e) {
            return otherwise; // the Kafka client itself rejects it with a clear message
        }
    }

    /** Every {@code kafka.<name>} property, as {@code <name>}, for all the clients. */
    static Map<String, Object> passThrough(Map<String, Object> properties) {
        Map<String, Object> out = new LinkedHashMap<>();
        properties.forEach((k, v) -> {
            if (k.startsWith(PASS_THROUGH) && k.length() > PASS_THROUGH.length()) {
                out.put(k.substring(PASS_THROUGH.length()), String.valueOf(v));
            }
        });
        return out;
    }

    private Map<String, Object> clientConfig(String role) {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", bootstrap);
        c.put("client.id", clientId + "-" + role);
        return c;
    }

    /**
     * The Kafka client loads classes named in its configuration (and a few defaults) through the thread's
     * context class loader, which in OSGi is not the client bundle's; point it there while a client is made.
     */
    private static <T> T withBundleLoader(Supplier<T> make) {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(KafkaProducer.class.getClassLoader());
        try {
            return make.get();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    // ---- sending

    @Override
    public CompletionStage<Void> send(Batch batch) {
        if (!controller) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "this node's Kafka roles do not include controller; it sends no batches"));
        }
        return produce(batchesTopic, batch.pair(), WireFormat.encode(batch), batchesSent);
    }

    @Override
    public CompletionStage<Void> publish(TensorUpdate update) {
        CompletableFuture<Void> done =
                produce(updatesTopic, update.pair(), WireFormat.encode(update), updatesPublished);
        unacknowledgedUpdates.add(done);
        done.thenRun(() -> unacknowledgedUpdates.remove(done));
        return done;
    }

    private CompletableFuture<Void> produce(String topic, String key, byte[] value, AtomicLong counter) {
        if (closing) {
            return CompletableFuture.failedFuture(new IllegalStateException("the Kafka transport is stopping"));
        }
        if (stalled()) {
            // Do not pile copies into the producer while the broker does not answer: the batcher spools
            // and retries; one send at a time probes the broker (see stalled()).
            return CompletableFuture.failedFuture(new IllegalStateException("Kafka at " + bootstrap
                    + " has not acknowledged for over " + TimeUnit.NANOSECONDS.toMillis(offlineAfterNanos)
                    + " ms: " + lastError));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (inFlight.getAndIncrement() == 0) {
            lastProgressNanos = System.nanoTime();
        }
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
        inFlightBytes.addAndGet(value.length);
        synchronized (handOffs) {
            // On the caller's thread when producer.send has no reason to block: the topic's metadata is
            // fresh (an acknowledgement on it lately), there is room in the buffer, and no earlier record
            // still waits on the sending thread (order per partition). Otherwise on the sending thread, so
            // the caller does not wait up to max.block.ms for metadata or buffer space. One thread
            // hand-off less per record on the hot path: the producer is asynchronous anyway.
            Long acked = lastAcked.get(topic);
            boolean direct = handOffs.get() == 0
                    && acked != null
                    && System.nanoTime() - acked < metadataFreshNanos
                    && inFlightBytes.get() < directBytes;
            if (direct) {
                try {
                    producer.send(record, (metadata, failed) -> completed(done, failed, counter, topic, value));
                } catch (RuntimeException failed) {
                    completed(done, failed, counter, topic, value);
                }
                return done;
            }
            handOffs.incrementAndGet();
        }
        try {
            sender.execute(() -> {
                try {
                    producer.send(record, (metadata, failed) -> completed(done, failed, counter, topic, value));
                } catch (RuntimeException failed) {
                    completed(done, failed, counter, topic, value);
                } finally {
                    handOffs.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            handOffs.decrementAndGet();
            completed(done, new IllegalStateException("the Kafka transport is stopping"), counter, topic, value);
        }
        return done;
    }

    private void completed(
            CompletableFuture<Void> done, Exception failed, AtomicLong counter, String topic, byte[] value) {
        inFlight.decrementAndGet();
        inFlightBytes.addAndGet(-value.length);
        if (failed == null) {
            lastProgressNanos = System.nanoTime();
            lastAcked.put(topic, lastProgressNanos);
            lastSendFailed = false;
            counter.incrementAndGet();
            done.complete(null);
        } else {
            sendFailures.incrementAndGet();
            lastSendFailed = true;
            lastError = failed.toString();
            done.completeExceptionally(failed);
        }
    }

    /** True while records wait for the broker and none was acknowledged for {@code offlineAfterMillis}. */
    private boolean stalled() {
        return inFlight.get() > 0 && System.nanoTime() - lastProgressNanos > offlineAfterNanos;
    }

    @Override
    public TransportState state() {
        if (stalled() || lastSendFailed) {
            return TransportState.OFFLINE;
        }
        BatchReader reader = batchReader;
        if (reader != null && reader.catchingUp != null) {
            return TransportState.DEGRADED;
        }
        return TransportState.CONNECTED;
    }

    // ---- updates: the compacted topic, read from the beginning by every node

    @Override
    public AutoCloseable subscribeUpdates(Consumer<TensorUpdate> receiver) {
        if (!updateReceivers.isEmpty()) {
            rewind = true; // a later subscriber gets every pair's latest update too
        }
        updateReceivers.add(receiver);
        return () -> updateReceivers.remove(receiver);
    }

    private void readUpdates() {
        Admin admin = null;
        try {
            Map<String, Object> a = clientConfig("admin");
            a.putAll(passThrough);
            admin = withBundleLoader(() -> Admin.create(a));
            if (createTopics) {
                ensureTopics(admin);
            }
            Map<String, Object> c = clientConfig("updates");
            c.put("enable.auto.commit", "false");
            c.put("auto.offset.reset", "earliest");
            c.putAll(passThrough);
            c.remove("group.id");
            KafkaConsumer<byte[], byte[]> consumer = withBundleLoader(
                    () -> new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
            updatesConsumer = consumer;
            try (consumer) {
                List<TopicPartition> all = partitionsOf(consumer, updatesTopic);
                consumer.assign(all);
                consumer.seekToBeginning(all);
                LOG.info("Reading {} from the beginning ({} partitions)", updatesTopic, all.size());
                while (!closing) {
                    if (rewind) {
                        rewind = false;
                        consumer.seekToBeginning(all);
                    }
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        deliverUpdate(r);
                    }
                    for (TopicPartition tp : all) {
                        updatePositions.put(tp, consumer.position(tp));
                    }
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // stopping
        } catch (RuntimeException e) {
            if (!closing) {
                LOG.error("The Kafka transport stopped reading {}; restart the component", updatesTopic, e);
            }
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
        }
    }

    private void deliverUpdate(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return; // a tombstone: compaction's way to forget a pair; the cache keeps what it has
        }
        TensorUpdate update;
        try {
            update = WireFormat.decodeUpdate(r.key(), r.value());
        } catch (WireFormat.Malformed m) {
            skipped.record(r.topic(), r.partition(), r.offset(), m);
            return;
        }
        updatesReceived.incrementAndGet();
        for (Consumer<TensorUpdate> receiver : updateReceivers) {
            try {
                receiver.accept(update);
            } catch (RuntimeException e) {
                LOG.warn(
                        "A receiver failed on update v{} of pair {}: {}",
                        update.version(),
                        update.pair(),
                        e.toString());
            }
        }
    }

    private List<TopicPartition> partitionsOf(KafkaConsumer<byte[], byte[]> consumer, String topic)
            throws InterruptedException {
        long next = 0;
        while (!closing) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                infos = List.of();
            }
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> tps = new ArrayList<>();
                for (PartitionInfo i : infos) {
                    tps.add(new TopicPartition(topic, i.partition()));
                }
                return tps;
            }
            if (System.nanoTime() - next > 0) {
                LOG.warn("Topic {} is not there yet at {}; waiting for it", topic, bootstrap);
                next = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            }
            Thread.sleep(1000); // polling the broker's metadata at a modest pace, not synchronising a test
        }
        throw new InterruptedException("stopping");
    }

    private void ensureTopics(Admin admin) throws InterruptedException {
        Map<String, String> compacted = Map.of("cleanup.policy", "compact");
        List<NewTopic> wanted = List.of(
                new NewTopic(batchesTopic, partitions, replication),
                new NewTopic(updatesTopic, partitions, replication).configs(compacted));
        boolean warned = false;
        while (!closing) {
            try {
                Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
                List<NewTopic> missing = new ArrayList<>();
                for (NewTopic t : wanted) {
                    if (!existing.contains(t.name())) {
                        missing.add(t);
                    }
                }
                if (missing.isEmpty()) {
                    return;
                }
                for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> e :
                        admin.createTopics(missing).values().entrySet()) {
                    try {
                        e.getValue().get(30, TimeUnit.SECONDS);
                        LOG.info(
                                "Created topic {} ({} partitions, replication {})",
                                e.getKey(),
                                partitions,
                                replication);
                    } catch (ExecutionException x) {
                        if (!(x.getCause() instanceof TopicExistsException)) {
                            throw x;
                        }
                    }
                }
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (!warned) {
                    LOG.warn("Cannot create the topics at {} yet ({}); retrying", bootstrap, e.toString());
                    warned = true;
                }
                Thread.sleep(1000); // retry pace while the broker is unreachable
            }
        }
    }

    // ---- batches: the optimizers' consumer group

    @Override
    public synchronized AutoCloseable subscribeBatches(Consumer<Batch> receiver) {
        if (!optimizer) {
            LOG.info("This node's Kafka roles do not include optimizer; it folds no batches");
            return () -> {};
        }
        if (batchReader != null) {
            throw new IllegalStateException("the Kafka transport takes one batch subscriber per node");
        }
        BatchReader reader = new BatchReader(receiver);
        batchReader = reader;
        reader.start();
        return () -> {
            reader.close();
            synchronized (this) {
                if (batchReader == reader) {
                    batchReader = null;
                }
            }
        };
    }

    /** The optimizer's side: one consumer in the group, on a thread of its own. */
    private final class BatchReader implements ConsumerRebalanceListener {
        private final Consumer<Batch> receiver;
        private final Thread thread;
        private volatile boolean stop;
        private KafkaConsumer<byte[], byte[]> consumer;
        private final Map<TopicPartition, Long> delivered = new HashMap<>();
        private final Set<TopicPartition> assigned = new java.util.HashSet<>();
        volatile Map<TopicPartition, Long> catchingUp;
        private long catchUpUntil;
        private long nextCommit;

        BatchReader(Consumer<Batch> receiver) {
            this.receiver = receiver;
            this.thread = new Thread(this::run, "cascade-kafka-batches");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void close() {
            stop = true;
            KafkaConsumer<byte[], byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
            if (Thread.currentThread() != thread) {
                try {
                    thread.join(15_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        List<TopicPartition> assigned() {
            List<TopicPartition> copy;
            synchronized (assigned) {
                copy = new ArrayList<>(assigned);
            }
            copy.sort(java.util.Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition));
            return copy;
        }

        private void run() {
            while (!stop) {
                try {
                    consume();
                } catch (WakeupException e) {
                    return; // stopping
                } catch (RuntimeException e) {
                    if (stop) {
                        return;
                    }
                    LOG.error("The optimizer's Kafka consumer failed; it joins the group again in a second", e);
                    try {
                        Thread.sleep(1000); // a pause before rejoining, not a synchronisation
                    } catch (InterruptedException x) {
                        return;
                    }
                }
            }
        }

        private void consume() {
            Map<String, Object> c = clientConfig("optimizer");
            c.put("group.id", groupId);
            c.put("enable.auto.commit", "false");
            c.put("auto.offset.reset", "earliest");
            c.put("session.timeout.ms", "10000");
            c.put("heartbeat.interval.ms", "2000");
            c.put("max.poll.records", "50");
            c.putAll(passThrough);
            delivered.clear();
            catchingUp = null;
            synchronized (assigned) {
                assigned.clear();
            }
            consumer = withBundleLoader(
                    () -> new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
            try {
                if (stop) {
                    return;
                }
                consumer.subscribe(List.of(batchesTopic), this);
                LOG.info("Optimizer joined group {} on {}", groupId, batchesTopic);
                while (!stop) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                    for (TopicPartition tp : records.partitions()) {
                        for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                            if (!deliver(r)) {
                                consumer.seek(tp, r.offset()); // folded later, in order
                                break;
                            }
                            delivered.put(tp, r.offset() + 1);
                        }
                    }
                    checkCaughtUp();
                    commitWhenAcknowledged(false);
                }
            } finally {
                try {
                    commitWhenAcknowledged(true);
                } catch (RuntimeException e) {
                    LOG.debug("Final commit failed: {}", e.toString());
                }
                consumer.close(Duration.ofSeconds(5));
            }
        }

        private boolean deliver(ConsumerRecord<byte[], byte[]> r) {
            Batch batch;
            try {
                batch = WireFormat.decodeBatch(r.key(), r.value());
            } catch (WireFormat.Malformed m) {
                skipped.record(r.topic(), r.partition(), r.offset(), m);
                return true;
            }
            batchesReceived.incrementAndGet();
            try {
                receiver.accept(batch);
                return true;
            } catch (RuntimeException e) {
                LOG.warn(
                        "The optimizer did not take batch {}/{}/{}: {}; it is offered again",
                        batch.pair(),
                        batch.producer(),
                        batch.sequence(),
                        e.toString());
                return false;
            }
        }

        /**
         * Commits what was delivered once every update published so far is acknowledged, so a partition that
         * moves is re-read from no later than the latest durable update. With {@code finalCommit} it waits
         * a few seconds for them.
         */
        private void commitWhenAcknowledged(boolean finalCommit) {
            long now = System.nanoTime();
            if (!finalCommit && now - nextCommit < 0) {
                return;
            }
            nextCommit = now + TimeUnit.SECONDS.toNanos(1);
            if (delivered.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            delivered.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
            List<CompletableFuture<Void>> pending = new ArrayList<>(unacknowledgedUpdates);
            CompletableFuture<Void> all = CompletableFuture.allOf(pending.toArray(new CompletableFuture[0]));
            try {
                if (finalCommit) {
                    all.get(5, TimeUnit.SECONDS);
                } else if (!all.isDone()) {
                    return; // try again at the next tick
                } else {
                    all.join();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException | java.util.concurrent.CompletionException e) {
                LOG.warn(
                        "Updates not acknowledged ({}); offsets stay uncommitted, batches will be folded again"
                                + " or skipped as duplicates",
                        e.toString());
                unacknowledgedUpdates.removeAll(pending);
                return;
            }
            unacknowledgedUpdates.removeAll(pending);
            if (finalCommit) {
                consumer.commitSync(offsets, Duration.ofSeconds(5));
            } else {
                consumer.commitAsync(offsets, (o, failed) -> {
                    if (failed != null) {
                        LOG.debug("Offset commit failed: {}", failed.toString());
                    }
                });
            }
            delivered.keySet().removeAll(offsets.keySet());
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            rebalances.incrementAndGet();
            try {
                commitWhenAcknowledged(true);
            } catch (RuntimeException e) {
                LOG.warn("Could not commit offsets of revoked partitions: {}", e.toString());
            }
            delivered.keySet().removeAll(revoked);
            synchronized (assigned) {
                assigned.removeAll(revoked);
            }
            LOG.info("Optimizer gave up partitions {}", revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            delivered.keySet().removeAll(lost);
            synchronized (assigned) {
                assigned.removeAll(lost);
            }
            LOG.warn("Optimizer lost partitions {}", lost);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> added) {
            synchronized (assigned) {
                assigned.addAll(added);
            }
            LOG.info("Optimizer was given partitions {}", added);
            if (added.isEmpty()) {
                return;
            }
            // Resume each pair from its latest update: read the updates topic to its current end first.
            List<TopicPartition> updates = new ArrayList<>(updatePositions.keySet());
            if (updates.isEmpty()) {
                try {
                    for (PartitionInfo i : consumer.partitionsFor(updatesTopic, Duration.ofSeconds(5))) {
                        updates.add(new TopicPartition(updatesTopic, i.partition()));
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Cannot list the partitions of {}: {}", updatesTopic, e.toString());
                }
            }
            Map<TopicPartition, Long> ends;
            try {
                ends = new HashMap<>(consumer.endOffsets(updates, Duration.ofSeconds(10)));
            } catch (RuntimeException e) {
                LOG.warn("Cannot read the end of {} ({}); folding without waiting for it", updatesTopic, e.toString());
                return;
            }
            consumer.pause(assigned());
            catchUpUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(catchUpTimeoutMillis);
            catchingUp = ends;
        }

        private void checkCaughtUp() {
            Map<TopicPartition, Long> target = catchingUp;
            if (target == null) {
                return;
            }
            boolean done = true;
            for (Map.Entry<TopicPartition, Long> e : target.entrySet()) {
                Long at = updatePositions.get(e.getKey());
                if (at == null || at < e.getValue()) {
                    done = false;
                    break;
                }
            }
            if (!done && System.nanoTime() - catchUpUntil < 0) {
                return;
            }
            if (!done) {
                LOG.warn("{} was not read to its end within {} ms; folding anyway", updatesTopic, catchUpTimeoutMillis);
            }
            catchingUp = null;
            consumer.resume(consumer.paused());
        }
    }

    // ---- status for the cascade:kafka command

    /** @return what operators see in {@code cascade:kafka}, in display order */
    Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("bootstrap", bootstrap);
        s.put("state", state().name());
        s.put(
                "roles",
                (controller ? "controller" : "")
                        + (controller && optimizer ? "," : "")
                        + (optimizer ? "optimizer" : ""));
        s.put("measurementsTopic", batchesTopic);
        s.put("updatesTopic", updatesTopic);
        s.put("batchesSent", batchesSent.get());
        s.put("updatesPublished", updatesPublished.get());
        s.put("sendFailures", sendFailures.get());
        s.put("inFlight", inFlight.get());
        s.put("batchesReceived", batchesReceived.get());
        s.put("updatesReceived", updatesReceived.get());
        s.put("malformed", skipped.total());
        s.put("malformedByKind", skipped.all());
        BatchReader reader = batchReader;
        List<String> parts = new ArrayList<>();
        if (reader != null) {
            for (TopicPartition tp : reader.assigned()) {
                parts.add(String.valueOf(tp.partition()));
            }
        }
        s.put("group", optimizer ? groupId : "");
        s.put("partitions", String.join(",", parts));
        s.put("rebalances", rebalances.get());
        s.put("lastError", lastError);
        return s;
    }

    Skipped skipped() {
        return skipped;
    }
}
