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

    StepListener NONE = (step, steps, loss, objective, activeHeads) -> {};
}
