package laai.eval;

import laai.intervention.StepListener;

/**
 * Told as a run ({@link Experiment}, {@link Sweep}, {@link Composition}, {@link PaperTable})
 * finishes each of its parts: every optimisation step, every Δ trained, every result row; and,
 * for an {@link Experiment}'s comparison, as each row starts. An
 * interrupted run throws {@link laai.runtime.Interrupted} instead of returning, so this is how
 * its caller learns what was finished (see {@link Finished}).
 */
public interface RunListener extends StepListener {

    /** A Δ's training ended: completed, stopped early, or cut short by an interrupt (its stop reason says which). */
    default void deltaTrained(Experiment.Job job, Experiment.Trained trained) {
    }

    /**
     * A row's evaluation starts ({@link Experiment}'s comparisons say so): its method, and the
     * settings it runs at (its seed, and for a Δ the penalty it was trained with).
     */
    default void rowStarted(Method method, Experiment.Settings settings) {
    }

    /** A result row is complete. */
    default void rowFinished(ResultRow row) {
    }

    RunListener NONE = (step, steps, loss, objective, activeHeads) -> {};

    static RunListener orNone(RunListener listener) {
        return listener == null ? NONE : listener;
    }
}
