package laai.magics;

import java.util.List;
import java.util.Locale;

import laai.eval.RunListener;

/**
 * Turns the optimiser's steps into one progress display over several trainings (an intervene
 * trains two Δs, a sweep many): step, loss and active heads of the run in progress. A run ends
 * when the step count starts again, since early stopping makes run lengths unknown up front.
 */
final class TrainingProgress implements RunListener {

    private final Host.Progress progress;
    private final int runs;
    private final int stepsPerRun;
    private final int heads;
    private final List<String> runNames;
    private int run;
    private int lastStep;
    private long done;

    /**
     * @param runNames one name per run, or empty to number them ("run 3/12")
     */
    TrainingProgress(Host host, String label, int runs, int stepsPerRun, int heads, List<String> runNames) {
        this.runs = runs;
        this.stepsPerRun = stepsPerRun;
        this.heads = heads;
        this.runNames = runNames;
        this.progress = host.progress(label, (long) runs * stepsPerRun);
    }

    @Override
    public void onStep(int step, int steps, double loss, double objective, int activeHeads) {
        if (step <= lastStep) {
            run++;
        }
        lastStep = step;
        done = (long) Math.min(run, runs - 1) * stepsPerRun + step;
        progress.update(done, String.format(Locale.ROOT, "%s · step %d/%d · loss %.4f · active heads %d/%d",
                runName(), step, steps, loss, activeHeads, heads));
    }

    /**
     * Batched Δs report one step each per batch step; the bar counts every Δ's steps, and a batch
     * ends when a Δ's step count starts again.
     */
    @Override
    public void onStep(int delta, int deltas, int step, int steps, double loss, double objective, int activeHeads) {
        if (deltas == 1) {
            onStep(step, steps, loss, objective, activeHeads);
            return;
        }
        if (batchSteps == null || batchSteps.length != deltas || step <= batchSteps[delta]) {
            if (batchSteps != null) batchBase += (long) batchSteps.length * stepsPerRun;
            batchSteps = new int[deltas];
        }
        batchSteps[delta] = step;
        long inBatch = 0;
        for (int s : batchSteps) inBatch += s;
        done = Math.min(batchBase + inBatch, (long) runs * stepsPerRun);
        String name = runNames.size() == deltas ? runNames.get(delta) : "Δ " + (delta + 1) + " of " + deltas + " together";
        progress.update(done, String.format(Locale.ROOT, "%s · step %d/%d · loss %.4f · active heads %d/%d",
                name, step, steps, loss, activeHeads, heads));
    }

    private int[] batchSteps;
    private long batchBase;

    /** Shows what happens between trainings (baselines, evaluation). */
    void note(String what) {
        progress.note(done, what);
    }

    void finish(String summary) {
        progress.finish(summary);
    }

    private String runName() {
        int r = Math.min(run, runs - 1);
        return runNames.isEmpty() ? "run " + (r + 1) + "/" + runs : runNames.get(r);
    }
}
