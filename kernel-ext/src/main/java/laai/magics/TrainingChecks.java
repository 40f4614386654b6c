package laai.magics;

import laai.eval.Experiment;
import laai.intervention.Delta;
import laai.kernel.MagicException;

/**
 * What a magic checks after each training: that it did not diverge. The optimiser stops on its own
 * and returns its best Δ; evaluating that Δ as if it were a result would report numbers the user
 * never asked for. (An interrupted training never gets here: the engine throws
 * laai.runtime.Interrupted.)
 */
final class TrainingChecks {

    /** The optimiser's stop reasons start so (laai.intervention.Optimizer). */
    private static final String NON_FINITE = "stopped: non-finite";

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
        String reason = delta.metadata().getOrDefault("stop_reason", "");
        if (reason.startsWith(NON_FINITE)) {
            throw new MagicException("the optimisation of " + what + " diverged: " + reason
                    + ". Try a smaller --lr (it was " + s.optimizer().learningRate()
                    + "); the model and earlier results are kept.");
        }
    }

    static boolean diverged(Delta delta) {
        return delta.metadata().getOrDefault("stop_reason", "").startsWith(NON_FINITE);
    }
}
