package dev.cascade.itests;

/** The exact inverse of a well-conditioned 3x3 test plant, as a configuration value. */
final class Inverse {

    private Inverse() {}

    static String csv(double[] m) {
        double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], i = m[8];
        double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        double[] inv = {
            (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
            (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
            (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det
        };
        StringBuilder s = new StringBuilder();
        for (double v : inv) {
            s.append(s.length() == 0 ? "" : ", ").append(v);
        }
        return s.toString();
    }
}
