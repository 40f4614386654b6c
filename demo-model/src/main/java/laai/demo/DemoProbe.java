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
    public record Rates(DemoRelation relation, int n, double zeroShot, double zeroShotCopy, double instructed) {
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

    /**
     * One line per taught relation (every pair) and one for opinion dynamics (the dataset's 120
     * situations): what training.json records as the probe.
     */
    public List<String> report(WordRelations relations) {
        List<String> lines = new ArrayList<>();
        for (DemoRelation r : DemoRelation.taught()) lines.add(rates(r, relations.pairs(r)).toString());
        lines.add(opinion(OpinionDynamics.situations(1, 120)).toString());
        return lines;
    }

    public Rates rates(DemoRelation r, List<Pair> pairs) {
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

    /**
     * What the model does with the opinion dataset's questions, bare and under the rule's instruction
     * line: mean KL(q ‖ p) over the five options (p renormalised over them, as the evaluation does),
     * and how often the bare question's most likely option is the agent's current opinion. The demo
     * model should answer the bare question with the current opinion (high KL) and follow the
     * update rule under the instruction (low KL), so that there is something for Δ to switch on.
     */
    public record OpinionRates(int n, double bareKl, double bareCopies, double instructedKl) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-16s n=%4d  bare KL %.3f (current opinion %.3f)  instructed KL %.3f",
                    "opinion", n, bareKl, bareCopies, instructedKl);
        }
    }

    public OpinionRates opinion(List<OpinionDynamics.Situation> situations) {
        List<String> bare = new ArrayList<>(), instructed = new ArrayList<>();
        for (OpinionDynamics.Situation s : situations) {
            bare.add("Q: " + s.nextQuestion() + "\nA:");
            instructed.add(OpinionDynamics.RULE_INSTRUCTION + "\nQ: " + s.nextQuestion() + "\nA:");
        }
        double[][] pBare = optionProbabilities(bare), pInstructed = optionProbabilities(instructed);
        double klBare = 0, klInstructed = 0, copies = 0;
        for (int i = 0; i < situations.size(); i++) {
            double[] q = situations.get(i).target();
            klBare += kl(q, pBare[i]);
            klInstructed += kl(q, pInstructed[i]);
            int best = 0;
            for (int k = 1; k < q.length; k++) if (pBare[i][k] > pBare[i][best]) best = k;
            if (best - 2 == situations.get(i).own()) copies++;
        }
        int n = situations.size();
        return new OpinionRates(n, klBare / n, copies / n, klInstructed / n);
    }

    private static double kl(double[] q, double[] p) {
        double sum = 0;
        for (int k = 0; k < q.length; k++) if (q[k] > 0) sum += q[k] * Math.log(q[k] / p[k]);
        return sum;
    }

    /** The next-token distribution after each text, renormalised over the opinion scale's five tokens. */
    private double[][] optionProbabilities(List<String> texts) {
        int[] options = OpinionDynamics.OPTIONS.stream().mapToInt(o -> tokenizer.id(" " + o)).toArray();
        double[][] out = new double[texts.size()][];
        forEachLastLogits(texts, (i, logits) -> {
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int o : options) max = Math.max(max, logits[o]);
            double[] p = new double[options.length];
            for (int k = 0; k < options.length; k++) z += p[k] = Math.exp(logits[options[k]] - max);
            for (int k = 0; k < options.length; k++) p[k] /= z;
            out[i] = p;
        });
        return out;
    }

    /** The greedy next token after each text (BOS prepended), in batches of 64. */
    public int[] next(List<String> texts) {
        int[] out = new int[texts.size()];
        NDManager m = model.manager();
        for (int from = 0; from < texts.size(); from += 64) {
            PromptBatch batch = PromptBatch.of(tokenizer, texts.subList(from, Math.min(texts.size(), from + 64)));
            try (NDScope ignored = new NDScope()) {
                long[] best = lastLogits(batch).argMax(-1).toLongArray();
                for (int i = 0; i < batch.size(); i++) out[from + i] = (int) best[i];
            }
        }
        return out;
    }

    /** Each text's next-token logits (BOS prepended), given to {@code each} with the text's index. */
    private void forEachLastLogits(List<String> texts, java.util.function.BiConsumer<Integer, float[]> each) {
        for (int from = 0; from < texts.size(); from += 64) {
            PromptBatch batch = PromptBatch.of(tokenizer, texts.subList(from, Math.min(texts.size(), from + 64)));
            try (NDScope ignored = new NDScope()) {
                NDArray logits = lastLogits(batch);
                int vocab = (int) logits.getShape().get(1);
                float[] all = logits.toFloatArray();
                for (int i = 0; i < batch.size(); i++) each.accept(from + i, java.util.Arrays.copyOfRange(all, i * vocab, (i + 1) * vocab));
            }
        }
    }

    /** Logits [batch, vocab] at each sequence's last token. */
    private NDArray lastLogits(PromptBatch batch) {
        NDManager m = model.manager();
        int b = batch.size(), width = batch.width();
        Chunk chunk = model.chunk(Chunk.contiguous(new int[b], batch.lengths()), null);
        NDArray x = model.embed(m.create(batch.ids(), new Shape(b, width)));
        NDArray h = model.forward(x, 0, chunk, null, null).hidden().reshape(b * width, -1).get(m.create(batch.lastRows()));
        return model.logits(h);
    }
}
