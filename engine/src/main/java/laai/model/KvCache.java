package laai.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keys and values of positions already computed, per layer: [batch, kv heads, slots, head size].
 * Slots need not be contiguous positions: a batch of sequences of different lengths leaves empty
 * slots (position -1), which the attention mask hides. One batch row may also hold several
 * sequences side by side (see {@link #pack}); each slot then records which one it belongs to.
 * Layers that were not run hold nothing.
 */
public final class KvCache implements AutoCloseable {
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int[][] slotPositions; // [batch][slots], -1 = empty
    private final int[][] slotSequences; // [batch][slots]: sequence within the batch row, 0 unless packed

    KvCache(int layers, int[][] slotPositions, int[][] slotSequences) {
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.slotPositions = slotPositions;
        this.slotSequences = slotSequences;
    }

    public int batch() {
        return slotPositions.length;
    }

    public int slots() {
        return slotPositions.length == 0 ? 0 : slotPositions[0].length;
    }

    /** Absolute position stored in each slot, -1 for an empty slot. */
    public int[][] slotPositions() {
        return slotPositions;
    }

    /** The sequence each slot belongs to within its batch row: 0 unless packed. */
    int[][] slotSequences() {
        return slotSequences;
    }

    public boolean has(int layer) {
        return keys[layer] != null;
    }

    public NDArray keys(int layer) {
        return keys[layer];
    }

    public NDArray values(int layer) {
        return values[layer];
    }

    void put(int layer, NDArray k, NDArray v) {
        keys[layer] = k;
        values[layer] = v;
    }

    /** The number of layers this cache can hold (all of the model's). */
    public int layers() {
        return keys.length;
    }

    /** Closes the layers below {@code layer}: the intervention engine never reads them. */
    public KvCache dropBelow(int layer) {
        for (int l = 0; l < layer; l++) {
            if (keys[l] != null) {
                keys[l].close();
                values[l].close();
                keys[l] = null;
                values[l] = null;
            }
        }
        return this;
    }

    /** A cache of one sequence with no positions yet: zero slots in every layer. */
    public static KvCache empty(DecoderModel model) {
        ModelConfig c = model.config();
        KvCache cache = new KvCache(c.numLayers(), new int[1][0], new int[1][0]);
        Shape shape = new Shape(1, c.numKvHeads(), 0, c.headDim());
        for (int l = 0; l < c.numLayers(); l++) {
            cache.put(l, model.manager().zeros(shape, model.dtype()), model.manager().zeros(shape, model.dtype()));
        }
        return cache;
    }

    /** Keeps this cache's arrays alive past the innermost {@link NDScope}. */
    public KvCache keep() {
        for (NDArray a : arrays()) NDScope.unregister(a);
        return this;
    }

    private List<NDArray> arrays() {
        List<NDArray> all = new ArrayList<>();
        for (int l = 0; l < keys.length; l++) {
            if (keys[l] != null) {
                all.add(keys[l]);
                all.add(values[l]);
            }
        }
        return all;
    }

    /**
     * Stacks single-sequence caches into one batch, padding shorter ones with empty slots at the
     * end (zeros, masked). The intervention engine batches its per-sample prefixes this way when
     * they are long (see {@link #pack} for the other way).
     */
    public static KvCache stack(List<KvCache> caches) {
        int width = caches.stream().mapToInt(KvCache::slots).max().orElse(0);
        int[][] positions = new int[caches.size()][];
        for (int b = 0; b < caches.size(); b++) {
            KvCache c = caches.get(b);
            if (c.batch() != 1) throw new IllegalArgumentException("stack takes single-sequence caches");
            positions[b] = Arrays.copyOf(c.slotPositions[0], width);
            Arrays.fill(positions[b], c.slots(), width, -1);
        }
        KvCache out = new KvCache(caches.get(0).layers(), positions, new int[caches.size()][width]);
        for (int l = 0; l < out.layers(); l++) {
            if (!caches.get(0).has(l)) continue;
            NDArray[] k = new NDArray[caches.size()];
            NDArray[] v = new NDArray[caches.size()];
            for (int b = 0; b < caches.size(); b++) {
                k[b] = padSlots(caches.get(b).keys(l), width);
                v[b] = padSlots(caches.get(b).values(l), width);
            }
            out.put(l, NDArrays.concat(new NDList(k), 0), NDArrays.concat(new NDList(v), 0));
        }
        return out;
    }

    private static NDArray padSlots(NDArray x, int width) {
        long have = x.getShape().get(2);
        if (have == width) return x;
        Shape s = x.getShape();
        return x.concat(x.getManager().zeros(new Shape(s.get(0), s.get(1), width - have, s.get(3)), x.getDataType()), 2);
    }

    /**
     * Packs single-sequence caches side by side into one batch row, sequence i's slots after those
     * of sequences before it, so that positions of many sequences can run as one chunk (see
     * {@link DecoderModel#packedChunk}) without padding. The intervention engine packs its per-sample
     * prefixes this way.
     */
    public static KvCache pack(List<KvCache> caches) {
        int total = caches.stream().mapToInt(KvCache::slots).sum();
        int[][] positions = new int[1][total];
        int[][] sequences = new int[1][total];
        int at = 0;
        for (int i = 0; i < caches.size(); i++) {
            KvCache c = caches.get(i);
            if (c.batch() != 1) throw new IllegalArgumentException("pack takes single-sequence caches");
            System.arraycopy(c.slotPositions[0], 0, positions[0], at, c.slots());
            Arrays.fill(sequences[0], at, at + c.slots(), i);
            at += c.slots();
        }
        KvCache out = new KvCache(caches.get(0).layers(), positions, sequences);
        for (int l = 0; l < out.layers(); l++) {
            if (!caches.get(0).has(l)) continue;
            int layer = l;
            out.put(l, concatSlots(caches.stream().map(c -> c.keys[layer]).toList()),
                    concatSlots(caches.stream().map(c -> c.values[layer]).toList()));
        }
        return out;
    }

    private static NDArray concatSlots(List<NDArray> parts) {
        return parts.size() == 1 ? parts.get(0).duplicate() : NDArrays.concat(new NDList(parts), 2);
    }

    @Override
    public void close() {
        for (NDArray a : arrays()) a.close();
        Arrays.fill(keys, null);
        Arrays.fill(values, null);
    }
}
