package laai.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the activations at one layer and site as they pass, leaving them unchanged. Each forward
 * pass appends its chunk's activations, [batch, width, size], to {@link #recorded()}; the arrays
 * outlive the caller's {@link NDScope} and belong to the caller.
 */
public final class RecordActivations implements SiteHook {
    private final int layer;
    private final Site site;
    private final List<NDArray> recorded = new ArrayList<>();
    private final List<int[][]> positions = new ArrayList<>();

    public RecordActivations(int layer, Site site) {
        this.layer = layer;
        this.site = site;
    }

    @Override
    public NDArray apply(int layer, Site site, NDArray x, Chunk chunk) {
        if (layer == this.layer && site == this.site) {
            NDArray copy = x.stopGradient();
            NDScope.unregister(copy);
            recorded.add(copy);
            positions.add(chunk.positions());
        }
        return x;
    }

    public List<NDArray> recorded() {
        return recorded;
    }

    /** The vector of sequence b at absolute position p, from whichever chunk computed it. */
    public float[] at(int b, int p) {
        for (int c = recorded.size() - 1; c >= 0; c--) {
            int[] row = positions.get(c)[b];
            for (int i = 0; i < row.length; i++) {
                if (row[i] == p) return recorded.get(c).get(b, i).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            }
        }
        throw new IllegalArgumentException("position " + p + " of sequence " + b + " was not recorded");
    }
}
