package laai.intervention;

import ai.djl.ndarray.NDArray;
import laai.model.AddVector;
import laai.model.Chunk;
import laai.model.DecoderModel;
import laai.model.PaddedBatch;
import laai.model.Positions;
import laai.model.Site;

import java.util.List;

/**
 * The objective as a hook on a full forward pass computes it: every position of every layer, and
 * the logits of every position, at every step. Kept as the reference the fast path must match and
 * as the baseline of its benchmark.
 */
public final class NaivePath implements LossPath {
    private final DecoderModel model;
    private final Objective objective;
    private final int layer;
    private final Site site;
    private final PaddedBatch batch;  // teacher-forced inputs, right-padded
    private final long[] rows;        // the rows the loss reads
    private final Positions lastPrompt;

    public NaivePath(DecoderModel model, Objective objective, int layer, Site site) {
        this.model = model;
        this.objective = objective;
        this.layer = layer;
        this.site = site;
        List<Example> examples = objective.examples();
        int n = examples.size();
        long[][] sequences = new long[n][];
        int[] last = new int[n];
        for (int i = 0; i < n; i++) {
            sequences[i] = examples.get(i).teacherForced();
            last[i] = examples.get(i).lastPromptPosition();
        }
        batch = PaddedBatch.of(model, sequences);
        rows = new long[objective.rows()];
        for (int r = 0; r < rows.length; r++) {
            int i = objective.rowSample(r);
            rows[r] = batch.row(i, last[i] + objective.rowOffset(r));
        }
        lastPrompt = Positions.exactly(last);
    }

    @Override
    public NDArray loss(NDArray delta) {
        AddVector hook = new AddVector(layer, site, delta, lastPrompt);
        NDArray hidden = model.forward(batch.embedded(), 0, batch.chunk(), null, hook).hidden();
        return objective.loss(batch.rows(model.logits(hidden), rows));
    }

    /** Every sample padded to the longest. */
    @Override
    public int[] shape() {
        return new int[] {batch.chunk().batch(), batch.chunk().width()};
    }

    @Override
    public void close() {
        batch.close();
    }
}
