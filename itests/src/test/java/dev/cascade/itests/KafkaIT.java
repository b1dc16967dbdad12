package dev.cascade.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Distributed mode with a real broker ({@code scripts/kafka-broker}) and real distributions: a controller
 * node runs the demo plant, an optimizer node folds its batches; the controller's tensor comes from the
 * optimizer through Kafka. Malformed records on both topics are skipped and counted. A second optimizer
 * joins, the owner of the demo pair is killed with {@code kill -9}, and the other carries the pair on from
 * its latest update. Then the broker is stopped for 60 s under load. The tests run in order on the same
 * broker and nodes (one set of node start-ups keeps the run short).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaIT {

    static final String PAIR = "hall1";
    static final String MEASUREMENTS = "cascade.measurements";
    static final String UPDATES = "cascade.updates";
    /** The longest a pair may go without a new version when its optimizer is killed (stated in the docs). */
    static final Duration TAKEOVER = Duration.ofSeconds(45);

    private KafkaBroker broker;
    private KafkaNode controller;
    private KafkaNode optimizer;
    private KafkaNode second;
    /** The optimizer left after the kill of test 3; test 4 runs with it. */
    private KafkaNode survivor;

    private static final Duration OUTAGE = Duration.ofSeconds(60);

    @BeforeAll
    void start() throws Exception {
        broker = new KafkaBroker();
        controller = new KafkaNode("ctl-1", broker.bootstrap(), "controller", true, "");
        optimizer = new KafkaNode("opt-1", broker.bootstrap(), "optimizer", false, "");
        controller.launch();
        optimizer.launch();
        controller.awaitReady();
        optimizer.awaitReady();
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {second, optimizer, controller, broker}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception | AssertionError e) {
                    System.err.println("cleanup: " + e);
                }
            }
        }
    }

    @Test
    @Order(1)
    void controllerLearnsTheDemoThroughTheOptimizerNode() throws Exception {
        long first = Conditions.await(
                "the controller holds a tensor for " + PAIR + " from opt-1",
                Duration.ofSeconds(120),
                () -> controller.tensorVersion(PAIR),
                v -> v > 0);
        Conditions.await(
                "the controller's tensor version advances (from v" + first + ")",
                Duration.ofSeconds(60),
                () -> controller.tensorVersion(PAIR),
                v -> v >= first + 5);
        String c = controller.shell("cascade:network --json");
        assertTrue(c.contains("\"source\":\"opt-1\""), c);
        assertEquals(0, KafkaNode.field(c, "batchesFolded").orElse(0L), "the controller folds nothing: " + c);
        assertTrue(KafkaNode.field(c, "batchesSent").orElseThrow() > 0, c);
        String o = optimizer.shell("cascade:network --json");
        assertTrue(KafkaNode.field(o, "batchesFolded").orElseThrow() > 0, o);
        assertEquals(0, KafkaNode.field(o, "batchesCut").orElseThrow(), "the optimizer node runs no loop: " + o);
    }

    @Test
    @Order(2)
    void malformedRecordsOnBothTopicsAreSkippedAndCounted() throws Exception {
        long before = controller.tensorVersion(PAIR);
        String batch = "{\"format\":\"cascade.batch\",\"v\":1,\"pair\":\"hall1\",\"producer\":\"intruder\","
                + "\"sequence\":1,\"cut\":1,\"measurements\":[{\"t\":1,\"q\":\"GOOD\",\"parent\":[24.0,45.0,120.0],"
                + "\"error\":[0.0,0.0,0.0],\"adjustment\":[0.0,0.0,0.0]}]}";
        String update = "{\"format\":\"cascade.update\",\"v\":1,\"pair\":\"hall1\",\"version\":999999,"
                + "\"tensor\":[1,0,0,0,1,0,0,0,1]}";
        Map<String, String> valid = Map.of(MEASUREMENTS, batch, UPDATES, update);
        Random random = new Random(8);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (String topic : List.of(MEASUREMENTS, UPDATES)) {
                String record = valid.get(topic);
                List<byte[]> bad = new ArrayList<>();
                byte[] noise = new byte[300];
                random.nextBytes(noise);
                bad.add(noise); // random bytes
                bad.add(utf8(record.replace("\"v\":1", "\"v\":7"))); // wrong version
                bad.add(utf8(record.substring(0, record.length() / 2))); // truncated
                bad.add(utf8("{\"pair\":\"hall1\",\"reading\":[1,2,3]}")); // valid JSON, wrong shape
                if (topic.equals(UPDATES)) {
                    bad.add(utf8(record)); // a complete update record that lacks most fields: wrong shape
                }
                for (int copy = 0; copy < 2; copy++) {
                    for (byte[] value : bad) {
                        producer.send(new ProducerRecord<>(topic, utf8(PAIR), value))
                                .get(30, TimeUnit.SECONDS);
                    }
                }
            }
        }
        // every node reads the updates topic; the optimizer node also the measurements topic
        Conditions.await(
                "opt-1 counts the malformed records of both topics",
                Duration.ofSeconds(60),
                () -> optimizer.shell("cascade:kafka --json"),
                out -> kind(out, MEASUREMENTS, "NOT_JSON") == 2
                        && kind(out, MEASUREMENTS, "WRONG_VERSION") == 2
                        && kind(out, MEASUREMENTS, "TRUNCATED") == 2
                        && kind(out, MEASUREMENTS, "WRONG_SHAPE") == 2
                        && kind(out, UPDATES, "NOT_JSON") == 2
                        && kind(out, UPDATES, "WRONG_VERSION") == 2
                        && kind(out, UPDATES, "TRUNCATED") == 2
                        && kind(out, UPDATES, "WRONG_SHAPE") == 4);
        Conditions.await(
                "ctl-1 counts the malformed records of the updates topic",
                Duration.ofSeconds(60),
                () -> controller.shell("cascade:kafka --json"),
                out -> kind(out, UPDATES, "NOT_JSON") == 2
                        && kind(out, UPDATES, "WRONG_VERSION") == 2
                        && kind(out, UPDATES, "TRUNCATED") == 2
                        && kind(out, UPDATES, "WRONG_SHAPE") == 4);
        // logged once per (topic, kind): 8 lines on the optimizer node, 4 on the controller
        assertEquals(8, count(optimizer.log(), "Skipped a malformed record on "), "opt-1 log lines");
        assertEquals(4, count(controller.log(), "Skipped a malformed record on "), "ctl-1 log lines");
        // nothing crashed: learning goes on, the fake version 999999 was never taken
        long after = Conditions.await(
                "the controller's tensor version advances after the malformed records",
                Duration.ofSeconds(60),
                () -> controller.tensorVersion(PAIR),
                v -> v >= before + 3);
        assertTrue(after < 999_999, "a malformed update was taken: v" + after);
        assertEquals(
                0,
                KafkaNode.field(optimizer.shell("cascade:network --json"), "foldFailures")
                        .orElse(0L));
    }

    @Test
    @Order(3)
    void aSecondOptimizerTakesOverThePairWhenTheFirstIsKilled() throws Exception {
        second = new KafkaNode("opt-2", broker.bootstrap(), "optimizer", false, "");
        second.start();
        Conditions.await(
                "the partitions are spread over opt-1 and opt-2",
                Duration.ofSeconds(90),
                () -> List.of(optimizer.shell("cascade:kafka --json"), second.shell("cascade:kafka --json")),
                both -> !partitions(both.get(0)).isEmpty()
                        && !partitions(both.get(1)).isEmpty());
        // the owner of the pair's partition is the source of its latest update
        String owner = Conditions.await(
                "the controller knows the owner of " + PAIR,
                Duration.ofSeconds(60),
                () -> source(controller.shell("cascade:network --json")),
                s -> !s.isEmpty());
        KafkaNode killed = owner.equals("opt-1") ? optimizer : second;
        KafkaNode survivor = killed == optimizer ? second : optimizer;
        this.survivor = survivor;
        long versionAtKill = controller.tensorVersion(PAIR);
        killed.kill9();
        long killedAt = System.nanoTime();

        // the survivor takes the partition, resumes from the latest update and publishes newer versions
        List<Long> seen = new ArrayList<>();
        long taken = Conditions.await(
                survivor.id + " publishes the next versions of " + PAIR + " within " + TAKEOVER.toSeconds() + " s",
                TAKEOVER,
                () -> {
                    String out = controller.shell("cascade:network --json");
                    long v = version(out);
                    seen.add(v);
                    return source(out).equals(survivor.id) ? v : -1L;
                },
                v -> v > versionAtKill);
        long gapSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killedAt);
        Conditions.await(
                "learning continues on " + survivor.id,
                Duration.ofSeconds(60),
                () -> {
                    long v = controller.tensorVersion(PAIR);
                    seen.add(v);
                    return v;
                },
                v -> v >= taken + 5);
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i) >= seen.get(i - 1), "the tensor version went backwards: " + seen);
        }
        Matcher resumed = Pattern.compile("Optimizer resumes pair " + PAIR + " from update v(\\d+)")
                .matcher(survivor.log());
        long resumedFrom = -1;
        while (resumed.find()) {
            resumedFrom = Long.parseLong(resumed.group(1));
        }
        assertTrue(
                resumedFrom >= versionAtKill - 1 || owner.equals(survivor.id),
                survivor.id + " resumed from v" + resumedFrom + ", the pair was at v" + versionAtKill + " when "
                        + killed.id + " was killed");
        System.out.println("takeover: " + killed.id + " killed at v" + versionAtKill + ", " + survivor.id
                + " resumed from v" + resumedFrom + " and published v" + taken + " after about " + gapSeconds + " s");
    }

    /**
     * The broker stopped for 60 s under load: the controller's loop keeps its rate, batches spool on disk,
     * and after the restart the spool drains; between two moments when the loop is stopped every
     * measurement the controller collected is folded by the optimizer exactly once (counters on both nodes).
     */
    @Test
    @Order(4)
    void brokerOutageSpoolsAndEveryMeasurementIsFoldedOnce() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(survivor != null, "runs after the takeover test");
        Path pairFile = controller.home.resolve("etc/dev.cascade.pair-" + PAIR + ".cfg");
        byte[] pairConfig = Files.readAllBytes(pairFile);
        long[] base = quiesce(pairFile);
        Files.write(pairFile, pairConfig); // the loop runs the pair again
        Conditions.await(
                "the pair runs again", Duration.ofSeconds(30), () -> loop(controller)[0], cycles -> cycles > 20);

        long[] before = loop(controller);
        broker.stop();
        long stoppedAt = System.nanoTime();
        Conditions.await(
                "the controller's transport leaves CONNECTED and batches spool",
                Duration.ofSeconds(30),
                () -> controller.shell("cascade:network --json"),
                out -> !out.contains("\"state\":\"CONNECTED\"")
                        && KafkaNode.field(out, "spoolDepth").orElse(0L) > 0);
        long spoolMax = 0;
        while (System.nanoTime() - stoppedAt < OUTAGE.toNanos()) {
            String out = controller.shell("cascade:network --json");
            spoolMax = Math.max(spoolMax, KafkaNode.field(out, "spoolDepth").orElse(0L));
            Thread.sleep(5000); // sampling pace during an outage of fixed length, not a synchronisation
        }
        long[] during = loop(controller);
        double seconds = (System.nanoTime() - stoppedAt) / 1e9;
        broker.start();
        long cycles = during[0] - before[0];
        long missed = during[1] - before[1];
        // a 10 Hz pair: at least 90 % of its cycles over the outage
        assertTrue(cycles >= 0.9 * 10 * OUTAGE.toSeconds(), "cycles during the outage: " + cycles);
        // missed deadlines come from the machine's load (2 cores shared with the broker, three nodes, the
        // shell clients of this test and other builds), not from the outage: at most 5 %
        assertTrue(missed <= cycles / 20, "missed deadlines during the outage: " + missed + " of " + cycles);
        assertTrue(spoolMax >= 30, "batches spooled during the outage: " + spoolMax);

        Conditions.await(
                "the spool drains after the broker returns",
                Duration.ofSeconds(90),
                () -> controller.shell("cascade:network --json"),
                out -> KafkaNode.field(out, "spoolDepth").orElse(-1L) == 0 && out.contains("\"state\":\"CONNECTED\""));
        long[] end = quiesce(pairFile);
        long collected = end[0] - base[0];
        long folded = end[2] - base[2];
        String c = controller.shell("cascade:network --json");
        String o = survivor.shell("cascade:network --json");
        assertEquals(collected, folded, "measurements collected on ctl-1 = folded on " + survivor.id + ": " + c + o);
        assertEquals(end[1] - base[1], end[3] - base[3], "batches cut = folded: " + c + o);
        assertEquals(0, KafkaNode.field(c, "overwritten").orElseThrow(), c);
        assertEquals(0, KafkaNode.field(c, "spoolDropped").orElseThrow(), c);
        assertEquals(0, KafkaNode.field(o, "foldFailures").orElseThrow(), o);
        System.out.println("outage " + String.format("%.0f", seconds) + " s: " + cycles + " cycles, " + missed
                + " missed, spool up to " + spoolMax + " batches; collected = folded = " + collected + " in "
                + (end[1] - base[1]) + " batches; duplicates skipped in all "
                + KafkaNode.field(o, "duplicates").orElse(0L));
    }

    /**
     * Stops the loop's pair (its configuration file removed) and waits until the counters rest: nothing
     * spooled, and the optimizer has folded every batch the controller cut.
     *
     * @return ctl-1's measurements collected and batches cut, the survivor's measurements and batches folded
     */
    private long[] quiesce(Path pairFile) throws Exception {
        Files.deleteIfExists(pairFile);
        Conditions.await(
                "the pair is gone from the controller",
                Duration.ofSeconds(30),
                () -> controller.shell("cascade:pairs --json"),
                out -> !out.contains("\"id\":\"" + PAIR + "\""));
        long[][] last = {null};
        return Conditions.await(
                "the counters of ctl-1 and " + survivor.id + " rest",
                Duration.ofSeconds(90),
                () -> {
                    String c = controller.shell("cascade:network --json");
                    String o = survivor.shell("cascade:network --json");
                    long[] now = {
                        KafkaNode.field(c, "collected").orElseThrow(),
                        KafkaNode.field(c, "batchesCut").orElseThrow(),
                        KafkaNode.field(o, "measurementsFolded").orElseThrow(),
                        KafkaNode.field(o, "batchesFolded").orElseThrow(),
                        KafkaNode.field(c, "spoolDepth").orElseThrow()
                                + KafkaNode.field(c, "batchesCut").orElseThrow()
                                - KafkaNode.field(c, "batchesSent").orElseThrow()
                    };
                    long[] previous = last[0];
                    last[0] = now;
                    return previous != null && java.util.Arrays.equals(previous, now) && now[4] <= 0 ? now : null;
                },
                now -> now != null);
    }

    /** @return the pair's cycles and missed deadlines on {@code node} */
    private static long[] loop(KafkaNode node) throws Exception {
        String out = node.shell("cascade:pairs --json");
        Matcher m = Pattern.compile("\\{\"id\":\"" + PAIR + "\"[^}]*").matcher(out);
        if (!m.find()) {
            return new long[] {0, 0};
        }
        String row = m.group();
        return new long[] {
            KafkaNode.field(row, "cycles").orElseThrow(),
            KafkaNode.field(row, "missedDeadlines").orElseThrow()
        };
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap, "acks", "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return producer(broker.bootstrap());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static long kind(String json, String topic, String kind) {
        return KafkaNode.field(json, topic + " " + kind).orElse(0L);
    }

    static String partitions(String json) {
        Matcher m = Pattern.compile("\"partitions\":\"([0-9,]*)\"").matcher(json);
        return m.find() ? m.group(1) : "";
    }

    static String source(String networkJson) {
        Matcher m = Pattern.compile("\\{\"pair\":\"" + PAIR + "\",[^}]*\"source\":\"([^\"]+)\"")
                .matcher(networkJson);
        return m.find() ? m.group(1) : "";
    }

    static long version(String networkJson) {
        Matcher m = Pattern.compile("\\{\"pair\":\"" + PAIR + "\",\"version\":(\\d+)")
                .matcher(networkJson);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
