package laai.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Token sequences of different lengths right-padded into one forward pass of [batch, width]
 * positions: their ids, the chunk of their positions, and the flat row of a position in what the
 * pass returns ([batch, width, ..] read as [batch·width, ..]). The evaluator, the generator and the
 * naive loss path each run their sequences this way and read back a few rows.
 */
public final class PaddedBatch implements AutoCloseable {
    private final DecoderModel model;
    private final NDArray ids;   // [batch, width] int64, 0 at padding
    private final Chunk chunk;

    private PaddedBatch(DecoderModel model, long[][] sequences, Chunk chunk) {
        this.model = model;
        this.chunk = chunk;
        int batch = chunk.batch(), width = chunk.width();
        long[] flat = new long[batch * width];
        for (int b = 0; b < batch; b++) System.arraycopy(sequences[b], 0, flat, b * width, sequences[b].length);
        this.ids = model.manager().create(flat, new Shape(batch, width));
    }

    /** Whole sequences, each from position 0, with no cache. */
    public static PaddedBatch of(DecoderModel model, long[][] sequences) {
        int[] length = new int[sequences.length];
        for (int b = 0; b < length.length; b++) length[b] = sequences[b].length;
        return new PaddedBatch(model, sequences, model.chunk(Chunk.contiguous(new int[length.length], length), null));
    }

    /** Sequences at the given positions (−1: padding), after the keys and values in {@code past} (null for none). */
    public static PaddedBatch at(DecoderModel model, long[][] sequences, int[][] positions, KvCache past) {
        return new PaddedBatch(model, sequences, model.chunk(positions, past));
    }

    public Chunk chunk() {
        return chunk;
    }

    /** The input of the first layer ({@link DecoderModel#embed(NDArray, Chunk)}). */
    public NDArray embedded() {
        return model.embed(ids, chunk);
    }

    /** The flat row of sequence b's {@code i}-th slot. */
    public long row(int b, int i) {
        return (long) b * chunk.width() + i;
    }

    /** The row of each sequence's last position (its last slot that is not padding). */
    public long[] lastRows() {
        int[][] positions = chunk.positions();
        long[] last = new long[positions.length];
        for (int b = 0; b < last.length; b++) {
            int i = positions[b].length - 1;
            while (positions[b][i] < 0) i--;
            last[b] = row(b, i);
        }
        return last;
    }

    /** The given rows of x, [batch, width, ..] as the pass returned it: [rows.length, ..]. */
    public NDArray rows(NDArray x, long[] rows) {
        long[] shape = x.getShape().getShape();
        return x.reshape(shape[0] * shape[1], -1).get(model.manager().create(rows));
    }

    @Override
    public void close() {
        ids.close();
        chunk.close();
    }
}
