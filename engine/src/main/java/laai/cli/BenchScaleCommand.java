package laai.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import laai.eval.PromptEncoder;
import laai.intervention.Example;
import laai.intervention.FastPath;
import laai.intervention.NaivePath;
import laai.intervention.Objective;
import laai.model.DecoderModel;
import laai.model.ModelConfig;
import laai.model.Site;
import laai.model.TextTokenizer;
import laai.runtime.Memory;
import laai.tasks.Pair;
import laai.tasks.PromptTemplate;
import laai.tasks.Split;
import laai.tasks.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A model of real size, in one run: load time and peak resident memory over the weights, the fast
 * step for one Δ and for K batched Δs, the naive step, and how close the fast step comes to the
 * floor set by streaming the weights above ℓ from memory twice (forward and backward) at this
 * machine's measured read bandwidth.
 */
@Command(name = "scale", description = "Load, memory, fast step for 1 and K batched Δs, naive step, bandwidth floor.")
final class BenchScaleCommand implements Callable<Integer> {
    @Mixin ModelOptions options;
    @Option(names = "--task", defaultValue = "antonym", description = "Task name (datasets/) or file. Default: ${DEFAULT-VALUE}.") String task;
    @Option(names = "--layer", defaultValue = "2", description = "Layer ℓ. Default: ${DEFAULT-VALUE}.") int layer;
    @Option(names = "--k", defaultValue = "8", description = "Batched Δs (one seed each). Default: ${DEFAULT-VALUE}.") int k;
    @Option(names = "--train", defaultValue = "10", description = "Samples per Δ (zero-shot prompts). Default: ${DEFAULT-VALUE}.") int train;
    @Option(names = "--steps", defaultValue = "5", description = "Timed steps of each kind (after one warm-up). Default: ${DEFAULT-VALUE}.") int steps;
    @Option(names = "--naive-steps", defaultValue = "2", description = "Timed naive steps (0: skip). Default: ${DEFAULT-VALUE}.") int naiveSteps;

    @Override
    public Integer call() {
        if (k < 1 || steps < 1 || naiveSteps < 0 || train < 1) {
            throw new IllegalArgumentException("--k, --steps and --train must be at least 1, --naive-steps at least 0");
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", options.name());
        long rssBefore = Memory.resident();
        long t0 = System.nanoTime();
        try (DecoderModel model = options.load(); TextTokenizer tokenizer = TextTokenizer.load(options.model)) {
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            ModelConfig c = model.config();
            c.checkLayer(layer);
            int bytes = model.dtype() == DataType.FLOAT16 ? 2 : model.dtype() == DataType.FLOAT64 ? 8 : 4;
            double weightBytes = parameters(c, 0) * bytes;
            r.put("dtype", model.dtype().toString().toLowerCase(java.util.Locale.ROOT));
            r.put("device", model.device().toString());
            r.put("parameters", (long) parameters(c, 0));
            r.put("weight_bytes", (long) weightBytes);
            r.put("load_seconds", loadSeconds);
            r.put("rss_before_load_bytes", rssBefore);
            r.put("peak_rss_after_load_bytes", Memory.peakResident());
            r.put("layer", layer);
            r.put("samples_per_delta", train);

            Task t = Task.resolve(task, Datasets.dir());
            PromptEncoder encoder = new PromptEncoder(tokenizer, PromptTemplate.DEFAULT);
            List<Objective> objectives = new ArrayList<>();
            for (int seed = 0; seed < k; seed++) {
                List<Example> examples = new ArrayList<>();
                for (Pair p : Split.of(t, train, 1, seed).train()) examples.add(encoder.example(p, List.of()));
                objectives.add(new Objective(examples));
            }
            int size = model.siteSize(Site.HEADS);
            double oneMs, batchMs;
            int[] oneShape;
            try (FastPath one = new FastPath(model, objectives.get(0), layer, Site.HEADS)) {
                BenchInterveneCommand.time(one, model.manager(), size, 1);
                oneMs = BenchInterveneCommand.time(one, model.manager(), size, steps);
                oneShape = one.shape();
            }
            r.put("peak_rss_after_fast_bytes", Memory.peakResident());
            try (FastPath batch = new FastPath(model, objectives, layer, Site.HEADS)) {
                BenchInterveneCommand.time(batch, model.manager(), size, 1);
                batchMs = BenchInterveneCommand.time(batch, model.manager(), size, steps);
            }
            r.put("peak_rss_after_batched_bytes", Memory.peakResident());
            double flops = BenchInterveneCommand.fastStepFlops(c, objectives.get(0).examples(), layer, Site.HEADS);
            r.put("fast_rows", oneShape[0] * oneShape[1]);
            r.put("fast_step_ms", oneMs);
            r.put("fast_step_gflop", flops / 1e9);
            r.put("fast_step_gflops", flops / (oneMs * 1e6));
            r.put("k", k);
            r.put("batched_step_ms", batchMs);
            r.put("batched_ms_per_delta", batchMs / k);
            r.put("batched_gflops", k * flops / (batchMs * 1e6));
            if (naiveSteps > 0) {
                try (NaivePath naive = new NaivePath(model, objectives.get(0), layer, Site.HEADS)) {
                    BenchInterveneCommand.time(naive, model.manager(), size, 1);
                    double naiveMs = BenchInterveneCommand.time(naive, model.manager(), size, naiveSteps);
                    r.put("naive_step_ms", naiveMs);
                    r.put("fast_speedup", naiveMs / oneMs);
                }
            }
            r.put("jvm_heap_committed_bytes", Runtime.getRuntime().totalMemory());
            long peak = Memory.peakResident(); // before the bandwidth probe allocates its own buffer
            r.put("peak_rss_bytes", peak);
            r.put("peak_rss_over_weights", peak / weightBytes);
            double bandwidth = readBandwidth(model.manager());
            double floorMs = 2 * parameters(c, layer + 1) * bytes / bandwidth * 1e3;
            r.put("read_bandwidth_gb_s", bandwidth / 1e9);
            r.put("streaming_floor_ms", floorMs);
            r.put("fast_floor_fraction", floorMs / oneMs);
            r.put("batched_floor_fraction", floorMs / batchMs); // the weights stream once for all K
        }
        if (options.json) {
            Json.print(r);
        } else {
            r.forEach((key, v) -> System.out.printf("%-26s %s%n", key, v instanceof Double d ? String.format("%.3f", d) : v));
        }
        return 0;
    }

    /**
     * Parameters of the layers from {@code from} up, the final norm and the output head (with
     * {@code from} = 0 also the embeddings; a tied head counts once): what a step above layer
     * {@code from} − 1 reads.
     */
    static double parameters(ModelConfig c, int from) {
        double h = c.hiddenSize();
        double perLayer = h * (c.qDim() + 2.0 * c.kvDim()) + (double) c.qDim() * h + 3.0 * h * c.intermediateSize() + 4 * h;
        double head = (double) c.vocabSize() * h;
        double embed = from == 0 && !c.tieWordEmbeddings() ? head : 0;
        return (c.numLayers() - from) * perLayer + h + head + embed;
    }

    /** Bytes per second a reduction over 256 MiB of float32 reads on the model's device (best of five). */
    static double readBandwidth(NDManager m) {
        long n = 1L << 26;
        try (NDScope ignored = new NDScope()) {
            NDArray a = m.ones(new Shape(n));
            a.sum().getFloat();
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                a.sum().getFloat();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            return n * 4 / best;
        }
    }
}
