package laai.eval;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a result row measures. Rows, checks and tables decide by these values; the label is the
 * text people read in tables, JSON rows and notebooks, and changes nothing but that text.
 */
public enum Method {
    /** The model alone, prompted with the query. */
    ZERO_SHOT("zero-shot", false),
    /** k demonstrations from the training pairs before the query. */
    FEW_SHOT("few-shot", false),
    /** Δ learned with the penalty γ‖Δ‖₁ + λΣ‖Δ_h‖₂. */
    DELTA("delta", true),
    /** Δ learned with γ = λ = 0: what the penalty changes. */
    DELTA_UNREGULARIZED("delta-unregularized", true),
    /** The Δ of the setting chosen on validation pairs ({@link LayerSelection}), scored on the test pairs. */
    DELTA_SELECTED("delta-selected", true),
    /** Composition: a·Δ_A + b·Δ_B, not re-optimised. */
    DELTA_SUM("delta-sum", true),
    /** Composition: a Δ learned on the chained task itself. */
    DELTA_REOPTIMIZED("delta-reoptimized", true),
    /** Composition: α·Δ_A + β·Δ_B with α, β fitted on the chained task. */
    DELTA_FITTED("delta-fitted", true),
    /** Composition: the sum re-optimised for a few steps. */
    DELTA_SUM_REFINED("delta-sum-refined", true),
    /** The mean over training pairs of k-shot minus zero-shot activations ({@link Controls}). */
    MEAN_DIFFERENCE("mean-difference", false),
    /** Δ's norm on Δ's active heads in random directions ({@link Controls}). */
    RANDOM_CONTROL("random-control", false);

    private final String label;
    private final boolean delta;

    Method(String label, boolean delta) {
        this.label = label;
        this.delta = delta;
    }

    /** The text of the method column. */
    public String label() {
        return label;
    }

    /**
     * Whether its row is a Δ learned (or composed from Δs learned) by the optimiser, and so names
     * the layer, site, γ and λ it was learned with. The controls' vectors sit at that layer too, but
     * nothing was learned there with a penalty: their rows leave those columns empty.
     */
    public boolean isDelta() {
        return delta;
    }

    /** The method whose label is {@code label}. */
    public static Method of(String label) {
        for (Method m : values()) {
            if (m.label.equals(label)) return m;
        }
        throw new IllegalArgumentException("unknown method '" + label + "': one of "
                + Arrays.stream(values()).map(Method::label).collect(Collectors.joining(", ")));
    }

    /** The label, so that text built from a row reads as the table does. */
    @Override
    public String toString() {
        return label;
    }
}
