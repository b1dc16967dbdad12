package dev.cascade.network.kafka.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the wire format needs, so the bundle depends on nothing but the Kafka client: a strict
 * parser to {@code Map}, {@code List}, {@code String}, {@code Double}/{@code Long}, {@code Boolean} and
 * {@code null}, and a writer. Numbers that are not finite are written as the strings {@code "NaN"},
 * {@code "Infinity"} and {@code "-Infinity"} (JSON has no such numbers).
 */
final class Json {

    /** The text is not JSON; {@link #truncated} when it ended early. */
    static final class ParseException extends Exception {
        final boolean truncated;

        ParseException(String message, boolean truncated) {
            super(message);
            this.truncated = truncated;
        }
    }

    private final String text;
    private int at;

    private Json(String text) {
        this.text = text;
    }

    static Object parse(String text) throws ParseException {
        Json json = new Json(text);
        json.space();
        Object value = json.value(0);
        json.space();
        if (json.at != text.length()) {
            throw new ParseException(
                    "unexpected '" + text.charAt(json.at) + "' at " + json.at + " after the value", false);
        }
        return value;
    }

    private ParseException error(String what) {
        if (at >= text.length()) {
            return new ParseException("ends early (after " + text.length() + " characters)", true);
        }
        return new ParseException(what + " at " + at, false);
    }

    private void space() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    private char peek() throws ParseException {
        if (at >= text.length()) {
            throw error("ends early");
        }
        return text.charAt(at);
    }

    private void expect(char c) throws ParseException {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        at++;
    }

    private Object value(int depth) throws ParseException {
        if (depth > 32) {
            throw error("nested too deep");
        }
        char c = peek();
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                word("true");
                return Boolean.TRUE;
            case 'f':
                word("false");
                return Boolean.FALSE;
            case 'n':
                word("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected '" + c + "'");
        }
    }

    private void word(String w) throws ParseException {
        for (int i = 0; i < w.length(); i++) {
            expect(w.charAt(i));
        }
    }

    private Map<String, Object> object(int depth) throws ParseException {
        expect('{');
        Map<String, Object> map = new LinkedHashMap<>();
        space();
        if (peek() == '}') {
            at++;
            return map;
        }
        while (true) {
            space();
            String key = string();
            space();
            expect(':');
            space();
            map.put(key, value(depth + 1));
            space();
            if (peek() == ',') {
                at++;
                continue;
            }
            expect('}');
            return map;
        }
    }

    private List<Object> array(int depth) throws ParseException {
        expect('[');
        List<Object> list = new ArrayList<>();
        space();
        if (peek() == ']') {
            at++;
            return list;
        }
        while (true) {
            space();
            list.add(value(depth + 1));
            space();
            if (peek() == ',') {
                at++;
                continue;
            }
            expect(']');
            return list;
        }
    }

    private String string() throws ParseException {
        expect('"');
        StringBuilder s = new StringBuilder();
        while (true) {
            char c = peek();
            at++;
            if (c == '"') {
                return s.toString();
            }
            if (c < 0x20) {
                at--;
                throw error("control character in a string");
            }
            if (c != '\\') {
                s.append(c);
                continue;
            }
            char e = peek();
            at++;
            switch (e) {
                case '"', '\\', '/' -> s.append(e);
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        at = text.length();
                        throw error("ends early");
                    }
                    try {
                        s.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    } catch (NumberFormatException bad) {
                        throw error("bad \\u escape");
                    }
                    at += 4;
                }
                default -> {
                    at--;
                    throw error("bad escape '\\" + e + "'");
                }
            }
        }
    }

    private Object number() throws ParseException {
        int start = at;
        boolean integral = true;
        while (at < text.length()) {
            char c = text.charAt(at);
            if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
                at++;
            } else if (c == '.' || c == 'e' || c == 'E') {
                integral = false;
                at++;
            } else {
                break;
            }
        }
        String n = text.substring(start, at);
        try {
            if (integral) {
                return Long.parseLong(n);
            }
            return Double.parseDouble(n);
        } catch (NumberFormatException bad) {
            at = start;
            throw error("bad number '" + n + "'");
        }
    }

    // ---- writing

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

    static void number(StringBuilder out, double d) {
        if (Double.isNaN(d)) {
            out.append("\"NaN\"");
        } else if (Double.isInfinite(d)) {
            out.append(d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            out.append((long) d).append(".0");
        } else {
            out.append(d);
        }
    }
}
