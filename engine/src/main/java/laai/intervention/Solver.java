package laai.intervention;

import java.util.Locale;

/**
 * How the non-smooth penalty γ‖Δ‖₁ + λ Σ_h ‖Δ_h‖₂ is handled.
 * <ul>
 * <li>{@link #PROXIMAL}: an Adam step on the smooth loss, then the penalty's proximal map with
 * Adam's per-entry step η_i = lr/(√v̂_i + ε) (a diagonally preconditioned proximal gradient):
 * soft-threshold entry i by η_i·γ, then shrink each head block by max(0, 1 − η̄_h·λ/‖u_h‖₂).
 * This yields exact zeros, so whole heads switch off.</li>
 * <li>{@link #SUBGRADIENT}: plain Adam on loss + penalty with the subgradient γ·sign(Δ) +
 * λ·Δ_h/‖Δ_h‖ (zero at zero): what an autograd implementation of the paper's objective does.
 * Entries hover near zero instead of reaching it.</li>
 * </ul>
 */
public enum Solver {
    PROXIMAL, SUBGRADIENT;

    /** The name options take and metadata records: {@code proximal}, {@code subgradient}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Solver parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "proximal", "prox" -> PROXIMAL;
            case "subgradient", "adam" -> SUBGRADIENT;
            default -> throw new IllegalArgumentException("unknown solver '" + s + "' (proximal or subgradient)");
        };
    }
}
