package dev.cascade.tensor.internal;

/**
 * The controller tensor {@code T = (GᵀG + μI)⁻¹Gᵀ} from a plant gain {@code G}, with {@code μ} chosen
 * from {@code G}'s singular values {@code σ1 ≥ σ2 ≥ σ3}.
 *
 * <p>The rule: {@code μ = s · σ2 · σ3} with {@code s = min(1, (κ - 1) / (KAPPA_FULL - 1))} and {@code κ =
 * σ1 / σ3}. For an ill-conditioned plant ({@code κ ≥ 10}) {@code μ = σ2σ3}, the geometric middle of
 * {@code [σ3², σ2²]}, the range in which the reference simulation of DESIGN.md section 2a found the
 * regularised decoupling PI best: the two strong directions are inverted almost exactly ({@code σ ≥
 * σ2} gives {@code σ/(σ²+μ) ≥ 1/(σ(1 + σ3/σ2))}) and the weakest is damped to {@code σ3/(σ3² + σ2σ3) <
 * 1/σ2}, so no direction is amplified by more than about {@code 1/σ2}. For a well-conditioned plant
 * there is nothing to protect against, so the regularisation fades in linearly from none at {@code κ =
 * 1} (the exact inverse) to full at {@code κ = 10}; the rule is continuous in {@code G}.
 *
 * <p>A zero {@code G} gives a zero {@code T}. Not thread-safe (it owns an {@link Svd3}); allocation-free.
 */
public final class ControllerTensor {

    /** The condition number from which the full regularisation {@code μ = σ2σ3} applies. */
    public static final double KAPPA_FULL = 10;

    private final Svd3 svd = new Svd3();

    /**
     * @param g the plant gain, row-major
     * @param t receives {@code T}, row-major
     * @return the {@code μ} used
     */
    public double tensor(double[] g, double[] t) {
        svd.decompose(g);
        double mu = mu(svd.sigma(0), svd.sigma(1), svd.sigma(2));
        svd.tikhonov(mu, t);
        return mu;
    }

    /** @return the condition number of the last {@code G} passed to {@link #tensor} */
    public double condition() {
        return svd.condition();
    }

    /** @return {@code μ} for singular values {@code s1 ≥ s2 ≥ s3 ≥ 0}, by the rule in the class comment */
    public static double mu(double s1, double s2, double s3) {
        if (s1 == 0) {
            return 0;
        }
        double kappa = s3 == 0 ? Double.POSITIVE_INFINITY : s1 / s3;
        double scale = Math.min(1, (kappa - 1) / (KAPPA_FULL - 1));
        return scale * s2 * s3;
    }
}
