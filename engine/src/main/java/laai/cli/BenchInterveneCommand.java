package laai.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import laai.eval.PromptEncoder;
import laai.intervention.Example;
import laai.intervention.FastPath;
import laai.intervention.LayerFlops;
import laai.intervention.LossGradient;
import laai.intervention.LossPath;
import laai.intervention.NaivePath;
import laai.intervention.Objective;
import laai.model.Chunk;
import laai.model.DecoderModel;
import laai.model.ModelConfig;
import laai.model.Site;
import laai.model.TextTokenizer;
import laai.tasks.Pair;
import laai.tasks.PromptTemplate;
import laai.tasks.Split;
import laai.tasks.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Milliseconds per optimisation step (loss, backward into Δ) of the naive path (hooked full
 * forward) and of the fast path (prefix-cached), on the same samples in one run; the fast path's
 * achieved GFLOP/s against this machine's measured matrix-product peak; how fast a plain forward
 * runs in each path's shape, which says how much of the FLOP ratio the machine can turn into
 * speed-up; and resident memory over many fast steps.
 */
@Command(name = "intervene", description = "Naive vs fast optimisation step: ms/step, speed-up, GFLOP/s, memory.")
final class BenchInterveneCommand implements Callable<Integer> {
    @Mixin ModelOptions options;
    @Option(names = "--task", defaultValue = "antonym", description = "Task name (datasets/) or file. Default: ${DEFAULT-VALUE}.") String task;
    @Option(names = "--shots", defaultValue = "10", description = "Demonstrations per prompt (0 = zero-shot). Default: ${DEFAULT-VALUE}.") int shots;
    @Option(names = "--layer", description = "Layer (default: L/8, the paper's 4 of 32).") Integer layer;
    @Option(names = "--site", defaultValue = "heads") String site;
    @Option(names = "--train", defaultValue = "10", description = "Samples per step. Default: ${DEFAULT-VALUE}.") int train;
    @Option(names = "--steps", defaultValue = "20", description = "Timed steps per path and round. Default: ${DEFAULT-VALUE}.") int steps;
    @Option(names = "--rounds", defaultValue = "5", description = "Rounds, each timing both paths in turn; the medians are reported. Default: ${DEFAULT-VALUE}.") int rounds;
    @Option(names = "--memory-steps", defaultValue = "2000", description = "Fast steps over which resident memory is tracked (0: skip). Default: ${DEFAULT-VALUE}.") int memorySteps;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--random-model", paramLabel = "HIDDENxLAYERS",
            description = "Time a generated random Llama of this size (e.g. 512x8, vocab 32000) instead, with --model's tokenizer for the prompts.")
    String randomModel;

    @Override
    public Integer call() {
        Site where = Site.parse(site);
        try (DecoderModel model = randomModel != null ? random(randomModel) : options.load();
             TextTokenizer tokenizer = TextTokenizer.load(options.model)) {
            ModelConfig c = model.config();
            int l = layer != null ? layer : c.numLayers() / 8;
            if (steps < 1 || rounds < 1) throw new IllegalArgumentException("--steps and --rounds must be at least 1");
            ModelOptions.checkLayer(c, l);
            Task t = Task.resolve(task, Datasets.dir());
            Split split = Split.of(t, train + shots, 1, seed);
            List<Pair> demos = split.train().subList(train, train + shots);
            PromptEncoder encoder = new PromptEncoder(tokenizer, PromptTemplate.DEFAULT);
            List<Example> examples = new ArrayList<>();
            for (Pair p : split.train().subList(0, train)) examples.add(encoder.example(p, demos));
            Objective objective = new Objective(examples);
            int size = model.siteSize(where);
            double promptTokens = examples.stream().mapToInt(e -> e.prompt().length).average().orElse(0);

            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", randomModel != null ? "random-" + randomModel : options.model.getFileName().toString());
            r.put("layer", l);
            r.put("site", where.label());
            r.put("shots", shots);
            r.put("samples", train);
            r.put("mean_prompt_tokens", promptTokens);
            r.put("fast_layout", FastPath.packs(c, examples) ? "packed" : "stacked");
            r.put("matmul_precision", options.precision.label());
            try (LossPath naive = new NaivePath(model, objective, l, where);
                 LossPath fast = new FastPath(model, objective, l, where)) {
                time(naive, model.manager(), size, 10); // warm-up: JIT and allocator
                time(fast, model.manager(), size, 10);
                // Both paths in turn, round after round, and the median of each: a machine that slows
                // down or speeds up during the run then biases neither path.
                double[] naiveRounds = new double[rounds], fastRounds = new double[rounds];
                for (int i = 0; i < rounds; i++) {
                    naiveRounds[i] = time(naive, model.manager(), size, steps);
                    fastRounds[i] = time(fast, model.manager(), size, steps);
                }
                double naiveMs = median(naiveRounds), fastMs = median(fastRounds);
                r.put("naive_step_ms", naiveMs);
                r.put("fast_step_ms", fastMs);
                r.put("speedup", naiveMs / fastMs);
                double flops = fastStepFlops(c, examples, l, where);
                double naiveFlops = naiveStepFlops(c, examples, l);
                double peak = matmulPeakGflops(model.manager());
                r.put("flop_ratio", naiveFlops / flops);
                r.put("naive_gflops", naiveFlops / (naiveMs * 1e6));
                r.put("fast_gflops", flops / (fastMs * 1e6));
                r.put("matmul_peak_gflops", peak);
                r.put("fast_fraction_of_peak", flops / (fastMs * 1e6) / peak);
                // The same forward (layers above ℓ and the head, no gradient) in each path's shape:
                // with few changed rows (zero-shot) it runs well below the rate it reaches with the
                // naive path's rows, which caps the speed-up below the FLOP ratio.
                int[] fastShape = fast.shape(), naiveShape = naive.shape();
                double fastRate = forwardGflops(model, l + 1, fastShape[0], fastShape[1]);
                double naiveRate = forwardGflops(model, l + 1, naiveShape[0], naiveShape[1]);
                r.put("fast_rows", fastShape[0] * fastShape[1]);
                r.put("naive_rows", naiveShape[0] * naiveShape[1]);
                r.put("forward_gflops_at_fast_rows", fastRate);
                r.put("forward_gflops_at_naive_rows", naiveRate);
                r.put("flop_ratio_at_these_rates", naiveFlops / flops * fastRate / naiveRate);
                if (memorySteps > 0) {
                    // Collected before each reading: otherwise the Java heap touching the pages it
                    // has committed (G1 grows into them over the first few thousand steps) reads
                    // as growth of the tensors' native memory.
                    time(fast, model.manager(), size, 100);
                    System.gc();
                    long before = laai.runtime.Memory.resident();
                    time(fast, model.manager(), size, memorySteps);
                    System.gc();
                    long after = laai.runtime.Memory.resident();
                    r.put("memory_steps", memorySteps + 100);
                    r.put("rss_after_100_steps_mb", before / 1e6);
                    r.put("rss_after_all_steps_mb", after / 1e6);
                }
            }
            if (options.json) {
                Json.print(r);
            } else {
                r.forEach((k, v) -> System.out.printf("%-24s %s%n", k, v instanceof Double d ? String.format("%.3f", d) : v));
            }
        }
        return 0;
    }

    /** A random F32 Llama HIDDENxLAYERS[xVOCAB] with heads of 64 (vocab 32000 by default), written once under java.io.tmpdir. */
    private DecoderModel random(String spec) {
        String[] parts = spec.toLowerCase(java.util.Locale.ROOT).split("x");
        if (parts.length < 2 || parts.length > 3) throw new IllegalArgumentException("--random-model takes HIDDENxLAYERS[xVOCAB], e.g. 512x8");
        int hidden = Integer.parseInt(parts[0]), layers = Integer.parseInt(parts[1]);
        int vocab = parts.length == 3 ? Integer.parseInt(parts[2]) : 32000;
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "laai-bench-random-" + hidden + "x" + layers + "x" + vocab);
        if (!Files.exists(dir.resolve("model.safetensors"))) {
            new laai.model.RandomCheckpoint(hidden, layers, hidden / 64, hidden / 64, hidden * 11 / 4, vocab)
                    .write(dir, laai.checkpoint.DType.F32, 0);
        }
        return options.load(dir);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * Mean milliseconds of one step of all the path's Δs (one, or K batched): loss, backward,
     * gradients read back to Java, as the optimiser does.
     */
    static double time(LossPath path, NDManager m, int size, int steps) {
        int k = path.deltas();
        int[] all = new int[k];
        Arrays.setAll(all, i -> i);
        float[] delta = new float[size];
        for (int i = 0; i < size; i++) delta[i] = 0.01f * (i % 7 - 3);
        List<float[]> deltas = java.util.Collections.nCopies(k, delta);
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) LossGradient.at(path, m, all, deltas);
        return (System.nanoTime() - t0) / 1e6 / steps;
    }

    /**
     * FLOPs of one fast step: at layer ℓ, the rest of the layer at the N last prompt tokens (heads
     * site); above it, the changed positions in the layout the fast path picks ({@link
     * FastPath#packs}): packed, every position against all packed prefix keys (the mask discards
     * other samples' keys, but the products are computed); stacked, every sample padded to the most
     * answer positions and the longest prefix; then the logits of the rows the loss reads. Plus the
     * backward to the inputs (no weight gradients), counted as twice the forward.
     */
    static double fastStepFlops(ModelConfig c, List<Example> examples, int layer, Site site) {
        int n = examples.size();
        int answerRows = examples.stream().mapToInt(e -> e.isDistribution() ? 1 : e.answer().length).sum();
        double finish = 2.0 * c.qDim() * c.hiddenSize() + 2.0 * 3 * c.hiddenSize() * c.intermediateSize();
        double forward = site == Site.HEADS ? n * finish : 0;
        int above = c.numLayers() - layer - 1;
        forward += above * (FastPath.packs(c, examples) ? LayerFlops.packed(c, examples) : LayerFlops.stacked(c, examples));
        forward += answerRows * 2.0 * c.hiddenSize() * c.vocabSize();
        return 2 * forward;
    }

    /**
     * FLOPs of one naive step: the forward over every (padded) position of every layer and the
     * logits of every position, plus the backward from the logits down to layer ℓ (inputs only).
     * Against {@link #fastStepFlops} it says how much of the speed-up the arithmetic allows; the
     * rest is how fast the matrix products run with few rows.
     */
    static double naiveStepFlops(ModelConfig c, List<Example> examples, int layer) {
        int width = examples.stream().mapToInt(e -> e.teacherForced().length).max().orElse(1);
        double perPosition = LayerFlops.perPosition(c, width);
        double head = 2.0 * c.hiddenSize() * c.vocabSize();
        double positions = (double) examples.size() * width;
        double forward = positions * (c.numLayers() * perPosition + head);
        double backward = positions * ((c.numLayers() - layer) * perPosition + head);
        return forward + backward;
    }

    /**
     * GFLOP/s of a forward pass, without gradient, of {@code batch} sequences of {@code width}
     * positions through layers {@code from} .. L−1 and the head: how fast this machine runs the
     * model's products in one path's shape.
     */
    static double forwardGflops(DecoderModel model, int from, int batch, int width) {
        ModelConfig c = model.config();
        double flops = (double) batch * width
                * ((c.numLayers() - from) * LayerFlops.perPosition(c, (width + 1) / 2) + 2.0 * c.hiddenSize() * c.vocabSize());
        int reps = (int) Math.max(5, Math.min(200, 2e9 / flops));
        int[] lengths = new int[batch];
        Arrays.fill(lengths, width);
        try (NDScope ignored = new NDScope();
             Chunk chunk = model.chunk(Chunk.contiguous(new int[batch], lengths), null)) {
            NDArray x = model.manager().randomUniform(-1, 1, new Shape(batch, width, c.hiddenSize())).toType(model.dtype(), false);
            long t0 = 0;
            for (int i = -2; i < reps; i++) { // two warm-up passes first
                if (i == 0) t0 = System.nanoTime();
                try (NDScope pass = new NDScope()) {
                    model.logits(model.forward(x, from, chunk, null, null).hidden()).getFloat(0, 0, 0);
                }
            }
            return flops * reps / ((System.nanoTime() - t0) / 1e9) / 1e9;
        }
    }

    /** Achieved GFLOP/s of a large float32 matrix product on the model's device. */
    static double matmulPeakGflops(NDManager m) {
        int n = 1024;
        try (NDScope ignored = new NDScope()) {
            NDArray a = m.randomUniform(-1, 1, new Shape(n, n)), b = m.randomUniform(-1, 1, new Shape(n, n));
            a.matMul(b).toFloatArray();
            int reps = 10;
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) a.matMul(b).getFloat(0, 0);
            double seconds = (System.nanoTime() - t0) / 1e9;
            return 2.0 * n * n * n * reps / seconds / 1e9;
        }
    }
}
