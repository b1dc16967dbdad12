package dev.cascade.network.kafka.internal;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.estimation.EstimatorState;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.Batch;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batches and tensor updates as Kafka record values, documented in {@code docs/wire-format.md}: batches
 * binary (version 2; version-1 JSON batches are still read), updates UTF-8 JSON objects (version 1). The
 * record key is the pair id. Decoding is strict: anything else is {@link Malformed}, with its {@link Kind}.
 */
final class WireFormat {

    static final int VERSION = 1;
    static final String BATCH = "cascade.batch";
    static final String UPDATE = "cascade.update";

    /** Why a record was skipped. */
    enum Kind {
        /** neither a binary batch nor UTF-8 JSON */
        NOT_JSON,
        /** JSON, or a binary batch, that ends early */
        TRUNCATED,
        /** a Cascade record of a version this node does not read */
        WRONG_VERSION,
        /** JSON, but not the object the topic carries (missing or mistyped fields, key mismatch) */
        WRONG_SHAPE
    }

    static final class Malformed extends Exception {
        final Kind kind;

        Malformed(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }
    }

    private static final Quality[] QUALITIES = Quality.values();

    private WireFormat() {}

    // ---- batches

    /** The first bytes of a binary batch: "CBAT". */
    static final int BATCH_MAGIC = 0x43424154;
    /** The version of the binary batch, the byte after {@link #BATCH_MAGIC}. */
    static final int BATCH_VERSION = 2;

    private static final int BATCH_HEADER = 4 + 1 + 2 + 2 + 8 + 8 + 4;
    private static final int MEASUREMENT_BYTES = 8 + 1 + 9 * 8;

    /**
     * A batch as written: binary version 2 (JSON numbers cost more to write and read than the whole trip
     * through the broker, see benchmarks/README.md); {@code docs/wire-format.md} has the layout.
     */
    static byte[] encode(Batch batch) {
        byte[] pair = batch.pair().getBytes(StandardCharsets.UTF_8);
        byte[] producer = batch.producer().getBytes(StandardCharsets.UTF_8);
        if (pair.length > 0xFFFF || producer.length > 0xFFFF) {
            throw new IllegalArgumentException("pair or producer id longer than 65535 bytes");
        }
        List<Measurement> ms = batch.measurements();
        ByteBuffer out =
                ByteBuffer.allocate(BATCH_HEADER + pair.length + producer.length + ms.size() * MEASUREMENT_BYTES);
        out.putInt(BATCH_MAGIC).put((byte) BATCH_VERSION);
        out.putShort((short) pair.length).put(pair);
        out.putShort((short) producer.length).put(producer);
        out.putLong(batch.sequence()).putLong(batch.cut()).putInt(ms.size());
        for (Measurement m : ms) {
            out.putLong(m.timestamp()).put((byte) m.quality().ordinal());
            put(out, m.parent());
            put(out, m.error());
            put(out, m.adjustment());
        }
        return out.array();
    }

    private static void put(ByteBuffer out, Vector3 v) {
        out.putDouble(v.x()).putDouble(v.y()).putDouble(v.z());
    }

