package laai.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import laai.intervention.Delta;
import laai.intervention.Example;
import laai.model.AddVector;
import laai.model.Generator;
import laai.model.DecoderModel;
import laai.model.PaddedBatch;
import laai.model.Positions;
import laai.model.SiteHook;
import laai.runtime.Interrupted;
import laai.tasks.Pair;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Exact match and first-token accuracy of greedy answers to test prompts, with or without Δ.
 * Δ acts at each prompt's last token (as in training) or, optionally, at every generated position
 * too. Prompts are decoded in batches; a sequence stops at a newline, EOS, or after the target's
 * token count plus a margin. An interrupt stops it between batches, and within a batch between
 * decoding steps ({@link Interrupted}). A generation is scored by the {@link Scorer} against every
 * accepted answer of its pair; first-token accuracy compares with the first token of the pair's
 * output (the training target), as Function Vectors' single-token evaluation does.
 *
 * <p>After each batch the C heap's free pages go back to the system ({@link
 * laai.runtime.Memory#returnFreeHeap}): a batch of 10-shot prompts frees hundreds of MB of
 * activations into glibc's arenas, and at Gemma-2-2B's shape the baselines otherwise left the process
 * 1.6 GB above its weights. A trim takes 60–270 ms there, against 3–25 s per batch of 16.
 */
public final class Evaluator {
    private final DecoderModel model;
    private final PromptEncoder encoder;
    private final int batchSize;
    private final Scorer scorer;

    public Evaluator(DecoderModel model, PromptEncoder encoder, int batchSize, Scorer scorer) {
        this.model = model;
        this.encoder = encoder;
        this.batchSize = batchSize;
        this.scorer = scorer;
    }

    /** {@code generated} is the generation as the scorer compared it. */
    public record Prediction(String input, String target, String generated, boolean exact, boolean firstToken) {}

    public record Metrics(double exactMatch, double firstTokenAccuracy, int n, List<Prediction> predictions) {
        /** Per test item, in order: 1 for a hit, 0 for a miss. */
        public ItemScores items() {
            double[] exact = new double[predictions.size()], first = new double[predictions.size()];
            for (int i = 0; i < exact.length; i++) {
                exact[i] = predictions.get(i).exact() ? 1 : 0;
                first[i] = predictions.get(i).firstToken() ? 1 : 0;
            }
            return ItemScores.ofRun(exact, first, null);
        }
    }

    /**
     * @param demos      demonstrations for each test pair (empty list for zero-shot)
     * @param delta      the intervention, or null
     * @param everyToken also add Δ at every generated position
     */
    public Metrics exactMatch(List<Pair> test, Function<Pair, List<Pair>> demos, Delta delta, boolean everyToken) {
        List<Prediction> predictions = new ArrayList<>();
        int exact = 0, first = 0;
        List<Example> examples = new ArrayList<>();
        int[] widths = new int[test.size()];
        for (int i = 0; i < test.size(); i++) {
            Example e = encoder.example(test.get(i), demos.apply(test.get(i)));
            examples.add(e);
            widths[i] = e.prompt().length + e.answer().length + 2; // what decoding may reach
        }
        for (int[] range : batches(widths)) {
            Interrupted.check("evaluation");
            List<Pair> batch = test.subList(range[0], range[1]);
            long[][] prompts = new long[batch.size()][];
            long[][] answers = new long[batch.size()][];
            int longest = 0;
            for (int b = 0; b < batch.size(); b++) {
                Example e = examples.get(range[0] + b);
                prompts[b] = e.prompt();
                answers[b] = e.answer();
                longest = Math.max(longest, e.answer().length);
            }
            long[][] generated;
            try (NDScope ignored = new NDScope()) {
                generated = new Generator(model).greedy(prompts, longest + 2, encoder.tokenizer()::isEos, hook(delta, prompts, everyToken));
            }
            laai.runtime.Memory.returnFreeHeap();
            for (int b = 0; b < batch.size(); b++) {
                String text = encoder.tokenizer().decode(generated[b]);
                Pair p = batch.get(b);
                boolean ok = scorer.matches(text, p.accepted());
                boolean firstOk = generated[b].length > 0 && generated[b][0] == answers[b][0];
                exact += ok ? 1 : 0;
                first += firstOk ? 1 : 0;
                predictions.add(new Prediction(p.input(), p.output(), scorer.shown(text), ok, firstOk));
            }
        }
        return new Metrics((double) exact / test.size(), (double) first / test.size(), test.size(), predictions);
    }

    /**
     * Mean KL(q ‖ p) over the test items, and how often p's most likely option is q's; per item,
     * KL and the mode hit (1 or 0), for the intervals.
     */
    public record KlMetrics(double meanKl, double modeAccuracy, int n, double[] klPerItem, double[] modeHits) {
        public ItemScores items() {
            return ItemScores.ofRun(null, modeHits, klPerItem);
        }
    }

