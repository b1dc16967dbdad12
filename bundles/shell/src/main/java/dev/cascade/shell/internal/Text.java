package dev.cascade.shell.internal;

import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.io.PrintStream;
import java.util.Locale;

/** Plain-text layout shared by the commands: numbers, vectors and matrices that line up. */
final class Text {

    private Text() {}

    /**
     * @return the number with four significant digits, whole numbers from 10000 to 10^9 without an exponent,
     *     or {@code -} for NaN
     */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double magnitude = Math.abs(v);
        return magnitude >= 1e4 && magnitude < 1e9
                ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.4g", v);
    }

    /** @return {@code x, y, z}, each with four significant digits */
    static String vector(Vector3 v) {
        return number(v.x()) + ", " + number(v.y()) + ", " + number(v.z());
    }

    /** Prints the matrix as three indented rows of right-aligned columns. */
    static void matrix(PrintStream out, Matrix3 m) {
        for (int row = 0; row < 3; row++) {
            out.printf("    %12s %12s %12s%n", number(m.get(row, 0)), number(m.get(row, 1)), number(m.get(row, 2)));
        }
    }

    /** @return seconds as {@code 12.3 s}, minutes or hours when longer */
    static String age(long millis) {
        double s = millis / 1000.0;
        if (s < 120) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        if (s < 7200) {
            return String.format(Locale.ROOT, "%.1f min", s / 60);
        }
        return String.format(Locale.ROOT, "%.1f h", s / 3600);
    }
}