    /** A batch as JSON, version 1: what nodes wrote before version 2, and what the decoder prints. */
    static byte[] encodeJson(Batch batch) {
        StringBuilder out = new StringBuilder(160 + 170 * batch.measurements().size());
        out.append("{\"format\":\"" + BATCH + "\",\"v\":" + VERSION + ",\"pair\":");
        Json.string(out, batch.pair());
        out.append(",\"producer\":");
        Json.string(out, batch.producer());
        out.append(",\"sequence\":").append(batch.sequence());
        out.append(",\"cut\":").append(batch.cut());
        out.append(",\"measurements\":[");
        boolean first = true;
        for (Measurement m : batch.measurements()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append("{\"t\":").append(m.timestamp());
            out.append(",\"q\":\"").append(m.quality().name()).append('"');
            out.append(",\"parent\":");
            vector(out, m.parent());
            out.append(",\"error\":");
            vector(out, m.error());
            out.append(",\"adjustment\":");
            vector(out, m.adjustment());
            out.append('}');
        }
        out.append("]}");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param key the record key, null if none
     */
    static Batch decodeBatch(byte[] key, byte[] value) throws Malformed {
        if (isBinaryBatch(value)) {
            return decodeBinaryBatch(key, value);
        }
        Map<String, Object> o = object(value, BATCH);
        try {
            String pair = text(o, "pair");
            checkKey(key, pair);
            List<Object> raw = list(o, "measurements");
            if (raw.isEmpty()) {
                throw shape("measurements is empty");
            }
            List<Measurement> measurements = new ArrayList<>(raw.size());
            for (Object item : raw) {
                if (!(item instanceof Map<?, ?> m)) {
                    throw shape("a measurement is not an object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) m;
                measurements.add(new Measurement(
                        pair,
                        whole(fields, "t"),
                        vector(fields, "parent"),
                        vector(fields, "error"),
                        vector(fields, "adjustment"),
                        quality(text(fields, "q"))));
            }
            return new Batch(pair, text(o, "producer"), whole(o, "sequence"), measurements, whole(o, "cut"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw shape(e.getMessage());
        }
    }

    /** True if the value starts with the magic of a binary batch (of any version). */
    static boolean isBinaryBatch(byte[] value) {
        return value != null && value.length >= 4 && ByteBuffer.wrap(value).getInt() == BATCH_MAGIC;
    }

    private static Batch decodeBinaryBatch(byte[] key, byte[] value) throws Malformed {
        if (value.length < 5) {
            throw new Malformed(Kind.TRUNCATED, "binary batch ends early (" + value.length + " bytes)");
        }
        if (value[4] != BATCH_VERSION) {
            throw new Malformed(
                    Kind.WRONG_VERSION,
                    "binary batch version " + (value[4] & 0xFF) + ", this node reads version " + BATCH_VERSION);
        }
        ByteBuffer in = ByteBuffer.wrap(value, 5, value.length - 5);
        try {
            String pair = utf8(in, "pair");
            checkKey(key, pair);
            String producer = utf8(in, "producer");
            long sequence = in.getLong();
            long cut = in.getLong();
            int count = in.getInt();
            if (count <= 0) {
                throw shape("measurements: " + count + ", expected at least one");
            }
            if ((long) count * MEASUREMENT_BYTES > in.remaining()) {
                throw new Malformed(
                        Kind.TRUNCATED,
                        "binary batch of " + count + " measurements ends early (" + value.length + " bytes)");
            }
            List<Measurement> measurements = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long t = in.getLong();
                int q = in.get();
                if (q < 0 || q >= QUALITIES.length) {
                    throw shape("measurement " + i + " has quality " + q + ", expected 0 to " + (QUALITIES.length - 1));
                }
                Vector3 parent = vector(in);
                Vector3 error = vector(in);
                Vector3 adjustment = vector(in);
                measurements.add(new Measurement(pair, t, parent, error, adjustment, QUALITIES[q]));
            }
            if (in.hasRemaining()) {
                throw shape(in.remaining() + " bytes after the last measurement");
            }
            return new Batch(pair, producer, sequence, measurements, cut);
        } catch (java.nio.BufferUnderflowException e) {
            throw new Malformed(Kind.TRUNCATED, "binary batch ends early (" + value.length + " bytes)");
        } catch (IllegalArgumentException | NullPointerException e) {
            throw shape(e.getMessage());
        }
    }

    private static String utf8(ByteBuffer in, String field) throws Malformed {
        int length = in.getShort() & 0xFFFF;
        if (length == 0) {
            throw shape(field + " is empty");
        }
        if (length > in.remaining()) {
            throw new java.nio.BufferUnderflowException();
        }
        ByteBuffer slice = in.slice();
        slice.limit(length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice)
                    .toString();
        } catch (CharacterCodingException e) {
            throw shape(field + " is not UTF-8");
        }
    }

    private static Vector3 vector(ByteBuffer in) {
        return new Vector3(in.getDouble(), in.getDouble(), in.getDouble());
    }

    // ---- updates

    static byte[] encode(TensorUpdate u) {
        StringBuilder out = new StringBuilder(512 + u.state().size() * 4 / 3);
        out.append("{\"format\":\"" + UPDATE + "\",\"v\":" + VERSION + ",\"pair\":");
        Json.string(out, u.pair());
        out.append(",\"version\":").append(u.version());
        out.append(",\"tensor\":");
        numbers(out, u.tensor().toRowMajor());
        out.append(",\"gain\":");
        numbers(out, u.gain().toRowMajor());
        out.append(",\"confidence\":");
        Json.number(out, u.confidence());
        out.append(",\"timeConstants\":");
        vector(out, u.timeConstants());
        out.append(",\"state\":{\"estimator\":");
        Json.string(out, u.state().estimator());
        out.append(",\"format\":").append(u.state().format());
        out.append(",\"data\":\"")
                .append(Base64.getEncoder().encodeToString(u.state().data()))
                .append("\"}");
        out.append(",\"folded\":{");
        boolean first = true;
        for (Map.Entry<String, Long> e : u.folded().entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            Json.string(out, e.getKey());
            out.append(':').append(e.getValue().longValue());
        }
        out.append("},\"source\":");
        Json.string(out, u.source());
        out.append(",\"created\":").append(u.created());
        out.append('}');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static TensorUpdate decodeUpdate(byte[] key, byte[] value) throws Malformed {
        if (isBinaryBatch(value)) {
            throw shape("a binary batch, not an update");
        }
        Map<String, Object> o = object(value, UPDATE);
        try {
            String pair = text(o, "pair");
            checkKey(key, pair);
            Map<String, Object> state = map(o, "state");
            byte[] data;
            try {
                data = Base64.getDecoder().decode(text(state, "data"));
            } catch (IllegalArgumentException e) {
                throw shape("state.data is not base64");
            }
            Map<String, Long> folded = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : map(o, "folded").entrySet()) {
                if (!(e.getValue() instanceof Long l)) {
                    throw shape("folded." + e.getKey() + " is not a whole number");
                }
                folded.put(e.getKey(), l);
            }
            return new TensorUpdate(
                    pair,
                    whole(o, "version"),
                    Matrix3.ofRowMajor(numbers(o, "tensor", 9)),
                    Matrix3.ofRowMajor(numbers(o, "gain", 9)),
                    number(o.get("confidence"), "confidence"),
                    vector(o, "timeConstants"),
                    new EstimatorState(text(state, "estimator"), (int) whole(state, "format"), data),
                    folded,
                    text(o, "source"),
                    whole(o, "created"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw shape(e.getMessage());
        }
    }

    // ---- reading helpers

    private static Map<String, Object> object(byte[] value, String format) throws Malformed {
        if (value == null) {
            throw shape("no value");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Malformed(Kind.NOT_JSON, "not UTF-8 text (" + value.length + " bytes)");
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (Json.ParseException e) {
            throw new Malformed(e.truncated ? Kind.TRUNCATED : Kind.NOT_JSON, "not JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> m)) {
            throw shape("not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) m;
        Object f = o.get("format");
        if (!format.equals(f)) {
            throw shape("format is " + describe(f) + ", expected \"" + format + "\"");
        }
        Object v = o.get("v");
        if (!(v instanceof Long version)) {
            throw shape("v is " + describe(v) + ", expected a whole number");
        }
        if (version != VERSION) {
            throw new Malformed(Kind.WRONG_VERSION, "version " + version + ", this node reads version " + VERSION);
        }
        return o;
    }

    private static void checkKey(byte[] key, String pair) throws Malformed {
        if (key != null && !pair.equals(new String(key, StandardCharsets.UTF_8))) {
            throw shape("key '" + new String(key, StandardCharsets.UTF_8) + "' is not the pair '" + pair + "'");
        }
    }

    private static Malformed shape(String why) {
        return new Malformed(Kind.WRONG_SHAPE, why);
    }

    private static String describe(Object o) {
        if (o == null) {
            return "missing";
        }
        String s = o instanceof String ? "\"" + o + "\"" : String.valueOf(o);
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static String text(Map<String, Object> o, String field) throws Malformed {
        if (!(o.get(field) instanceof String s) || s.isEmpty()) {
            throw shape(field + " is " + describe(o.get(field)) + ", expected a non-empty string");
        }
        return s;
    }

    private static long whole(Map<String, Object> o, String field) throws Malformed {
        if (!(o.get(field) instanceof Long l)) {
            throw shape(field + " is " + describe(o.get(field)) + ", expected a whole number");
        }
        return l;
    }

    private static List<Object> list(Map<String, Object> o, String field) throws Malformed {
        if (!(o.get(field) instanceof List<?> l)) {
            throw shape(field + " is " + describe(o.get(field)) + ", expected an array");
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) l;
        return list;
    }

    private static Map<String, Object> map(Map<String, Object> o, String field) throws Malformed {
        if (!(o.get(field) instanceof Map<?, ?> m)) {
            throw shape(field + " is " + describe(o.get(field)) + ", expected an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) m;
        return map;
    }

    private static double number(Object v, String field) throws Malformed {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof String s) {
            switch (s) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
            }
        }
        throw shape(field + " is " + describe(v) + ", expected a number");
    }

    private static double[] numbers(Map<String, Object> o, String field, int size) throws Malformed {
        List<Object> l = list(o, field);
        if (l.size() != size) {
            throw shape(field + " has " + l.size() + " numbers, expected " + size);
        }
        double[] d = new double[size];
        for (int i = 0; i < size; i++) {
            d[i] = number(l.get(i), field + "[" + i + "]");
        }
        return d;
    }

    private static Vector3 vector(Map<String, Object> o, String field) throws Malformed {
        double[] d = numbers(o, field, 3);
        return new Vector3(d[0], d[1], d[2]);
    }

    private static Quality quality(String name) throws Malformed {
        for (Quality q : QUALITIES) {
            if (q.name().equals(name)) {
                return q;
            }
        }
        throw shape("q is \"" + name + "\", expected GOOD, UNCERTAIN or BAD");
    }

    // ---- writing helpers

    private static void vector(StringBuilder out, Vector3 v) {
        out.append('[');
        Json.number(out, v.x());
        out.append(',');
        Json.number(out, v.y());
        out.append(',');
        Json.number(out, v.z());
        out.append(']');
    }

    private static void numbers(StringBuilder out, double[] d) {
        out.append('[');
        for (int i = 0; i < d.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            Json.number(out, d[i]);
        }
        out.append(']');
    }
}
