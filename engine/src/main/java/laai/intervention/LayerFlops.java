package laai.intervention;

import laai.model.ModelConfig;

import java.util.List;

/**
 * Forward FLOPs of one decoder layer: what the fast path compares to choose its layout
 * ({@link FastPath#packs}) and what the bench counts to say how fast a step runs.
 */
public final class LayerFlops {
    private LayerFlops() {}

    /** One position attending to {@code keys} positions: the q, k, v and o projections, attention, the MLP. */
    public static double perPosition(ModelConfig c, int keys) {
        return 2.0 * c.hiddenSize() * (c.qDim() + 2 * c.kvDim()) + 2.0 * c.qDim() * c.hiddenSize()
                + 2.0 * 3 * c.hiddenSize() * c.intermediateSize() + 2.0 * 2 * c.qDim() * keys;
    }

    /**
     * The samples' changed positions packed side by side in one row: no padding, but each position
     * is multiplied against every sample's prefix keys (the mask then discards the others').
     */
    public static double packed(ModelConfig c, List<Example> examples) {
        int rows = 0, prefixes = 0;
        for (Example e : examples) {
            rows += e.changedPositions();
            prefixes += e.lastPromptPosition();
        }
        return rows * perPosition(c, prefixes + rows);
    }

    /** The samples stacked one per row: each padded to the most changed positions, each prefix to the longest. */
    public static double stacked(ModelConfig c, List<Example> examples) {
        int longest = 0, longestPrefix = 0;
        for (Example e : examples) {
            longest = Math.max(longest, e.changedPositions());
            longestPrefix = Math.max(longestPrefix, e.lastPromptPosition());
        }
        return (double) examples.size() * longest * perPosition(c, longestPrefix + longest);
    }
}
