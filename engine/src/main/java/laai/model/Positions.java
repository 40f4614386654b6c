package laai.model;

/** Which absolute positions of which sequence a hook acts on. */
@FunctionalInterface
public interface Positions {
    boolean contains(int sequence, int position);

    /** One position per sequence, e.g. each prompt's last token. */
    static Positions exactly(int[] positionPerSequence) {
        return (b, p) -> p == positionPerSequence[b];
    }

    /** Every position from a start per sequence on (the last prompt token and all generated ones). */
    static Positions from(int[] startPerSequence) {
        return (b, p) -> p >= startPerSequence[b];
    }

    /** A [batch, width, 1] mask of the chunk's positions in this set, in the array's dtype. */
    default ai.djl.ndarray.NDArray mask(Chunk chunk, ai.djl.ndarray.NDArray like) {
        int[][] positions = chunk.positions();
        int batch = positions.length, width = positions[0].length;
        float[] m = new float[batch * width];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < width; i++) {
                if (positions[b][i] >= 0 && contains(b, positions[b][i])) m[b * width + i] = 1f;
            }
        }
        ai.djl.ndarray.NDArray mask = like.getManager().create(m, new ai.djl.ndarray.types.Shape(batch, width, 1));
        // A torch-owned copy: autograd keeps the mask for backward (x + mask·v), and the forward
        // frees each layer's arrays when the layer is done; a tensor over a Java buffer would then
        // be read after the collector may have freed the buffer (see DecoderModel.constant).
        ai.djl.ndarray.NDArray owned = like.getDataType() == mask.getDataType() ? mask.duplicate()
                : mask.toType(like.getDataType(), false);
        mask.close();
        return owned;
    }
}
