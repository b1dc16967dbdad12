package dev.cascade.api.control;

import org.osgi.annotation.versioning.ProviderType;

/** Where in a cycle a {@link Filter} runs. */
@ProviderType
public enum FilterStage {
    /** On the error, before the control law (e.g. smoothing, dead band). */
    PRE("pre"),
    /** With the control law, on the adjustment it produced (e.g. feed-forward, decoupling tweaks). */
    TRANSFORM("transform"),
    /** On the adjustment, before safety clamps and rate limits (e.g. notch, shaping). */
    POST("post");

    private final String property;

    FilterStage(String property) {
        this.property = property;
    }

    /** @return the value of {@link Filter#STAGE} that selects this stage */
    public String property() {
        return property;
    }

    /**
     * @param value a {@link Filter#STAGE} property value
     * @return the stage it names
     * @throws IllegalArgumentException if it names none, with the allowed values
     */
    public static FilterStage fromProperty(String value) {
        for (FilterStage stage : values()) {
            if (stage.property.equals(value)) {
                return stage;
            }
        }
        throw new IllegalArgumentException(
                Filter.STAGE + " = '" + value + "' is not a stage; use one of pre, transform, post");
    }
}
