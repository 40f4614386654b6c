package laai.model;

/** Where in a decoder layer an activation is read or a vector is added. */
public enum Site {
    /**
     * The concatenated per-head attention outputs: the input of the attention output projection
     * (o_proj, W_O), of size heads × head size. Head h owns the contiguous block [h·d, (h+1)·d).
     */
    HEADS,
    /** The residual stream after the whole layer, of size hidden. */
    RESIDUAL;

    public static Site parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "heads", "head", "attn", "o_proj" -> HEADS;
            case "residual", "resid", "hidden" -> RESIDUAL;
            default -> throw new IllegalArgumentException("unknown site '" + s + "' (heads or residual)");
        };
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
