package dev.cascade.core.internal;

/** 3x3 helpers for tests. */
final class Matrix {

    private Matrix() {}

    static double[] inverse(double[] m) {
        double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], i = m[8];
        double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        return new double[] {
            (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
            (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
            (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det
        };
    }

    static String csv(double[] m) {
        StringBuilder s = new StringBuilder();
        for (double v : m) {
            if (s.length() > 0) {
                s.append(", ");
            }
            s.append(v);
        }
        return s.toString();
    }
}
