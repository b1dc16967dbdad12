package dev.cascade.tensor.internal;

/**
 * Confidence in [0, 1] of an estimated gain: the product of six factors, each in [0, 1], so that any
 * one reason for doubt is enough to lower it.
 *
 * <pre>
 *   confidence = fit · precision · excitation · samples · conditioning · freshness
 *   fit          = clamp(R², 0, 1)                       R² of the one-step prediction of the parent's change
 *   precision    = 1 / (1 + (r / 0.1)²)                  r: relative standard error of A and B
 *   excitation   = min(1, 10 · √(λmin / λmax))           eigenvalues of the actuator block of P
 *   samples      = n / (n + 20)                          n: rows folded into the model
 *   conditioning = 1 / (1 + log10(κ(G)) / 3)             κ: 2-norm condition number of G
 *   freshness    = exp(-age / τ_age)                     age: seconds since the last informative row
 * </pre>
 *
 * Each factor is monotone in its input: a better fit, a smaller error, more even excitation, more
 * samples, a better-conditioned plant and fresher data never lower the confidence. A relative error of
 * 10% halves it, 20 rows half-fill the sample factor, a plant with condition number 1000 halves it, and
 * {@code τ_age} of silence divides it by e.
 */
public final class Confidence {

    /** The relative parameter error at which {@link #precision} is one half. */
    public static final double HALF_ERROR = 0.1;

    /** The number of rows at which {@link #samples} is one half: about three per parameter. */
    public static final double HALF_SAMPLES = 20;

    private Confidence() {}

    /** @return the product of the six factors */
    public static double of(
            double rSquared,
            double relativeError,
            double excitationRatio,
            long samples,
            double condition,
            double ageSeconds,
            double ageTimeConstant) {
        double c = fit(rSquared)
                * precision(relativeError)
                * excitation(excitationRatio)
                * samples(samples)
                * conditioning(condition)
                * freshness(ageSeconds, ageTimeConstant);
        return Double.isNaN(c) ? 0 : Math.max(0, Math.min(1, c));
    }

    /**
     * The same product with the precision factor halving at {@code halfError} instead of {@link
     * #HALF_ERROR}.
     */
    public static double of(
            double rSquared,
            double relativeError,
            double halfError,
            double excitationRatio,
            long samples,
            double condition,
            double ageSeconds,
            double ageTimeConstant) {
        double c = fit(rSquared)
                * precision(relativeError, halfError)
                * excitation(excitationRatio)
                * samples(samples)
                * conditioning(condition)
                * freshness(ageSeconds, ageTimeConstant);
        return Double.isNaN(c) ? 0 : Math.max(0, Math.min(1, c));
    }

    /** @return R² clamped to [0, 1]; NaN counts as no fit */
    public static double fit(double rSquared) {
        return rSquared > 0 ? Math.min(1, rSquared) : 0;
    }

    /** @return {@code 1 / (1 + (r / HALF_ERROR)²)}; NaN or infinite error gives 0 */
    public static double precision(double relativeError) {
        return precision(relativeError, HALF_ERROR);
    }

    /** @return {@code 1 / (1 + (r / half)²)}; NaN or infinite error gives 0 */
    public static double precision(double relativeError, double half) {
        if (!(relativeError >= 0) || Double.isInfinite(relativeError)) {
            return 0;
        }
        double q = relativeError / half;
        return 1 / (1 + q * q);
    }

    /**
     * @param ratio {@code λmin / λmax} of the actuator block of the covariance: 1 when every actuator
     *     direction was excited alike, near 0 when one never was
     * @return {@code min(1, 10√ratio)}: full once the weakest direction has 1% of the strongest's
     *     information
     */
    public static double excitation(double ratio) {
        return ratio > 0 ? Math.min(1, 10 * Math.sqrt(ratio)) : 0;
    }

    /** @return {@code n / (n + HALF_SAMPLES)} */
    public static double samples(long n) {
        return n <= 0 ? 0 : n / (n + HALF_SAMPLES);
    }

    /** @return {@code 1 / (1 + log10(κ) / 3)}; a singular plant gives 0 */
    public static double conditioning(double condition) {
        if (!(condition >= 1) || Double.isInfinite(condition)) {
            return condition >= 0 && condition < 1 ? 1 : 0;
        }
        return 1 / (1 + Math.log10(condition) / 3);
    }

    /** @return {@code exp(-age / tau)}; a negative age (clock skew) counts as fresh */
    public static double freshness(double ageSeconds, double tau) {
        return ageSeconds <= 0 ? 1 : Math.exp(-ageSeconds / tau);
    }
}
