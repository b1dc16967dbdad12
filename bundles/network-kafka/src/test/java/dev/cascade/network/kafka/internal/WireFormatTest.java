package dev.cascade.network.kafka.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.estimation.EstimatorState;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.Batch;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import dev.cascade.network.kafka.internal.WireFormat.Kind;
import dev.cascade.network.kafka.internal.WireFormat.Malformed;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    private static final byte[] KEY = "hall1".getBytes(StandardCharsets.UTF_8);

    static Batch batch() {
        return new Batch(
                "hall1",
                "node-a",
                1_764_000_000_000_000L,
                List.of(
                        new Measurement(
                                "hall1",
                                1_764_000_000_123L,
                                new Vector3(24.1, 45.2, 119.5),
                                new Vector3(-0.1, -0.2, 0.5),
                                new Vector3(0.01, -1e-9, 3.25),
                                Quality.GOOD),
                        new Measurement(
                                "hall1",
                                1_764_000_000_223L,
                                new Vector3(24.0, 45.0, 120.0),
                                new Vector3(0, 0, 0),
                                new Vector3(1, 2, 3),
                                Quality.UNCERTAIN)),
                1_764_000_001_000L);
    }

    static TensorUpdate update() {
        return new TensorUpdate(
                "hall1",
                7,
                Matrix3.ofRowMajor(1, 2, 3, 4, 5, 6, 7, 8, 9.5),
                Matrix3.IDENTITY,
                0.75,
                new Vector3(3.0, Double.NaN, 30.0),
                new EstimatorState("rls", 2, new byte[] {1, 2, 3, -1, 0}),
                Map.of("node-a", 42L, "node-b", 7L),
                "node-b",
                1_764_000_002_000L);
    }

    @Test
    void batchRoundTrips() throws Malformed {
        Batch b = batch();
        byte[] binary = WireFormat.encode(b);
        assertTrue(WireFormat.isBinaryBatch(binary));
        assertEquals(2, binary[4], "binary batch version");
        assertEquals(b, WireFormat.decodeBatch(KEY, binary));
        assertEquals(b, WireFormat.decodeBatch(KEY, WireFormat.encodeJson(b)), "version 1 JSON is still read");
    }

    @Test
    void malformedBinaryBatchesAreClassified() {
        byte[] b = WireFormat.encode(batch());
        assertEquals(Kind.TRUNCATED, kindOfBatch(Arrays.copyOf(b, b.length - 1)));
        assertEquals(Kind.TRUNCATED, kindOfBatch(Arrays.copyOf(b, 4)));
        assertEquals(Kind.TRUNCATED, kindOfBatch(Arrays.copyOf(b, 12)));
        byte[] v3 = b.clone();
        v3[4] = 3;
        assertEquals(Kind.WRONG_VERSION, kindOfBatch(v3));
        byte[] longer = Arrays.copyOf(b, b.length + 1);
        assertEquals(Kind.WRONG_SHAPE, kindOfBatch(longer));
        byte[] badQuality = b.clone();
        badQuality[b.length - 9 * 8 - 1] = 9; // the last measurement's quality
        assertEquals(Kind.WRONG_SHAPE, kindOfBatch(badQuality));
        assertEquals(
                Kind.WRONG_SHAPE, assertThrows(Malformed.class, () -> WireFormat.decodeBatch(utf8("other"), b)).kind);
        byte[] empty = Arrays.copyOf(b, b.length - batch().measurements().size() * (8 + 1 + 9 * 8));
        java.nio.ByteBuffer.wrap(empty).putInt(empty.length - 4, 0); // no measurements
        assertEquals(Kind.WRONG_SHAPE, kindOfBatch(empty));
    }

    @Test
    void updateRoundTripsWithNaNAndState() throws Malformed {
        TensorUpdate u = update();
        TensorUpdate back = WireFormat.decodeUpdate(KEY, WireFormat.encode(u));
        assertEquals(u.version(), back.version());
        assertEquals(u.tensor(), back.tensor());
        assertEquals(u.gain(), back.gain());
        assertEquals(u.confidence(), back.confidence());
        assertTrue(Double.isNaN(back.timeConstants().y()));
        assertEquals(u.state(), back.state());
        assertEquals(u.folded(), back.folded());
        assertEquals(u.source(), back.source());
        assertEquals(u.created(), back.created());
    }

    @Test
    void decoderPrintsBinaryBatchesAsJson() {
        String json = new String(WireFormat.encodeJson(batch()), StandardCharsets.UTF_8);
        assertEquals(json, WireFormatter.text(KEY, WireFormat.encode(batch())));
        String update = new String(WireFormat.encode(update()), StandardCharsets.UTF_8);
        assertEquals(update, WireFormatter.text(KEY, WireFormat.encode(update())));
        byte[] b = WireFormat.encode(batch());
        assertTrue(WireFormatter.text(KEY, Arrays.copyOf(b, b.length - 3)).startsWith("MALFORMED TRUNCATED: "));
        assertTrue(WireFormatter.text(KEY, utf8("hello")).startsWith("MALFORMED NOT_JSON: "));
    }

    @Test
    void readableJson() {
        String text = new String(WireFormat.encodeJson(batch()), StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\"format\":\"cascade.batch\",\"v\":1,\"pair\":\"hall1\""), text);
    }

    private static Kind kindOfBatch(byte[] value) {
        return assertThrows(Malformed.class, () -> WireFormat.decodeBatch(KEY, value)).kind;
    }

    private static Kind kindOfUpdate(byte[] value) {
        return assertThrows(Malformed.class, () -> WireFormat.decodeUpdate(KEY, value)).kind;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void malformedRecordsAreClassified() {
        byte[] random = new byte[200];
        new Random(1).nextBytes(random);
        assertEquals(Kind.NOT_JSON, kindOfBatch(random));
        assertEquals(Kind.NOT_JSON, kindOfUpdate(random));
        assertEquals(Kind.NOT_JSON, kindOfBatch(utf8("hello")));

        byte[] b = WireFormat.encodeJson(batch());
        byte[] u = WireFormat.encode(update());
        assertEquals(Kind.WRONG_SHAPE, kindOfUpdate(WireFormat.encode(batch()))); // binary batch, updates topic
        assertEquals(Kind.TRUNCATED, kindOfBatch(Arrays.copyOf(b, b.length / 2)));
        assertEquals(Kind.TRUNCATED, kindOfUpdate(Arrays.copyOf(u, u.length - 1)));

        assertEquals(
                Kind.WRONG_VERSION,
                kindOfBatch(utf8(new String(b, StandardCharsets.UTF_8).replace("\"v\":1", "\"v\":2"))));
        assertEquals(
                Kind.WRONG_VERSION,
                kindOfUpdate(utf8(new String(u, StandardCharsets.UTF_8).replace("\"v\":1", "\"v\":99"))));

        assertEquals(Kind.WRONG_SHAPE, kindOfBatch(utf8("{\"hello\":\"world\"}")));
        assertEquals(Kind.WRONG_SHAPE, kindOfBatch(utf8("[1,2,3]")));
        assertEquals(Kind.WRONG_SHAPE, kindOfBatch(u)); // an update on the measurements topic
        assertEquals(Kind.WRONG_SHAPE, kindOfUpdate(b));
        assertEquals(
                Kind.WRONG_SHAPE,
                kindOfBatch(utf8("{\"format\":\"cascade.batch\",\"v\":1,\"pair\":\"hall1\","
                        + "\"producer\":\"x\",\"sequence\":1,\"cut\":1,\"measurements\":[]}")));
        assertEquals(
                Kind.WRONG_SHAPE,
                kindOfBatch(utf8(new String(b, StandardCharsets.UTF_8).replace("\"GOOD\"", "\"FINE\""))));
        assertEquals(
                Kind.WRONG_SHAPE,
                kindOfUpdate(utf8(new String(u, StandardCharsets.UTF_8).replace("\"tensor\":[", "\"tensor\":[1,"))));
        assertEquals(Kind.WRONG_SHAPE, kindOfUpdate(null));
        // the key must be the pair
        assertEquals(
                Kind.WRONG_SHAPE, assertThrows(Malformed.class, () -> WireFormat.decodeBatch(utf8("other"), b)).kind);
    }

    @Test
    void skippedIsCountedPerTopicAndKind() {
        Skipped s = new Skipped();
        s.record("m", 0, 1, new Malformed(Kind.NOT_JSON, "x"));
        s.record("m", 0, 2, new Malformed(Kind.NOT_JSON, "x"));
        s.record("u", 0, 3, new Malformed(Kind.TRUNCATED, "x"));
        assertEquals(2, s.count("m", Kind.NOT_JSON));
        assertEquals(1, s.count("u", Kind.TRUNCATED));
        assertEquals(3, s.total());
    }
}
