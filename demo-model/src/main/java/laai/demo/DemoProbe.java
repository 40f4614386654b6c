package laai.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import laai.model.Chunk;
import laai.model.DecoderModel;
import laai.tasks.Pair;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A quick check of what a (demo) model does with a bare prompt and with an instruction line:
 * the greedy first answer token after {@code Q: x\nA:} for every pair of a relation, compared with
 * the relation's output and with the word itself. With this tokenizer every answer word is one
 * token, so first-token accuracy is exact match. Runs without gradients.
 */
public final class DemoProbe {

    /** Rates over a relation's pairs (or a sample of them). */
    public record Rates(Relation relation, int n, double zeroShot, double zeroShotCopy, double instructed) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-16s n=%4d  zero-shot %.3f (copies %.3f)  instructed %.3f",
                    relation.name().toLowerCase(Locale.ROOT), n, zeroShot, zeroShotCopy, instructed);
        }
    }

    private final DecoderModel model;
    private final WordTokenizer tokenizer;

    public DemoProbe(DecoderModel model, WordTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    public Rates rates(Relation r, List<Pair> pairs) {
        List<String> bare = new ArrayList<>(), instructed = new ArrayList<>();
        for (Pair p : pairs) {
            bare.add("Q: " + p.input() + "\nA:");
            instructed.add(r.instructions.get(0) + "\nQ: " + p.input() + "\nA:");
        }
        int[] z = next(bare), i = next(instructed);
        int zs = 0, copies = 0, ins = 0;
        for (int k = 0; k < pairs.size(); k++) {
            int answer = tokenizer.id(" " + pairs.get(k).output()), word = tokenizer.id(" " + pairs.get(k).input());
            if (z[k] == answer) zs++;
            if (z[k] == word) copies++;
            if (i[k] == answer) ins++;
        }
        double n = pairs.size();
        return new Rates(r, pairs.size(), zs / n, copies / n, ins / n);
    }

    /** The greedy next token after each text (BOS prepended), in batches of 64. */
    public int[] next(List<String> texts) {
        int[] out = new int[texts.size()];
        NDManager m = model.manager();
        for (int from = 0; from < texts.size(); from += 64) {
            PromptBatch batch = PromptBatch.of(tokenizer, texts.subList(from, Math.min(texts.size(), from + 64)));
            int b = batch.size(), width = batch.width();
            try (NDScope ignored = new NDScope()) {
                Chunk chunk = model.chunk(Chunk.contiguous(new int[b], batch.lengths()), null);
                NDArray x = model.embed(m.create(batch.ids(), new Shape(b, width)));
                NDArray h = model.forward(x, 0, chunk, null, null).hidden().reshape(b * width, -1).get(m.create(batch.lastRows()));
                long[] best = model.logits(h).argMax(-1).toLongArray();
                for (int i = 0; i < b; i++) out[from + i] = (int) best[i];
            }
        }
        return out;
    }
}
