package laai.cli;

import java.util.Locale;

import laai.eval.ResultRow;
import laai.eval.RunListener;

/** A one-line progress bar on stderr while Δ is optimised, and a line per result row as it finishes. */
final class TerminalProgress implements RunListener {
    private final boolean enabled;
    private final boolean steps;
    private boolean barShown; // the bar's line has no newline yet

    TerminalProgress(boolean enabled) {
        this(enabled, enabled);
    }

    private TerminalProgress(boolean rows, boolean steps) {
        this.enabled = rows;
        this.steps = steps;
    }

    /** Rows only: a run of many trainings (the paper's table) would fill the terminal with bars. */
    static TerminalProgress rowsOnly() {
        return new TerminalProgress(true, false);
    }

    @Override
    public void onStep(int step, int steps, double loss, double objective, int activeHeads) {
        if (!this.steps || (step % 10 != 0 && step != steps)) return;
        int width = 30, done = (int) Math.round((double) width * step / steps);
        System.err.printf("\r[%s%s] step %d/%d  loss %.4f  active heads %d   ",
                "#".repeat(done), " ".repeat(width - done), step, steps, loss, activeHeads);
        barShown = step != steps;
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

    /** Rows take a while (evaluation decodes every test prompt): each says so when it is done. */
    @Override
    public void rowFinished(ResultRow row) {
        if (!enabled) return;
        if (barShown) System.err.println();
        barShown = false;
        String score = Double.isNaN(row.exactMatch())
                ? String.format(Locale.ROOT, "mean KL %.3f", row.kl())
                : String.format(Locale.ROOT, "exact match %.3f", row.exactMatch());
        System.err.printf(Locale.ROOT, "%s finished: %s on %s, %s (%.1f s)%n", rowLabel, row.method().label(), row.task(), score,
                row.seconds());
    }

    private String rowLabel = "row";

    /** What the rows that finish from now on are called: a selection's "validation row"s, then its "test row". */
    void rowsAre(String label) {
        rowLabel = label;
    }
}
