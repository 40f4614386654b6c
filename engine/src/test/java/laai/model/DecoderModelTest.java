package laai.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import laai.checkpoint.Checkpoint;
import laai.checkpoint.DType;
import laai.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static laai.model.Fixtures.logits;
import static laai.model.Fixtures.maxAbs;
import static laai.model.Fixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecoderModelTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    private static final long[] IDS = {1, 17, 42, 5, 88, 23, 61, 9, 30, 77, 12};

    @Test
    void f32F16Bf16CopiesOfTheSameWeightsGiveTheSameLogits() {
        RandomCheckpoint random = Fixtures.tinyLlama().bf16Representable();
        float[][] reference = null;
        for (DType dtype : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            Path dir = random.write(tmp.resolve(dtype.name()), dtype, 0);
            try (DecoderModel model = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32); NDScope s = new NDScope()) {
                float[][] l = logits(model, IDS, null);
                if (reference == null) {
                    reference = l;
                } else {
                    // BF16-representable weights are exact in F16 except below F16's normal range.
                    assertTrue(maxAbsDiff(reference, l) < 1e-3 * maxAbs(reference),
                            dtype + " differs from F32 by " + maxAbsDiff(reference, l));
                }
            }
        }
    }

    @Test
    void shardedCheckpointEqualsSingleFile() {
        RandomCheckpoint random = Fixtures.tinyLlama();
        Path single = random.write(tmp.resolve("single"), DType.F32, 0);
        Path sharded = random.write(tmp.resolve("sharded"), DType.F32, 40_000);
        try (Checkpoint c = Checkpoint.open(sharded)) {
            assertTrue(c.names().size() > 3);
        }
        Fixtures.assertSameLogits(single, sharded, IDS);
    }

    @Test
    void cachedGenerationEqualsFullRecomputation() {
        Path dir = Fixtures.tinyLlama().write(tmp.resolve("m"), DType.F32, 0);
        try (DecoderModel model = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32)) {
            long[] prompt = {1, 17, 42, 5};
            long[] cached = new Generator(model).greedy(new long[][] {prompt}, 20, id -> false, null)[0];
            long[] full = recompute(model, prompt, 20);
            assertArrayEquals(full, cached);
        }
    }

    @Test
    void batchedGenerationOfUnequalPromptsEqualsOneByOne() {
        Path dir = Fixtures.tinyLlama().write(tmp.resolve("m"), DType.F32, 0);
        try (DecoderModel model = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32)) {
            long[][] prompts = {{1, 17, 42, 5, 8, 60}, {1, 3}, {1, 90, 4, 4}};
            Generator g = new Generator(model);
            long[][] batched = g.greedy(prompts, 12, id -> id == 7, null);
            for (int b = 0; b < prompts.length; b++) {
                assertArrayEquals(g.greedy(new long[][] {prompts[b]}, 12, id -> id == 7, null)[0], batched[b],
                        "sequence " + b);
            }
        }
    }

    /** Greedy decoding by a full forward pass over the whole sequence at every step. */
    private static long[] recompute(DecoderModel model, long[] prompt, int n) {
        long[] seq = prompt.clone();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            try (NDScope s = new NDScope()) {
                float[] last = logits(model, seq, null)[seq.length - 1];
                int best = 0;
                for (int v = 1; v < last.length; v++) if (last[v] > last[best]) best = v;
                out[i] = best;
                seq = Arrays.copyOf(seq, seq.length + 1);
                seq[seq.length - 1] = best;
            }
        }
        return out;
    }

    @Test
    void mistralSlidingWindowChangesLogitsOnlyBeyondTheWindow() {
        int window = 4;
        RandomCheckpoint mistral = Fixtures.tinyLlama().set("model_type", "mistral").set("sliding_window", window);
        RandomCheckpoint full = Fixtures.tinyLlama().set("model_type", "mistral").set("sliding_window", null);
        try (DecoderModel a = DecoderModel.load(mistral.write(tmp.resolve("w"), DType.F32, 0), Device.cpu(), DataType.FLOAT32);
             DecoderModel b = DecoderModel.load(full.write(tmp.resolve("f"), DType.F32, 0), Device.cpu(), DataType.FLOAT32);
             NDScope s = new NDScope()) {
            float[][] la = logits(a, IDS, null), lb = logits(b, IDS, null);
            for (int t = 0; t < IDS.length; t++) {
                double diff = maxAbsDiff(new float[][] {la[t]}, new float[][] {lb[t]});
                if (t < window) {
                    assertTrue(diff < 1e-5, "position " + t + " inside the window differs by " + diff);
                } else {
                    assertTrue(diff > 1e-3, "position " + t + " beyond the window is unchanged");
                }
            }
            // and the cache honours the window too
            long[] prompt = {1, 17, 42};
            assertArrayEquals(recompute(a, prompt, 10), new Generator(a).greedy(new long[][] {prompt}, 10, id -> false, null)[0]);
        }
    }

    @Test
    void qwen2UsesItsQkvBiases() {
        Path dir = Fixtures.tinyLlama().set("model_type", "qwen2").write(tmp.resolve("q"), DType.F32, 0);
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertTrue(c.has("model.layers.0.self_attn.q_proj.bias"));
            assertTrue(!c.has("model.layers.0.self_attn.o_proj.bias"));
        }
        ModelConfig config = ModelConfig.load(dir);
        assertTrue(config.qkvBias());
        try (DecoderModel withBias = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32);
             Checkpoint c = Checkpoint.open(dir);
             NDManager m = NDManager.newBaseManager(Device.cpu());
             DecoderModel zeroBias = new DecoderModel(config, m, DataType.FLOAT32, (name, required) -> {
                 NDArray w = c.load(m, name, DataType.FLOAT32);
                 return name.endsWith(".bias") ? w.zerosLike() : w;
             }, null);
             NDScope s = new NDScope()) {
            double diff = maxAbsDiff(logits(withBias, IDS, null), logits(zeroBias, IDS, null));
            assertTrue(diff > 1e-3, "logits do not depend on the q/k/v biases (diff " + diff + ")");
        }
    }

    @Test
    void llama3RopeScalingRescalesFrequenciesAsSpecified() {
        Map<String, Object> scaling = Map.of("rope_type", "llama3", "factor", 8.0, "low_freq_factor", 1.0,
                "high_freq_factor", 4.0, "original_max_position_embeddings", 64);
        Path plainDir = new RandomCheckpoint(256, 1, 2, 2, 32, 11).set("rope_theta", 500000.0).write(tmp.resolve("p"), DType.F32, 0);
        Path scaledDir = new RandomCheckpoint(256, 1, 2, 2, 32, 11).set("rope_theta", 500000.0).set("rope_scaling", scaling)
                .write(tmp.resolve("s"), DType.F32, 0);
        float[] plain = new Rope(ModelConfig.load(plainDir)).inverseFrequencies();
        float[] scaled = new Rope(ModelConfig.load(scaledDir)).inverseFrequencies();
        // head size 128: inv_freq[i] = 500000^(-2i/128); wavelength 2π/inv_freq, against 64/4 = 16 and 64/1 = 64
        int kept = 0, divided = 0, blended = 0;
        for (int i = 0; i < plain.length; i++) {
            double inv = 1.0 / Math.pow(500000.0, 2.0 * i / 128);
            assertEquals(inv, plain[i], 1e-6 * inv);
            double wavelen = 2 * Math.PI / inv;
            double expected;
            if (wavelen < 16) {
                expected = inv;
                kept++;
            } else if (wavelen > 64) {
                expected = inv / 8;
                divided++;
            } else {
                double smooth = (64 / wavelen - 1) / (4 - 1);
                expected = (1 - smooth) * inv / 8 + smooth * inv;
                blended++;
            }
            assertEquals(expected, scaled[i], 1e-6 * expected, "frequency " + i);
        }
        assertTrue(kept > 0 && divided > 0 && blended > 0, kept + " kept, " + divided + " divided, " + blended + " blended");
        assertEquals(plain[0], scaled[0]);              // the fastest rotation is kept
        assertEquals(plain[63] / 8, scaled[63], 1e-12);  // the slowest is divided by the factor
    }

    @Test
    void addVectorAddsExactlyTheVectorAtTheChosenPositionAndNothingBefore() {
        Path dir = Fixtures.tinyLlama().write(tmp.resolve("m"), DType.F32, 0);
        try (DecoderModel model = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32); NDScope s = new NDScope()) {
            int layer = 0, at = 6;
            for (Site site : Site.values()) {
                int size = model.siteSize(site);
                float[] v = new float[size];
                for (int i = 0; i < size; i++) v[i] = (float) Math.sin(i + 1);
                NDArray vector = model.manager().create(v);
                RecordActivations clean = new RecordActivations(layer, site);
                RecordActivations changed = new RecordActivations(layer, site);
                float[][] before = logits(model, IDS, clean);
                float[][] after = logits(model, IDS,
                        both(new AddVector(layer, site, vector, Positions.exactly(new int[] {at})), changed));
                for (int p = 0; p < IDS.length; p++) {
                    float[] c = clean.at(0, p), d = changed.at(0, p);
                    for (int i = 0; i < size; i++) {
                        float expected = c[i] + (p == at ? v[i] : 0f);
                        assertEquals(expected, d[i], 1e-6, site + " position " + p + " entry " + i);
                    }
                    double diff = maxAbsDiff(new float[][] {before[p]}, new float[][] {after[p]});
                    if (p < at) assertEquals(0.0, diff, 1e-6, "causality: position " + p + " changed");
                    else assertTrue(diff > 1e-4, "position " + p + " did not change");
                }
            }
        }
    }

    @Test
    void headsVectorReachesTheResidualThroughTheOutputProjection() {
        // After the attention block the residual at the chosen position gains exactly W_O · v.
        // With zero MLP weights a layer is x + W_O·heads, so the residual site shows that sum.
        RandomCheckpoint random = Fixtures.tinyLlama();
        Path dir = random.write(tmp.resolve("m"), DType.F32, 0);
        ModelConfig config = ModelConfig.load(dir);
        try (Checkpoint c = Checkpoint.open(dir);
             NDManager m = NDManager.newBaseManager(Device.cpu());
             DecoderModel model = new DecoderModel(config, m, DataType.FLOAT32, (name, required) -> {
                 NDArray w = c.load(m, name, DataType.FLOAT32);
                 return name.contains("mlp.down_proj") ? w.zerosLike() : w;
             }, null);
             NDScope s = new NDScope()) {
            int at = 4, size = config.qDim(), hidden = config.hiddenSize();
            float[] v = new float[size];
            for (int i = 0; i < size; i++) v[i] = 0.3f * (float) Math.cos(3 * i);
            float[] wo = c.readFloats("model.layers.1.self_attn.o_proj.weight"); // [hidden, size]
            RecordActivations clean = new RecordActivations(1, Site.RESIDUAL), changed = new RecordActivations(1, Site.RESIDUAL);
            logits(model, IDS, clean);
            logits(model, IDS, both(new AddVector(1, Site.HEADS, m.create(v), Positions.exactly(new int[] {at})), changed));
            float[] c0 = clean.at(0, at), c1 = changed.at(0, at);
            for (int j = 0; j < hidden; j++) {
                double wv = 0;
                for (int i = 0; i < size; i++) wv += wo[j * size + i] * v[i];
                assertEquals(c0[j] + wv, c1[j], 1e-5, "residual entry " + j);
            }
        }
    }

    @Test
    void gradientWithRespectToTheAddedVectorMatchesFiniteDifferences() {
        Path dir = Fixtures.tinyLlama().write(tmp.resolve("m"), DType.F32, 0);
        ModelConfig config = ModelConfig.load(dir);
        try (Checkpoint c = Checkpoint.open(dir);
             NDManager m = NDManager.newBaseManager(Device.cpu());
             DecoderModel model = new DecoderModel(config, m, DataType.FLOAT64,
                     (name, required) -> c.load(m, name, DataType.FLOAT32).toType(DataType.FLOAT64, false), null)) {
            for (Site site : Site.values()) {
                int size = model.siteSize(site);
                double[] v0 = new double[size];
                for (int i = 0; i < size; i++) v0[i] = 0.1 * Math.sin(7 * i);
                int[] at = {3};
                double[] grad;
                try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray v = m.create(v0);
                    v.setRequiresGradient(true);
                    NDArray loss = objective(model, v, site, at);
                    gc.backward(loss);
                    grad = v.getGradient().toDoubleArray();
                }
                double h = 1e-5;
                for (int i = 0; i < size; i += 5) {
                    double[] plus = v0.clone(), minus = v0.clone();
                    plus[i] += h;
                    minus[i] -= h;
                    double fd;
                    try (NDScope s = new NDScope()) {
                        fd = (objective(model, m.create(plus), site, at).getDouble()
                                - objective(model, m.create(minus), site, at).getDouble()) / (2 * h);
                    }
                    assertEquals(fd, grad[i], 1e-6 * Math.max(1, Math.abs(fd)), site + " entry " + i);
                }
                assertNotEquals(0.0, Arrays.stream(grad).map(Math::abs).sum());
            }
        }
    }

    /** Negative log-likelihood of the tokens after the intervened position. */
    private static NDArray objective(DecoderModel model, NDArray v, Site site, int[] at) {
        long[] ids = IDS;
        Chunk chunk = model.chunk(Chunk.contiguous(new int[] {0}, new int[] {ids.length}), null);
        NDArray x = model.embed(model.manager().create(ids, new Shape(1, ids.length)), chunk);
        NDArray logits = model.logits(model.forward(x, 0, chunk, null,
                new AddVector(1, site, v, Positions.exactly(at))).hidden()).get("0, 3:-1");
        NDArray targets = model.manager().create(Arrays.copyOfRange(ids, 4, ids.length)).expandDims(1);
        return logits.logSoftmax(-1).gather(targets, 1).mean().neg();
    }

    /** {@code first}, then {@code next} on what it returns: a vector added, then the activations recorded. */
    private static SiteHook both(SiteHook first, SiteHook next) {
        return (layer, site, x, chunk) -> next.apply(layer, site, first.apply(layer, site, x, chunk), chunk);
    }
}
