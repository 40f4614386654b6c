package laai.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import laai.runtime.Interrupted;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Greedy decoding of a batch of prompts with the key-value cache: one forward pass over the
 * prompts, then one position per step. Sequences of different lengths share each step; the
 * cache's empty slots keep them apart. An interrupt of the calling thread stops it between two
 * steps ({@link Interrupted}).
 */
public final class Generator {
    private final DecoderModel model;

    public Generator(DecoderModel model) {
        this.model = model;
    }

    /**
     * Generates up to {@code maxNewTokens} per prompt, stopping a sequence at the first token for
     * which {@code stop} holds (that token is included). {@code hook} (may be null) sees every
     * forward pass; its chunks carry absolute positions, so it can act at the last prompt token
     * only or at generated positions too.
     */
    public long[][] greedy(long[][] prompts, int maxNewTokens, IntPredicate stop, SiteHook hook) {
        int batch = prompts.length;
        int[] length = new int[batch];
        for (int b = 0; b < batch; b++) {
            if (prompts[b].length == 0) throw new IllegalArgumentException("prompt " + b + " is empty");
            length[b] = prompts[b].length;
        }
        List<List<Long>> generated = new ArrayList<>();
        for (int b = 0; b < batch; b++) generated.add(new ArrayList<>());
        boolean[] done = new boolean[batch];
        if (maxNewTokens < 0) throw new IllegalArgumentException("max new tokens must be ≥ 0, got " + maxNewTokens);
        // The last generated token is never fed back, so the longest sequence fed is prompt + max − 1.
        model.checkLength(Arrays.stream(length).max().orElse(0) + (long) Math.max(0, maxNewTokens - 1));
        if (maxNewTokens == 0) return toArrays(generated);

        KvCache cache = null;
        try {
            long[] next;
            Interrupted.check("decoding");
            try (NDScope ignored = new NDScope()) {
                int[][] positions = Chunk.contiguous(new int[batch], length);
                Step s = step(prompts, positions, null, hook);
                next = s.next();
                cache = s.cache().keep();
            }
            for (int t = 0; ; t++) {
                boolean all = true;
                for (int b = 0; b < batch; b++) {
                    if (done[b]) continue;
                    generated.get(b).add(next[b]);
                    if (stop.test((int) next[b]) || generated.get(b).size() >= maxNewTokens) done[b] = true;
                    all &= done[b];
                }
                if (all) break;
                // Between two decoding steps: an interrupted evaluation stops within one token.
                Interrupted.check("decoding");
                int[][] positions = new int[batch][1];
                long[][] ids = new long[batch][1];
                for (int b = 0; b < batch; b++) {
                    positions[b][0] = length[b] + t;
                    ids[b][0] = next[b];
                }
                try (NDScope ignored = new NDScope()) {
                    Step s = step(ids, positions, cache, hook);
                    next = s.next();
                    cache.close();
                    cache = s.cache().keep();
                }
            }
        } finally {
            // The cache outlives each step's scope; an interrupt (or any failure) must free it too.
            if (cache != null) cache.close();
        }
        return toArrays(generated);
    }

    private record Step(long[] next, KvCache cache) {}

    /** One forward pass: the greedy next token of each sequence (after its last real position). */
    private Step step(long[][] ids, int[][] positions, KvCache past, SiteHook hook) {
        PaddedBatch padded = PaddedBatch.at(model, ids, positions, past);
        DecoderModel.Output out = model.forward(padded.embedded(), 0, padded.chunk(), past, hook);
        NDArray logits = model.logits(padded.rows(out.hidden(), padded.lastRows()));
        // argmax of a NaN row is token 0 or 1: a run of them looks like an answer.
        if (!Tensors.allFinite(logits)) throw new NonFiniteOutputException("while generating");
        return new Step(logits.argMax(-1).toLongArray(), out.cache());
    }

    private static long[][] toArrays(List<List<Long>> generated) {
        long[][] out = new long[generated.size()][];
        for (int b = 0; b < out.length; b++) out[b] = generated.get(b).stream().mapToLong(Long::longValue).toArray();
        return out;
    }
}
