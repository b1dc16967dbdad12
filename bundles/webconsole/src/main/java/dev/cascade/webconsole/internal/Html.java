package dev.cascade.webconsole.internal;

import java.util.Locale;

/** Escaping and number formatting for the pages and their SVG: every value from the node passes here. */
final class Html {

    private Html() {}

    /** @return {@code text} safe as HTML/XML text and as a quoted attribute value */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // control characters are not allowed in XML 1.0; SVG must stay well-formed
                    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** @return {@code value} for display with about four significant digits; a dash when not finite */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return Double.isNaN(value) ? "\u2013" : (value > 0 ? "\u221e" : "-\u221e");
        }
        if (value == 0) {
            return "0";
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 1e9 || magnitude < 1e-3) {
            return String.format(Locale.ROOT, "%.3e", value);
        }
        if (magnitude >= 1e4) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        String text = String.format(Locale.ROOT, "%.4g", value);
        if (text.contains(".")) {
            text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return text;
    }

    /** @return a coordinate for SVG: plain decimal, two places, never exponent notation */
    static String coordinate(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
