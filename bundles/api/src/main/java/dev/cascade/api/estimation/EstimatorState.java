package dev.cascade.api.estimation;

import java.util.Arrays;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Everything an estimator needs to continue estimating a pair, as an opaque, versioned value. It
 * travels inside each {@link TensorUpdate}, so any node can resume a pair's estimation from the latest
 * update.
 */
@ProviderType
public final class EstimatorState {

    private final String estimator;
    private final int format;
    private final byte[] data;

    /**
     * @param estimator the {@link Estimator#NAME} of the estimator that wrote it
     * @param format the estimator's format version of {@code data}
     * @param data the serialised state; copied
     */
    public EstimatorState(String estimator, int format, byte[] data) {
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        this.format = format;
        this.data = Objects.requireNonNull(data, "data").clone();
    }

    /** @return the name of the estimator that wrote this state */
    public String estimator() {
        return estimator;
    }

    /** @return the format version of {@link #data()} */
    public int format() {
        return format;
    }

    /** @return a copy of the serialised state */
    public byte[] data() {
        return data.clone();
    }

    /** @return the size of the serialised state in bytes */
    public int size() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EstimatorState other
                && estimator.equals(other.estimator)
                && format == other.format
                && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(estimator, format, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "EstimatorState[" + estimator + " v" + format + ", " + data.length + " bytes]";
    }
}
