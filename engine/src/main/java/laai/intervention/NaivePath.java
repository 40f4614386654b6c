package laai.intervention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import laai.model.AddVector;
import laai.model.Chunk;
import laai.model.DecoderModel;
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
    private final NDArray ids;   // [N, longest] teacher-forced inputs, right-padded
    private final Chunk chunk;
    private final NDArray rows;
    private final Positions lastPrompt;

    public NaivePath(DecoderModel model, Objective objective, int layer, Site site) {
        this.model = model;
        this.objective = objective;
        this.layer = layer;
        this.site = site;
        List<Example> examples = objective.examples();
        int n = examples.size();
        int[] length = new int[n];
        int[] last = new int[n];
        for (int i = 0; i < n; i++) {
            length[i] = examples.get(i).teacherForced().length;
            last[i] = examples.get(i).lastPromptPosition();
        }
        int width = java.util.Arrays.stream(length).max().orElseThrow();
        long[] flatIds = new long[n * width];
        for (int i = 0; i < n; i++) {
            long[] t = examples.get(i).teacherForced();
            System.arraycopy(t, 0, flatIds, i * width, t.length);
        }
        ids = model.manager().create(flatIds, new Shape(n, width));
        chunk = model.chunk(Chunk.contiguous(new int[n], length), null);
        long[] flat = new long[objective.rowSample.length];
        for (int r = 0; r < flat.length; r++) {
            int i = objective.rowSample[r];
            flat[r] = (long) i * width + last[i] + objective.rowOffset[r];
        }
        rows = model.manager().create(flat);
        lastPrompt = Positions.exactly(last);
    }

    @Override
    public NDArray loss(NDArray delta) {
        AddVector hook = new AddVector(layer, site, delta, lastPrompt);
        NDArray hidden = model.forward(model.embed(ids, chunk), 0, chunk, null, hook).hidden();
        NDArray logits = model.logits(hidden);
        long[] shape = logits.getShape().getShape();
        return objective.loss(logits.reshape(shape[0] * shape[1], shape[2]).get(rows));
    }

    /** [batch, width] of the positions each step runs through the layers: every sample padded to the longest. */
    public int[] shape() {
        return new int[] {chunk.batch(), chunk.width()};
    }

    @Override
    public void close() {
        ids.close();
        chunk.close();
        rows.close();
    }
}
