package laai.magics;

import laai.eval.Experiment;
import laai.intervention.Delta;
import laai.intervention.Optimizer;
import laai.kernel.MagicException;

/**
 * What a magic checks after each training: that it did not diverge. The optimiser stops on its own
 * and returns its best Δ; evaluating that Δ as if it were a result would report numbers the user
 * never asked for. (An interrupted training never gets here: the engine throws
 * laai.runtime.Interrupted.)
 */
final class TrainingChecks {

    private TrainingChecks() {
    }

    /**
     * @param what the training's name in messages, e.g. "Δ (γ = λ = 0)"
     */
    static void check(Experiment.Trained trained, String what, Experiment.Settings s) {
        checkDelta(trained.delta(), what, s);
    }

    /** The same check from a Δ's metadata, for trainings run inside the engine (composition). */
    static void checkDelta(Delta delta, String what, Experiment.Settings s) {
        if (diverged(delta)) {
            throw new MagicException("the optimisation of " + what + " diverged: " + delta.metadata().get("stop_reason")
                    + ". Try a smaller --lr (it was " + s.optimizer().learningRate()
                    + "); the model and earlier results are kept.");
        }
    }

    static boolean diverged(Delta delta) {
        return Optimizer.Stop.ofLabel(delta.metadata().get("stop")) == Optimizer.Stop.NON_FINITE;
    }
}
