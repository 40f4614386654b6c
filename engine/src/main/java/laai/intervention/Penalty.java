package laai.intervention;

/**
 * The sparsity penalty γ‖Δ‖₁ + λ Σ_h ‖Δ_h‖₂ over contiguous groups of {@code groupSize} entries
 * (a head's block of the o_proj input; contiguous blocks of the same size on the residual stream).
 */
public record Penalty(double lasso, double groupLasso, int groupSize) {

    public Penalty {
        if (lasso < 0 || groupLasso < 0) throw new IllegalArgumentException("penalty weights must be ≥ 0");
        if (!Double.isFinite(lasso) || !Double.isFinite(groupLasso)) throw new IllegalArgumentException("penalty weights must be finite");
        if (groupSize < 1) throw new IllegalArgumentException("group size must be ≥ 1");
    }

    public double value(float[] delta) {
        double l1 = 0, groups = 0;
        for (float v : delta) l1 += Math.abs(v);
        for (int g = 0; g < delta.length / groupSize; g++) groups += Math.sqrt(groupSquares(delta, g));
        return lasso * l1 + groupLasso * groups;
    }

    /**
     * The proximal map with a step η_i per entry, in place: soft-threshold entry i by η_i·γ, then
     * shrink each group by max(0, 1 − η̄_h·λ/‖u_h‖₂), η̄_h the group's mean step. With Adam the
     * steps are its per-entry effective learning rates, so the penalty acts on the same scale as
     * the loss step it follows (a single η = lr would leave it negligible next to Adam's
     * normalised steps).
     */
    public void prox(float[] u, double[] eta) {
        for (int i = 0; i < u.length; i++) {
            double a = Math.abs(u[i]) - eta[i] * lasso;
            u[i] = a > 0 ? (float) Math.copySign(a, u[i]) : 0f;
        }
        if (groupLasso == 0) return;
        for (int g = 0; g < u.length / groupSize; g++) {
            double norm = Math.sqrt(groupSquares(u, g)), step = 0;
            for (int i = g * groupSize; i < (g + 1) * groupSize; i++) step += eta[i] / groupSize;
            double scale = norm > 0 ? Math.max(0, 1 - step * groupLasso / norm) : 0;
            for (int i = g * groupSize; i < (g + 1) * groupSize; i++) u[i] = (float) (u[i] * scale);
        }
    }

    /** A subgradient of the penalty, added to {@code grad} in place (zero where Δ or its group is zero). */
    public void addSubgradient(float[] delta, float[] grad) {
        for (int g = 0; g < delta.length / groupSize; g++) {
            double norm = Math.sqrt(groupSquares(delta, g));
            for (int i = g * groupSize; i < (g + 1) * groupSize; i++) {
                double s = lasso * Math.signum(delta[i]) + (norm > 0 ? groupLasso * delta[i] / norm : 0);
                grad[i] += (float) s;
            }
        }
    }

    /** Groups with a non-zero entry. */
    public int activeGroups(float[] delta) {
        int active = 0;
        for (int g = 0; g < delta.length / groupSize; g++) if (groupSquares(delta, g) > 0) active++;
        return active;
    }

    /** ‖Δ_h‖₂ for every group. */
    public double[] groupNorms(float[] delta) {
        double[] norms = new double[delta.length / groupSize];
        for (int g = 0; g < norms.length; g++) norms[g] = Math.sqrt(groupSquares(delta, g));
        return norms;
    }

    private double groupSquares(float[] x, int g) {
        double s = 0;
        for (int i = g * groupSize; i < (g + 1) * groupSize; i++) s += (double) x[i] * x[i];
        return s;
    }
}