    public KlMetrics meanKl(List<laai.tasks.DistributionTask.Item> test,
                            Function<laai.tasks.DistributionTask.Item, List<laai.tasks.DistributionTask.Item>> demos, Delta delta) {
        double[] klPerItem = new double[test.size()], modeHits = new double[test.size()];
        List<Example> all = new ArrayList<>();
        for (laai.tasks.DistributionTask.Item item : test) all.add(encoder.distributionExample(item, demos.apply(item)));
        for (int[] range : batches(all.stream().mapToInt(e -> e.prompt().length).toArray())) {
            Interrupted.check("evaluation");
            List<laai.tasks.DistributionTask.Item> batch = test.subList(range[0], range[1]);
            List<Example> examples = all.subList(range[0], range[1]);
            float[][] logits;
            try (NDScope ignored = new NDScope()) {
                long[][] prompts = examples.stream().map(Example::prompt).toArray(long[][]::new);
                logits = lastLogits(prompts, hook(delta, prompts, false));
            }
            laai.runtime.Memory.returnFreeHeap();
            for (int b = 0; b < batch.size(); b++) {
                long[] options = examples.get(b).options();
                float[] q = examples.get(b).target();
                double max = Double.NEGATIVE_INFINITY;
                for (long o : options) max = Math.max(max, logits[b][(int) o]);
                double z = 0;
                for (long o : options) z += StrictMath.exp(logits[b][(int) o] - max);
                int best = 0;
                double kl = 0;
                for (int k = 0; k < options.length; k++) {
                    double logp = logits[b][(int) options[k]] - max - StrictMath.log(z);
                    if (q[k] > 0) kl += q[k] * (StrictMath.log(q[k]) - logp);
                    if (logits[b][(int) options[k]] > logits[b][(int) options[best]]) best = k;
                }
                klPerItem[range[0] + b] = kl;
                modeHits[range[0] + b] = best == batch.get(b).mode() ? 1 : 0;
            }
        }
        return new KlMetrics(Bootstrap.mean(klPerItem), Bootstrap.mean(modeHits), test.size(), klPerItem, modeHits);
    }

    /** Logits at each prompt's last token, one forward pass over the right-padded batch. */
    private float[][] lastLogits(long[][] prompts, SiteHook hook) {
        int batch = prompts.length;
        PaddedBatch padded = PaddedBatch.of(model, prompts);
        NDArray hidden = model.hidden(padded.embedded(), padded.chunk(), hook);
        NDArray rows = padded.rows(hidden, padded.lastRows());
        float[] values = model.logits(rows).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        laai.model.NonFiniteOutputException.check(values, "at the last token of " + batch + " evaluation prompts"
                + (hook == null ? "" : ", with the intervention"));
        int vocab = values.length / batch;
        float[][] out = new float[batch][vocab];
        for (int b = 0; b < batch; b++) System.arraycopy(values, b * vocab, out[b], 0, vocab);
        return out;
    }

    /**
     * Consecutive prompts of the given padded widths, as [from, to) ranges: at most {@code batchSize}
     * prompts, and no more positions than keep a forward pass's activations within {@link #budget}.
     */
    List<int[]> batches(int[] widths) {
        return batches(widths, batchSize, budget(model.config(), model.storage()),
                bytesPerPosition(model.config(), model.dtype()), bytesPerKey(model.config(), model.dtype()));
    }

    /**
     * Bytes an evaluation batch may hold: half the step budget of batched training
     * ({@link Experiment#stepBudget}), because evaluation runs after training, when the allocator still
     * holds much of the step's freed memory. A 10-shot batch of 16 opinion prompts (about 525 positions
     * each) took the process to 20.7 GB, 10 GB above Gemma-2-2B's weights; batches of four, within the
     * whole step budget, still peaked 4.5 MB under the limit of 1.15 × the weights + 1 GB.
     */
    static long budget(laai.model.ModelConfig c, ai.djl.ndarray.types.DataType storage) {
        return Experiment.stepBudget(c, storage) / 2;
    }

    static List<int[]> batches(int[] widths, int batchSize, long budget, long perPosition, long perKey) {
        List<int[]> out = new ArrayList<>();
        int from = 0;
        while (from < widths.length) {
            int to = from + 1, widest = widths[from];
            while (to < widths.length && to - from < batchSize) {
                int w = Math.max(widest, widths[to]);
                long positions = (long) (to + 1 - from) * w;
                if (positions * (perPosition + perKey * w) > budget) break;
                widest = w;
                to++;
            }
            out.add(new int[] {from, to});
            from = to;
        }
        return out;
    }

    /**
     * A position's share of a layer's arrays alive at once in a forward pass without gradient: the
     * MLP's few intermediate-wide arrays, a dozen hidden-wide ones, and its keys and values in every
     * layer (generation keeps the cache).
     */
    static long bytesPerPosition(laai.model.ModelConfig c, ai.djl.ndarray.types.DataType dtype) {
        return (6L * c.intermediateSize() + 16L * c.hiddenSize() + 2L * c.numLayers() * c.kvDim()) * dtype.getNumOfBytes();
    }

    /** A position's attention scores per key it attends to: a few arrays of one score per head. */
    static long bytesPerKey(laai.model.ModelConfig c, ai.djl.ndarray.types.DataType dtype) {
        return 4L * c.numHeads() * dtype.getNumOfBytes();
    }

    private SiteHook hook(Delta delta, long[][] prompts, boolean everyToken) {
        if (delta == null) return null;
        int[] last = new int[prompts.length];
        for (int b = 0; b < prompts.length; b++) last[b] = prompts[b].length - 1;
        NDArray v = model.manager().create(delta.values());
        return new AddVector(delta.layer(), delta.site(), v, everyToken ? Positions.from(last) : Positions.exactly(last));
    }
}
