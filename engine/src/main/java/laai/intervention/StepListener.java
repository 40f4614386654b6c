package laai.intervention;

/** Told after every optimisation step (progress bars, loss curves). */
@FunctionalInterface
public interface StepListener {
    /**
     * @param step        1-based step number
     * @param loss        smooth loss (mean over samples) at the Δ before this step's update
     * @param objective   loss + penalty at that Δ
     * @param activeHeads groups of that Δ with a non-zero entry
     */
    void onStep(int step, int steps, double loss, double objective, int activeHeads);

    /**
     * A step of Δ number {@code delta} of {@code deltas} trained together as batched Δs (each
     * step of the batch reports every Δ still training, in order). By default the same as
     * {@link #onStep(int, int, double, double, int)}.
     */
    default void onStep(int delta, int deltas, int step, int steps, double loss, double objective, int activeHeads) {
        onStep(step, steps, loss, objective, activeHeads);
    }

    StepListener NONE = (step, steps, loss, objective, activeHeads) -> {};
}
