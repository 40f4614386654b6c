package laai.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A chunk of new positions to run through the model, [batch, width], and where its keys sit among
 * those already cached. It carries what every layer needs and what does not change from layer to
 * layer: the rotary tables (or, for learned positions, the position ids) and the additive attention
 * masks (one per sliding-window size). Build
 * it once and reuse it when the same positions are recomputed many times (the intervention
 * engine's optimisation steps); close it when done.
 * <p>
 * Normally each batch row is one sequence. A packed chunk ({@link DecoderModel#packedChunk}) holds several
 * sequences in one row, each position tagged with its sequence: a position then attends only to
 * keys of its own sequence, so sequences of different lengths share one row without padding.
 */
public final class Chunk implements AutoCloseable {
    private final int[][] positions;     // [batch][width]: absolute position of each new token, -1 = padding
    private final int[][] sequences;     // [batch][width]: sequence within the batch row, 0 unless packed
    private final int[][] keyPositions;  // [batch][past slots + width]
    private final int[][] keySequences;  // [batch][past slots + width]
    final NDArray cos;                   // [batch, 1, width, head size]; null without rotary positions
    final NDArray sin;
    final NDArray positionIds;           // [batch, width] int64, padding at 0; only for learned positions
    private final Map<Integer, NDArray> masks = new HashMap<>(); // window (0 = none) -> [batch, 1, 1, width, keys]

    Chunk(DecoderModel model, int[][] positions, int[][] sequences, KvCache past) {
        this.positions = positions;
        this.sequences = sequences;
        int batch = positions.length, width = positions[0].length;
        int pastSlots = past == null ? 0 : past.slots();
        if (past != null && past.batch() != batch) {
            throw new IllegalArgumentException("cache holds " + past.batch() + " sequences, chunk " + batch);
        }
        keyPositions = new int[batch][];
        keySequences = new int[batch][];
        for (int b = 0; b < batch; b++) {
            keyPositions[b] = new int[pastSlots + width];
            keySequences[b] = new int[pastSlots + width];
            if (past != null) {
                System.arraycopy(past.slotPositions()[b], 0, keyPositions[b], 0, pastSlots);
                System.arraycopy(past.slotSequences()[b], 0, keySequences[b], 0, pastSlots);
            }
            System.arraycopy(positions[b], 0, keyPositions[b], pastSlots, width);
            System.arraycopy(sequences[b], 0, keySequences[b], pastSlots, width);
        }
        NDManager m = model.manager();
        DataType dtype = model.dtype();
        int max = 0;
        for (int[] row : positions) for (int p : row) max = Math.max(max, p);
        model.checkPosition(max);
        long maskSize = (long) batch * width * (pastSlots + width);
        if (maskSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("an attention mask of " + batch + " × " + width + " × " + (pastSlots + width)
                    + " entries is too large: use shorter prompts or smaller batches");
        }
        if (model.rope() != null) {
            int d = model.config().headDim();
            float[] c = new float[batch * width * d], s = new float[batch * width * d];
            for (int b = 0; b < batch; b++) model.rope().tables(positions[b], c, s, b * width * d);
            Shape shape = new Shape(batch, 1, width, d);
            cos = typed(m.create(c, shape), dtype);
            sin = typed(m.create(s, shape), dtype);
        } else {
            cos = null;
            sin = null;
        }
        if (model.learnedPositions()) {
            long[] ids = new long[batch * width];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < width; i++) ids[b * width + i] = Math.max(positions[b][i], 0);
            }
            positionIds = m.create(ids, new Shape(batch, width));
        } else {
            positionIds = null;
        }
        for (int window : model.config().slidingWindowPerLayer()) {
            masks.computeIfAbsent(window, w -> typed(m.create(mask(w), new Shape(batch, 1, 1, width, pastSlots + width)), dtype));
        }
    }

    private static NDArray typed(NDArray a, DataType dtype) {
        if (a.getDataType() == dtype) return a;
        NDArray t = a.toType(dtype, false);
        a.close();
        return t;
    }

    /**
     * 0 where query position q may attend to the key in a slot holding position k of the same
     * sequence (k ≤ q, and q − k < window when there is one), −∞ elsewhere. A padding query attends to its own slot
     * only, so that its (ignored) row stays finite instead of NaN.
     */
    private float[] mask(int window) {
        int batch = positions.length, width = positions[0].length, keys = keyPositions[0].length;
        int pastSlots = keys - width;
        float[] mask = new float[batch * width * keys];
        Arrays.fill(mask, Float.NEGATIVE_INFINITY);
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < width; i++) {
                int q = positions[b][i];
                int row = (b * width + i) * keys;
                if (q < 0) {
                    mask[row + pastSlots + i] = 0;
                    continue;
                }
                for (int j = 0; j < keys; j++) {
                    int k = keyPositions[b][j];
                    boolean sameSequence = keySequences[b][j] == sequences[b][i];
                    if (sameSequence && k >= 0 && k <= q && (window <= 0 || q - k < window)) mask[row + j] = 0;
                }
            }
        }
        return mask;
    }

    NDArray maskFor(int window) {
        return masks.get(window);
    }

    public int batch() {
        return positions.length;
    }

    public int width() {
        return positions[0].length;
    }

    /** Absolute position of each new token, -1 for padding; [batch][width]. */
    public int[][] positions() {
        return positions;
    }

    int[][] keyPositions() {
        return keyPositions;
    }

    int[][] keySequences() {
        return keySequences;
    }

    /**
     * The positions of sequence b at offsets [0, length[b]) after start[b], padded to the widest.
     */
    public static int[][] contiguous(int[] start, int[] length) {
        int width = Arrays.stream(length).max().orElse(0);
        int[][] p = new int[start.length][width];
        for (int b = 0; b < start.length; b++) {
            for (int i = 0; i < width; i++) p[b][i] = i < length[b] ? start[b] + i : -1;
        }
        return p;
    }

    /** Keeps this chunk's arrays alive past the innermost {@link ai.djl.ndarray.NDScope}. */
    public Chunk keep() {
        for (NDArray a : new NDArray[] {cos, sin, positionIds}) if (a != null) ai.djl.ndarray.NDScope.unregister(a);
        masks.values().forEach(ai.djl.ndarray.NDScope::unregister);
        return this;
    }

    @Override
    public void close() {
        if (cos != null) cos.close();
        if (sin != null) sin.close();
        if (positionIds != null) positionIds.close();
        masks.values().forEach(NDArray::close);
    }
}
