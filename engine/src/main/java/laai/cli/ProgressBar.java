package laai.cli;

import laai.intervention.StepListener;

/** A one-line progress bar on stderr while Δ is optimised. */
final class ProgressBar implements StepListener {
    private final boolean enabled;

    ProgressBar(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public void onStep(int step, int steps, double loss, double objective, int activeHeads) {
        if (!enabled || (step % 10 != 0 && step != steps)) return;
        int width = 30, done = (int) Math.round((double) width * step / steps);
        System.err.printf("\r[%s%s] step %d/%d  loss %.4f  active heads %d   ",
                "#".repeat(done), " ".repeat(width - done), step, steps, loss, activeHeads);
        if (step == steps) System.err.println();
    }

    /** Batched Δs: the bar moves with the first Δ to reach each step (they step together). */
    @Override
    public void onStep(int delta, int deltas, int step, int steps, double loss, double objective, int activeHeads) {
        if (step < lastStep) lastStep = 0; // the next batch
        if (step == lastStep) return;
        lastStep = step;
        onStep(step, steps, loss, objective, activeHeads);
    }

    private int lastStep;
}
