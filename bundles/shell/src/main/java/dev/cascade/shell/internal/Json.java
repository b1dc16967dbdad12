package dev.cascade.shell.internal;

import java.util.Map;

/** Minimal JSON writing for {@code --json} output: flat objects of strings and numbers. */
final class Json {

    private Json() {}

    static String array(java.util.List<? extends Map<String, ?>> objects) {
        StringBuilder out = new StringBuilder("[");
        for (Map<String, ?> o : objects) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(object(o));
        }
        return out.append(']').toString();
    }

    static String object(Map<String, ?> fields) {
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, ?> field : fields.entrySet()) {
            if (out.length() > 1) {
                out.append(',');
            }
            string(out, field.getKey());
            out.append(':');
            Object value = field.getValue();
            if (value instanceof Double d && !Double.isFinite(d)) {
                out.append("null"); // JSON has no NaN or infinity
            } else if (value instanceof Number number) {
                out.append(number);
            } else if (value instanceof Boolean bool) {
                out.append(bool);
            } else if (value == null) {
                out.append("null");
            } else {
                string(out, value.toString());
            }
        }
        return out.append('}').toString();
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
