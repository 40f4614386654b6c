package laai.demo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.google.gson.GsonBuilder;
import laai.checkpoint.DType;
import laai.checkpoint.SafeTensorsWriter;
import laai.model.Chunk;
import laai.model.DecoderModel;
import laai.model.ModelConfig;
import laai.model.RandomCheckpoint;
import laai.runtime.Djl;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a small Llama-architecture model from scratch on the {@link DemoCorpus} with the
 * project's own runtime: {@link DecoderModel}'s forward pass over weights that require gradients, full
 * backpropagation through DJL autograd, AdamW with linear warm-up and cosine decay, global
 * gradient-norm clipping. Seeded and deterministic in its data order and initialisation; the
 * arithmetic is libtorch's, whose multi-threaded CPU reductions may differ in the last bits, so a
 * run that must repeat bit for bit uses one thread ({@code train-demo-model --threads 1}).
 *
 * <p>DJL specifics: every step runs inside an {@link NDScope}, so its intermediates are freed; the
 * weights are leaves created once, and the optimizer updates them in place with grad mode off
 * (outside the {@link GradientCollector}, on a thread where {@link Djl#noGradOnThisThread()} ran;
 * libtorch refuses in-place changes of a leaf that requires grad otherwise); gradients accumulate
 * in libtorch, so each is zeroed after its update.
 *
 * <p>Each document is one sequence: BOS, its tokens, EOS, right-padded in its batch; the loss is
 * the mean next-token cross-entropy over the real positions. Batches hold documents of one width
 * class ({@link #WIDTHS}), batchTokens / width of them, so that few tensor shapes occur. A step
 * whose loss or gradient is not finite is skipped (logged), not applied.
 */
public final class DemoTrainer {

    /** Model shape and optimisation settings. */
    public record Settings(int hidden, int layers, int heads, int kvHeads, int intermediate,
                           int steps, double learningRate, int warmupSteps, double minLearningRateRatio,
                           double weightDecay, double clipNorm, int batchTokens, long seed, int logEvery) {
    }

    /**
     * What a run produced: steps run, target tokens trained on, seconds, the mean loss of the last
     * logging interval, the log (step, loss, learning rate, seconds, tokens), corpus rounds begun,
     * and the steps skipped for a non-finite loss or gradient.
     */
    public record Result(int steps, long tokens, double seconds, double finalLoss, List<double[]> log, int rounds,
                         int skipped) {}

    private static final double BETA1 = 0.9, BETA2 = 0.95, EPS = 1e-8;

    private final Settings settings;
    private final WordTokenizer tokenizer;
    private final PrintStream out;
    private final Map<String, NDArray> weights = new LinkedHashMap<>();
    private final Map<String, NDArray> firstMoment = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoment = new LinkedHashMap<>();
    private final RandomCheckpoint layout;
    private final NDManager manager;
    private final DecoderModel model;
    private double backpropSeconds, updateSeconds;
    private int skipped;

    public DemoTrainer(Settings settings, WordTokenizer tokenizer, PrintStream out) {
        this.settings = settings;
        this.tokenizer = tokenizer;
        this.out = out;
        Djl.engine(); // offline settings and libtorch first
        this.layout = new RandomCheckpoint(settings.hidden(), settings.layers(), settings.heads(), settings.kvHeads(),
                settings.intermediate(), tokenizer.size())
                .set("tie_word_embeddings", true)
                .set("bos_token_id", WordTokenizer.BOS_ID)
                .set("eos_token_id", WordTokenizer.EOS_ID)
                .set("pad_token_id", WordTokenizer.PAD_ID)
                .set("max_position_embeddings", 512)
                .set("rms_norm_eps", 1e-5);
        this.manager = Djl.newManager(ai.djl.Device.cpu());
        SplittableRandom rng = new SplittableRandom(settings.seed());
        double std = 0.02, residualStd = 0.02 / Math.sqrt(2.0 * settings.layers());
        layout.weights().forEach((name, shape) -> {
            int n = 1;
            for (long s : shape) n *= (int) s;
            float[] w = new float[n];
            if (name.endsWith("norm.weight")) {
                Arrays.fill(w, 1f);
            } else {
                double sd = name.endsWith("o_proj.weight") || name.endsWith("down_proj.weight") ? residualStd : std;
                for (int i = 0; i < n; i++) w[i] = (float) (rng.nextGaussian() * sd);
            }
            NDArray a = manager.create(w, new Shape(shape));
            a.setRequiresGradient(true);
            weights.put(name, a);
            firstMoment.put(name, manager.zeros(new Shape(shape)));
            secondMoment.put(name, manager.zeros(new Shape(shape)));
        });
        ModelConfig config = config();
        this.model = new DecoderModel(config, manager, DataType.FLOAT32, (name, required) -> weights.get(name), null);
    }

    private ModelConfig config() {
        try {
            Path tmp = Files.createTempDirectory("laai-demo-config");
            try {
                Files.writeString(tmp.resolve("config.json"), configJson(), StandardCharsets.UTF_8);
                return ModelConfig.load(tmp);
            } finally {
                Files.deleteIfExists(tmp.resolve("config.json"));
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String configJson() {
        return new GsonBuilder().setPrettyPrinting().create().toJson(layout.config) + "\n";
    }

    public DecoderModel model() {
        return model;
    }

    public long parameterCount() {
        long n = 0;
        for (NDArray w : weights.values()) n += w.getShape().size();
        return n;
    }

    /** Ids of one document: BOS, its tokens, EOS. */
    public int[] sequence(String text) {
        int[] t = tokenizer.encode(text);
        int[] ids = new int[t.length + 2];
        ids[0] = WordTokenizer.BOS_ID;
        System.arraycopy(t, 0, ids, 1, t.length);
        ids[ids.length - 1] = WordTokenizer.EOS_ID;
        return ids;
    }

    /** Sequence widths of the batches: each document goes to the narrowest that holds it (few shapes, so libtorch's kernels stay warm). */
    static final int[] WIDTHS = {12, 16, 20, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 224};

    /** A batch: sequences (BOS … EOS) padded to {@code width} inputs, {@code rows} sequences (the extra rows are empty). */
    record Batch(int width, int rows, List<int[]> sequences) {}

    /**
     * Batches of one round: documents grouped by width, shuffled within a group, cut into batches
     * of batchTokens / width sequences (the last one padded with empty rows), and all batches
     * shuffled. Documents longer than the widest width are cut.
     */
    List<Batch> batches(List<DemoCorpus.Document> docs, SplittableRandom rng) {
        List<List<int[]>> groups = new ArrayList<>();
        for (int w : WIDTHS) groups.add(new ArrayList<>());
        for (DemoCorpus.Document d : docs) {
            int[] s = sequence(d.text());
            int g = 0;
            while (g < WIDTHS.length - 1 && WIDTHS[g] < s.length - 1) g++;
            if (s.length - 1 > WIDTHS[g]) s = Arrays.copyOf(s, WIDTHS[g] + 1);
            groups.get(g).add(s);
        }
        List<Batch> batches = new ArrayList<>();
        for (int g = 0; g < WIDTHS.length; g++) {
            List<int[]> group = groups.get(g);
            DemoCorpus.shuffle(group, rng);
            int rows = Math.max(1, settings.batchTokens() / WIDTHS[g]);
            for (int from = 0; from < group.size(); from += rows) {
                batches.add(new Batch(WIDTHS[g], rows, group.subList(from, Math.min(group.size(), from + rows))));
            }
        }
        DemoCorpus.shuffle(batches, rng);
        return batches;
    }

    public double learningRate(int step) {
        double peak = settings.learningRate();
        if (step <= settings.warmupSteps()) return peak * step / settings.warmupSteps();
        double p = (double) (step - settings.warmupSteps()) / Math.max(1, settings.steps() - settings.warmupSteps());
        double min = peak * settings.minLearningRateRatio();
        return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, p)));
    }

    private int every;
    private java.util.function.IntConsumer atStep = step -> {};

    /** Calls {@code atStep} after every {@code steps}-th step (a probe that only reads the weights). */
    public void every(int steps, java.util.function.IntConsumer atStep) {
        this.every = steps;
        this.atStep = atStep;
    }

    /** Trains for settings.steps steps (or until maxSeconds, when positive) on the corpus rounds. */
    public Result train(DemoCorpus corpus, double maxSeconds) {
        return train(corpus, maxSeconds, settings.steps());
    }

    /**
     * Trains the first {@code stopAfter} steps of the settings.steps schedule: the learning rate of
     * each step is the full run's, so a shortened run repeats the beginning of the full one.
     */
    public Result train(DemoCorpus corpus, double maxSeconds, int stopAfter) {
        int last = Math.min(settings.steps(), stopAfter);
        Engine engine = Djl.engine();
        Djl.noGradOnThisThread(); // the weights are updated in place, which libtorch allows only without grad mode
        SplittableRandom order = new SplittableRandom(settings.seed() * 31 + 7);
        List<double[]> log = new ArrayList<>();
        long t0 = System.nanoTime();
        long tokens = 0, logTokens = 0;
        double logLoss = 0, lastLoss = Double.NaN;
        int logCount = 0, round = 0, step = 0;
        List<Batch> batches = List.of();
        int next = 0;
        while (step < last) {
            if (next == batches.size()) {
                batches = batches(corpus.round(round++), order);
                next = 0;
            }
            Batch batch = batches.get(next++);
            step++;
            double lr = learningRate(step);
            double[] r = step(engine, batch, lr, step);
            double loss = r[0];
            if (!Double.isFinite(loss) || !Double.isFinite(r[2])) {
                out.printf("step %d: non-finite loss or gradient (loss %s, gradient norm %s); update skipped%n", step, loss, r[2]);
                if (skipped > 20) throw new IllegalStateException("more than 20 non-finite steps; stopping at step " + step);
                continue;
            }
            tokens += (long) r[1];
            logTokens += (long) r[1];
            logLoss += loss * r[1];
            logCount++;
            double elapsed = (System.nanoTime() - t0) / 1e9;
            if (step % settings.logEvery() == 0 || step == last) {
                lastLoss = logLoss / logTokens;
                log.add(new double[] {step, lastLoss, lr, elapsed, tokens});
                out.printf("step %5d/%d  loss %.4f  lr %.2e  grad-norm %.2f  %d tok  %.0f tok/s  %.1f min  round %d"
                                + "  (forward+backward %.0f%%, update %.0f%%)%n",
                        step, settings.steps(), lastLoss, lr, r[2], tokens, tokens / elapsed, elapsed / 60, round - 1,
                        100 * backpropSeconds / elapsed, 100 * updateSeconds / elapsed);
                out.flush();
                logLoss = 0;
                logTokens = 0;
                logCount = 0;
            }
            if (every > 0 && step % every == 0) atStep.accept(step);
            if (maxSeconds > 0 && elapsed > maxSeconds) {
                out.printf("stopping at step %d: time limit of %.1f min reached%n", step, maxSeconds / 60);
                break;
            }
        }
        if (logCount > 0) {
            lastLoss = logLoss / logTokens;
            log.add(new double[] {step, lastLoss, learningRate(step), (System.nanoTime() - t0) / 1e9, tokens});
        }
        return new Result(step, tokens, (System.nanoTime() - t0) / 1e9, lastLoss, log, round, skipped);
    }

    /** One optimisation step; returns {loss, target tokens, gradient norm before clipping}. */
    double[] step(Engine engine, Batch batch, double lr, int t) {
        int b = batch.rows(), width = batch.width();
        long[] ids = new long[b * width];
        long[] targets = new long[b * width];
        float[] weight = new float[b * width];
        int[] lengths = new int[b];
        int count = 0;
        Arrays.fill(ids, WordTokenizer.PAD_ID);
        for (int i = 0; i < batch.sequences().size(); i++) {
            int[] s = batch.sequences().get(i);
            lengths[i] = s.length - 1; // inputs are all but the last token
            for (int j = 0; j < s.length - 1; j++) {
                ids[i * width + j] = s[j];
                targets[i * width + j] = s[j + 1];
                weight[i * width + j] = 1f;
                count++;
            }
        }
        for (int i = 0; i < weight.length; i++) weight[i] /= count;
        double loss, norm;
        long t0 = System.nanoTime();
        try (NDScope ignored = new NDScope()) {
            try (GradientCollector gc = engine.newGradientCollector()) {
                Chunk chunk = model.chunk(positions(lengths, width), null);
                NDArray x = model.embed(manager.create(ids, new Shape(b, width)));
                NDArray hidden = model.forward(x, 0, chunk, null, null).hidden().reshape(b * width, settings.hidden());
                NDArray logp = model.logits(hidden).logSoftmax(-1);
                NDArray picked = logp.gather(manager.create(targets, new Shape(b * width, 1)), 1).squeeze(1);
                NDArray l = picked.mul(manager.create(weight)).sum().neg();
                loss = l.getFloat();
                gc.backward(l);
            }
            long t1 = System.nanoTime();
            backpropSeconds += (t1 - t0) / 1e9;
            Map<String, NDArray> grads = new LinkedHashMap<>();
            NDArray squares = null;
            for (var e : weights.entrySet()) {
                NDArray g = e.getValue().getGradient();
                grads.put(e.getKey(), g);
                NDArray s = g.square().sum();
                squares = squares == null ? s : squares.add(s);
            }
            norm = Math.sqrt(squares.getFloat());
            if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                // a non-finite loss or gradient: skip this batch's update rather than spread NaN into the weights
                for (NDArray w : weights.values()) JniUtils.zeroGrad((PtNDArray) w);
                skipped++;
                return new double[] {loss, count, norm};
            }
            float scale = norm > settings.clipNorm() ? (float) (settings.clipNorm() / norm) : 1f;
            // AdamW in libtorch, in place and without autograd (DJL's native Adam kernel with decoupled
            // weight decay): w -= lr·wd·w; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
            // w -= lr·√(1−β2^t)/(1−β1^t) · m / (√v + ε), g being the clipped gradient.
            float corrected = (float) (lr * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t)));
            for (var e : weights.entrySet()) {
                String name = e.getKey();
                PtNDArray w = (PtNDArray) e.getValue();
                JniUtils.adamUpdate(w, (PtNDArray) grads.get(name), (PtNDArray) firstMoment.get(name),
                        (PtNDArray) secondMoment.get(name), (float) lr, corrected,
                        decays(name) ? (float) settings.weightDecay() : 0f, scale, -1f,
                        (float) BETA1, (float) BETA2, (float) EPS, true);
                JniUtils.zeroGrad(w); // gradients accumulate in libtorch
            }
            updateSeconds += (System.nanoTime() - t1) / 1e9;
        }
        return new double[] {loss, count, norm};
    }

    /** Positions 0 .. length−1 of each row, −1 (padding) up to width. */
    static int[][] positions(int[] lengths, int width) {
        int[][] p = new int[lengths.length][width];
        for (int i = 0; i < lengths.length; i++) {
            for (int j = 0; j < width; j++) p[i][j] = j < lengths[i] ? j : -1;
        }
        return p;
    }

    /** Weight decay on matrices, not on norms; the (tied) embedding is decayed too, as in most Llama recipes. */
    private static boolean decays(String name) {
        return !name.endsWith("norm.weight");
    }

    /**
     * Rescales each layer's value and output projections, v_proj by α_l and o_proj by 1/α_l, so
     * that the o_proj input (the intervention's "heads" site) at the last token of the given
     * prompts has root-mean-square {@code targetRms}. The model computes exactly the same function
     * (attention is linear in the values, and nothing else reads them); only the scale of the
     * heads site changes, and with it how large a Δ there has to be for a given effect, which is
     * what the L1 and group-lasso weights γ and λ are measured against. Returns α per layer.
     */
    public double[] rescaleHeads(double targetRms, List<String> prompts) {
        Djl.noGradOnThisThread();
        int layers = settings.layers();
        double[] sumSquares = new double[layers];
        long[] count = new long[layers];
        for (int from = 0; from < prompts.size(); from += 64) {
            PromptBatch batch = PromptBatch.of(tokenizer, prompts.subList(from, Math.min(prompts.size(), from + 64)));
            int b = batch.size(), width = batch.width();
            try (NDScope ignored = new NDScope()) {
                NDArray lastRows = manager.create(batch.lastRows());
                int w = width;
                laai.model.SiteHook hook = (layer, site, x, chunk) -> {
                    if (site == laai.model.Site.HEADS) {
                        float[] v = x.reshape(b * (long) w, -1).get(lastRows).toFloatArray();
                        for (float f : v) sumSquares[layer] += (double) f * f;
                        count[layer] += v.length;
                    }
                    return x;
                };
                Chunk chunk = model.chunk(positions(batch.lengths(), width), null);
                model.forward(model.embed(manager.create(batch.ids(), new Shape(b, width))), 0, chunk, null, hook);
            }
        }
        double[] alpha = new double[layers];
        for (int l = 0; l < layers; l++) {
            double rms = Math.sqrt(sumSquares[l] / count[l]);
            alpha[l] = targetRms / rms;
            String p = "model.layers." + l + ".self_attn.";
            weights.get(p + "v_proj.weight").muli((float) alpha[l]);
            weights.get(p + "o_proj.weight").muli((float) (1 / alpha[l]));
            out.printf("layer %d: heads-site RMS %.4f -> %.4f (v_proj x %.5f, o_proj x %.2f)%n", l, rms, targetRms, alpha[l], 1 / alpha[l]);
        }
        return alpha;
    }

    /** Writes the Hugging Face folder: config.json, generation_config.json, model.safetensors, tokenizer files. */
    public void save(Path dir, DType dtype, Map<String, String> metadata) {
        try {
            Files.createDirectories(dir);
            layout.config.put("torch_dtype", dtype == DType.F16 ? "float16" : "float32");
            Files.writeString(dir.resolve("config.json"), configJson(), StandardCharsets.UTF_8);
            Map<String, Object> gen = new LinkedHashMap<>();
            gen.put("bos_token_id", WordTokenizer.BOS_ID);
            gen.put("eos_token_id", WordTokenizer.EOS_ID);
            gen.put("pad_token_id", WordTokenizer.PAD_ID);
            Files.writeString(dir.resolve("generation_config.json"),
                    new GsonBuilder().setPrettyPrinting().create().toJson(gen) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SafeTensorsWriter writer = new SafeTensorsWriter();
        metadata.forEach(writer::metadata);
        writer.metadata("format", "pt");
        for (var e : weights.entrySet()) {
            writer.add(e.getKey(), dtype, e.getValue().getShape().getShape(), e.getValue().toFloatArray());
        }
        writer.write(dir.resolve("model.safetensors"));
        tokenizer.write(dir);
    }

    public void close() {
        manager.close();
    }
}
