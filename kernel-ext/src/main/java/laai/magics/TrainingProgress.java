package laai.magics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import laai.eval.RunListener;

/**
 * Turns the optimiser's steps into one progress display over several trainings (an intervene
 * trains two Δs, a sweep many, a compose three Δs and then a refinement): step, loss and active
 * heads of the run in progress.
 *
 * <p>Runs come in groups: batched Δs trained together, or one Δ alone. A group ends when a Δ's
 * step count starts again or the group's size changes, since early stopping makes run lengths
 * unknown up front; the bar then counts the finished group's whole budget. Each run has its own
 * budget of steps (a refinement is shorter than a training), and the runs are named in the order
 * they train.
 */
final class TrainingProgress implements RunListener {

    /** One training as the bar names it, with its budget of steps. */
    record Run(String name, int steps) {}

    private final Host.Progress progress;
    private final List<Run> runs;
    private final long total;
    private final int heads;
    /** Index of the group's first run, the steps of the runs before it, each of its Δs' step. */
    private int first;
    private long base;
    private int[] groupSteps;
    private long done;

    /**
     * Runs of {@code stepsPerRun} steps each.
     *
     * @param runNames one name per run, or empty to number them ("run 3/12")
     */
    TrainingProgress(Host host, String label, int runs, int stepsPerRun, int heads, List<String> runNames) {
        this(host, label, uniform(runs, stepsPerRun, runNames), heads);
    }

    /** Runs of their own budgets, named, in the order they train. */
    TrainingProgress(Host host, String label, List<Run> runs, int heads) {
        this.runs = List.copyOf(runs);
        this.heads = heads;
        this.total = runs.stream().mapToLong(Run::steps).sum();
        this.progress = host.progress(label, total);
    }

    @Override
    public void onStep(int step, int steps, double loss, double objective, int activeHeads) {
        onStep(0, 1, step, steps, loss, objective, activeHeads);
    }

    /** Batched Δs report one step each per batch step; the bar counts every Δ's steps. */
    @Override
    public void onStep(int delta, int deltas, int step, int steps, double loss, double objective, int activeHeads) {
        if (groupSteps == null || groupSteps.length != deltas || step <= groupSteps[delta]) {
            if (groupSteps != null) {
                for (int r = first; r < first + groupSteps.length; r++) base += budget(r);
                first += groupSteps.length;
            }
            groupSteps = new int[deltas];
        }
        groupSteps[delta] = step;
        long inGroup = 0;
        for (int s : groupSteps) inGroup += s;
        done = Math.min(base + inGroup, total);
        progress.update(done, String.format(Locale.ROOT, "%s · step %d/%d · loss %.4f · active heads %d/%d",
                name(first + delta), step, steps, loss, activeHeads, heads));
    }

    /** Shows what happens between trainings (baselines, evaluation). */
    void note(String what) {
        progress.note(done, what);
    }

    void finish(String summary) {
        progress.finish(summary);
    }

    private String name(int run) {
        return run < runs.size() ? runs.get(run).name() : "run " + (run + 1);
    }

    private int budget(int run) {
        return run < runs.size() ? runs.get(run).steps() : 0;
    }

    private static List<Run> uniform(int count, int steps, List<String> names) {
        List<Run> runs = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            runs.add(new Run(names.size() == count ? names.get(r) : "run " + (r + 1) + "/" + count, steps));
        }
        return runs;
    }
}
