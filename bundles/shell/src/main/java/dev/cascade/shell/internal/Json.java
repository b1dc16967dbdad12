package dev.cascade.shell.internal;

import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.util.List;
import java.util.Map;

/**
 * Minimal JSON writing for {@code --json} output: objects and arrays of strings, numbers, booleans, nested
 * maps and lists; a {@link Vector3} is an array of three numbers, a {@link Matrix3} an array of three rows.
 * NaN and infinities, which JSON lacks, are written as {@code null}.
 */
final class Json {

    private Json() {}

    static String array(List<?> values) {
        StringBuilder out = new StringBuilder();
        value(out, values);
        return out.toString();
    }

    static String object(Map<String, ?> fields) {
        StringBuilder out = new StringBuilder();
        value(out, fields);
        return out.toString();
    }

    private static void value(StringBuilder out, Object value) {
        if (value instanceof Double d && !Double.isFinite(d)) {
            out.append("null"); // JSON has no NaN or infinity
        } else if (value instanceof Number number) {
            out.append(number);
        } else if (value instanceof Boolean bool) {
            out.append(bool);
        } else if (value == null) {
            out.append("null");
        } else if (value instanceof Vector3 v) {
            value(out, List.of(v.x(), v.y(), v.z()));
        } else if (value instanceof Matrix3 m) {
            value(out, List.of(row(m, 0), row(m, 1), row(m, 2)));
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> field : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, String.valueOf(field.getKey()));
                out.append(':');
                value(out, field.getValue());
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                value(out, list.get(i));
            }
            out.append(']');
        } else {
            string(out, value.toString());
        }
    }

    private static Vector3 row(Matrix3 m, int row) {
        return new Vector3(m.get(row, 0), m.get(row, 1), m.get(row, 2));
    }

    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
