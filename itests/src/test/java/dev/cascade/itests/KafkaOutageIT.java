package dev.cascade.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The broker stopped for 60 s under load: the controller's loop keeps its rate, batches spool on disk;
 * after the broker is back the spool drains in order, and when the loop is stopped every measurement the
 * controller collected has been folded by the optimizer exactly once (counters on both nodes).
 */
class KafkaOutageIT {

    private static final String PAIR = KafkaIT.PAIR;
    private static final Duration OUTAGE = Duration.ofSeconds(60);

    @Test
    void brokerOutageSpoolsAndEveryMeasurementIsFoldedOnce() throws Exception {
        try (KafkaBroker broker = new KafkaBroker();
                KafkaNode controller = new KafkaNode("ctl-o", broker.bootstrap(), "controller", true, "");
                KafkaNode optimizer = new KafkaNode("opt-o", broker.bootstrap(), "optimizer", false, "")) {
            controller.launch();
            optimizer.launch();
            controller.awaitReady();
            optimizer.awaitReady();
            Conditions.await(
                    "the controller holds a tensor from opt-o",
                    Duration.ofSeconds(120),
                    () -> controller.tensorVersion(PAIR),
                    v -> v > 0);

            long[] before = loop(controller);
            broker.stop();
            long stoppedAt = System.nanoTime();
            Conditions.await(
                    "the controller's transport leaves CONNECTED and batches spool",
                    Duration.ofSeconds(30),
                    () -> controller.shell("cascade:network --json"),
                    out -> !out.contains("\"state\":\"CONNECTED\"")
                            && KafkaNode.field(out, "spoolDepth").orElse(0L) > 0);
            // the outage lasts OUTAGE; meanwhile the loop is watched (this wait is the outage itself)
            long spoolMax = 0;
            while (System.nanoTime() - stoppedAt < OUTAGE.toNanos()) {
                String out = controller.shell("cascade:network --json");
                spoolMax = Math.max(spoolMax, KafkaNode.field(out, "spoolDepth").orElse(0L));
                Thread.sleep(2000); // sampling pace during a fixed-length outage, not a synchronisation
            }
            long[] during = loop(controller);
            double seconds = (System.nanoTime() - stoppedAt) / 1e9;
            broker.start();

            long cycles = during[0] - before[0];
            long missed = during[1] - before[1];
            // 10 Hz pair: at least 90 % of its cycles, over the outage and the sampling around it
            assertTrue(cycles >= 0.9 * 10 * OUTAGE.toSeconds(), "cycles during the outage: " + cycles);
            assertTrue(missed <= cycles / 100, "missed deadlines during the outage: " + missed + " of " + cycles);
            assertTrue(spoolMax >= 30, "batches spooled during the outage: " + spoolMax);

            Conditions.await(
                    "the spool drains after the broker returns",
                    Duration.ofSeconds(90),
                    () -> controller.shell("cascade:network --json"),
                    out -> KafkaNode.field(out, "spoolDepth").orElse(-1L) == 0
                            && out.contains("\"state\":\"CONNECTED\""));

            // stop the loop's pair, so the counters come to rest, then compare both sides
            Files.delete(controller.home.resolve("etc/dev.cascade.pair-" + PAIR + ".cfg"));
            Conditions.await(
                    "the pair is gone from the controller",
                    Duration.ofSeconds(30),
                    () -> controller.shell("cascade:pairs --json"),
                    out -> !out.contains("\"id\":\"" + PAIR + "\""));
            String[] last = new String[2];
            Conditions.await(
                    "measurements folded on opt-o = measurements collected on ctl-o",
                    Duration.ofSeconds(90),
                    () -> {
                        last[0] = controller.shell("cascade:network --json");
                        last[1] = optimizer.shell("cascade:network --json");
                        return List.of(
                                KafkaNode.field(last[0], "collected").orElse(-1L),
                                KafkaNode.field(last[0], "spoolDepth").orElse(-1L),
                                KafkaNode.field(last[1], "measurementsFolded").orElse(-2L));
                    },
                    v -> v.get(1) == 0 && v.get(0).equals(v.get(2)));
            String c = last[0];
            String o = last[1];
            assertEquals(0, KafkaNode.field(c, "overwritten").orElseThrow(), c);
            assertEquals(0, KafkaNode.field(c, "spoolDropped").orElseThrow(), c);
            assertEquals(0, KafkaNode.field(o, "foldFailures").orElseThrow(), o);
            long cut = KafkaNode.field(c, "batchesCut").orElseThrow();
            assertEquals(cut, KafkaNode.field(o, "batchesFolded").orElseThrow(), "batches cut = folded: " + c + o);
            assertNotEquals(0, cut);
            System.out.println("outage " + String.format("%.0f", seconds) + " s: " + cycles + " cycles, " + missed
                    + " missed, spool up to " + spoolMax + " batches; collected = folded = "
                    + KafkaNode.field(c, "collected").orElseThrow() + ", batches " + cut + ", duplicates skipped "
                    + KafkaNode.field(o, "duplicates").orElse(0L));
        }
    }

    /** @return the pair's cycles and missed deadlines on {@code node} */
    private static long[] loop(KafkaNode node) throws Exception {
        String out = node.shell("cascade:pairs --json");
        Matcher m = Pattern.compile("\\{\"id\":\"" + PAIR + "\"[^}]*").matcher(out);
        assertTrue(m.find(), out);
        String row = m.group();
        return new long[] {
            KafkaNode.field(row, "cycles").orElseThrow(),
            KafkaNode.field(row, "missedDeadlines").orElseThrow()
        };
    }
}
