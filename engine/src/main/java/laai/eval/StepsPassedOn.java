package laai.eval;

import laai.intervention.StepListener;

/**
 * A {@link RunListener} that passes every optimisation step on to another listener (a progress bar,
 * the caller's listener) and leaves the other events to its subclass: what listeners layered over a
 * run share, so that each says only what it adds.
 */
public abstract class StepsPassedOn implements RunListener {
    private final StepListener steps;

    protected StepsPassedOn(StepListener steps) {
        this.steps = steps == null ? StepListener.NONE : steps;
    }

    @Override
    public void onStep(int step, int count, double loss, double objective, int activeHeads) {
        steps.onStep(step, count, loss, objective, activeHeads);
    }

    @Override
    public void onStep(int delta, int deltas, int step, int count, double loss, double objective, int activeHeads) {
        steps.onStep(delta, deltas, step, count, loss, objective, activeHeads);
    }
}
