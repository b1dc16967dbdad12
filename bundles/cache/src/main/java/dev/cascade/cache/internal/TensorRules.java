package dev.cascade.cache.internal;

import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.CachedTensor;
import dev.cascade.api.tensor.Matrix3;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules an update must pass before the cache takes it, against the pair's current tensor.
 *
 * @param maxNorm largest Frobenius norm of {@code T}
 * @param maxCondition largest 2-norm condition number of {@code T}
 * @param maxRelativeChange largest {@code ‖T_new - T_old‖ / ‖T_old‖} (Frobenius) in one update
 * @param changeCheckConfidence the change rule guards only a tensor whose confidence now is at least this:
 *     one the loop relies on; a less certain tensor (the first estimates of a pair that is learning) may be
 *     replaced by any valid one, or learning would stall on its first guess
 * @param maxAgeMillis an update created longer ago than this is refused
 */
record TensorRules(
        double maxNorm,
        double maxCondition,
        double maxRelativeChange,
        double changeCheckConfidence,
        long maxAgeMillis) {

    /** Pair ids become file names: the core's rule for ids, which also rules out paths. */
    private static final Pattern PAIR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * @param update the candidate
     * @param current the pair's tensor now, null if none
     * @param nowMillis the time now
     * @return why the update is refused; empty if it passes
     */
    Optional<String> check(TensorUpdate update, CachedTensor current, long nowMillis) {
        if (!PAIR.matcher(update.pair()).matches()) {
            return reason(update, "the pair id is not a valid id (1 to 64 letters, digits, '.', '_', '-')");
        }
        if (!update.tensor().isFinite() || !update.gain().isFinite()) {
            return reason(update, "the tensor or the gain has a NaN or infinite entry");
        }
        if (!(update.confidence() >= 0 && update.confidence() <= 1)) {
            return reason(update, "confidence " + update.confidence() + " is not in [0, 1]");
        }
        double norm = Conditioning.frobenius(update.tensor());
        if (norm > maxNorm) {
            return reason(update, "the tensor's norm " + fmt(norm) + " exceeds the limit " + fmt(maxNorm));
        }
        double condition = Conditioning.condition(update.tensor());
        if (!(condition <= maxCondition)) {
            return reason(
                    update,
                    "the tensor's condition number " + fmt(condition) + " exceeds the limit " + fmt(maxCondition));
        }
        if (nowMillis - update.created() > maxAgeMillis) {
            return reason(
                    update,
                    "it was created " + (nowMillis - update.created()) / 1000 + " s ago, longer than the limit of "
                            + maxAgeMillis / 1000 + " s");
        }
        if (current != null) {
            long have = current.update().version();
            if (update.version() <= have) {
                return reason(update, "its version is not newer than version " + have + " in the cache");
            }
            if (current.confidenceAt(nowMillis) >= changeCheckConfidence) {
                Matrix3 old = current.update().tensor();
                double change = Conditioning.frobeniusDistance(update.tensor(), old)
                        / Math.max(Conditioning.frobenius(old), Double.MIN_NORMAL);
                if (change > maxRelativeChange) {
                    return reason(
                            update,
                            "it changes the tensor by " + fmt(100 * change) + " % in one step, more than the limit of "
                                    + fmt(100 * maxRelativeChange) + " %");
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> reason(TensorUpdate update, String why) {
        return Optional.of(
                "update v" + update.version() + " of pair " + update.pair() + " from " + update.source() + ": " + why);
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4g", v);
    }
}
