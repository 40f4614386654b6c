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
import laai.model.family.Families;
import laai.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static laai.model.Fixtures.logits;
import static laai.model.Fixtures.maxAbs;
import static laai.model.Fixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gemma-2, GPT-2 and Qwen3 on tiny random checkpoints in Hugging Face layout: what can be checked without
 * transformers (the logits themselves are compared with a reference in {@link GoldenLogitsTest}).
 */
class ArchitecturesTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    private static final long[] IDS = {1, 17, 42, 5, 88, 23, 61, 9, 30, 77, 12};

    private DecoderModel load(RandomCheckpoint random, String name) {
        return DecoderModel.load(random.write(tmp.resolve(name), DType.F32, 0), Device.cpu(), DataType.FLOAT32);
    }

    // ---------------------------------------------------------------------------------------------
    // configuration

    @Test
    void parameterCountComesFromTheConfigAlone() {
        // The published totals less norms and biases: Llama-3-8B 8,030,261,248 less 266,240 norm
        // weights; GPT-2 124,439,808 less 121,344 biases and norm weights.
        assertEquals(8_029_995_008L, ModelConfig.parse(com.google.gson.JsonParser.parseString("""
                {"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,
                 "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256, "eos_token_id": 128001}
                """).getAsJsonObject(), tmp).parameterCount());
        assertEquals(124_318_464L, ModelConfig.parse(com.google.gson.JsonParser.parseString("""
                {"model_type": "gpt2", "n_embd": 768, "n_layer": 12, "n_head": 12, "vocab_size": 50257, "n_positions": 1024}
                """).getAsJsonObject(), tmp).parameterCount());
        long demo = ModelConfig.load(Fixtures.demoModel()).parameterCount();
        assertTrue(demo > 2_800_000 && demo < 3_000_000, "the demo model's 2.9 M: " + demo);
    }

    @Test
    void gemma2ConfigTakesTransformersDefaultsAndOverrides() {
        ModelConfig tiny = ModelConfig.load(Fixtures.tinyGemma2().write(tmp.resolve("tiny"), DType.F32, 0));
        assertEquals(Families.GEMMA2, tiny.family());
        assertEquals(16, tiny.headDim());
        assertEquals(64, tiny.qDim());
        assertEquals(32, tiny.kvDim());
        assertEquals(48, tiny.hiddenSize());
        assertArrayEquals(new int[] {4, 0, 4}, tiny.slidingWindowPerLayer()); // even layers slide
        assertEquals(1 / Math.sqrt(24), tiny.attentionScale(), 1e-15);
        assertEquals(3.0, tiny.attnLogitSoftcapping());
        assertEquals(5.0, tiny.finalLogitSoftcapping());
        assertEquals("gelu_pytorch_tanh", tiny.hiddenAct());
        assertTrue(tiny.tieWordEmbeddings());

        RandomCheckpoint plain = RandomCheckpoint.gemma2(48, 2, 4, 2, 16, 96, 97);
        plain.config.remove("query_pre_attn_scalar");
        plain.config.remove("attn_logit_softcapping");
        plain.config.remove("final_logit_softcapping");
        plain.config.remove("sliding_window");
        ModelConfig defaults = ModelConfig.load(plain.write(tmp.resolve("defaults"), DType.F32, 0));
        assertEquals(50.0, defaults.attnLogitSoftcapping());
        assertEquals(30.0, defaults.finalLogitSoftcapping());
        assertEquals(1.0 / 16, defaults.attentionScale());
        assertArrayEquals(new int[] {4096, 0}, defaults.slidingWindowPerLayer());

        ModelConfig off = ModelConfig.load(Fixtures.tinyGemma2().set("attn_logit_softcapping", null)
                .set("final_logit_softcapping", null).set("sliding_window", null).write(tmp.resolve("off"), DType.F32, 0));
        assertEquals(0.0, off.attnLogitSoftcapping());
        assertEquals(0.0, off.finalLogitSoftcapping());
        assertArrayEquals(new int[] {0, 0, 0}, off.slidingWindowPerLayer());

        ModelConfig typed = ModelConfig.load(Fixtures.tinyGemma2()
                .set("layer_types", List.of("full_attention", "sliding_attention", "full_attention"))
                .write(tmp.resolve("typed"), DType.F32, 0));
        assertArrayEquals(new int[] {0, 4, 0}, typed.slidingWindowPerLayer());
    }

    @Test
    void gpt2ConfigReadsItsOwnKeys() {
        ModelConfig c = ModelConfig.load(Fixtures.tinyGpt2().write(tmp.resolve("g"), DType.F32, 0));
        assertEquals(Families.GPT2, c.family());
        assertEquals(64, c.hiddenSize());
        assertEquals(3, c.numLayers());
        assertEquals(4, c.numHeads());
        assertEquals(4, c.numKvHeads());
        assertEquals(16, c.headDim());
        assertEquals(256, c.intermediateSize()); // n_inner null: 4 · n_embd
        assertEquals(32, c.maxPositionEmbeddings());
        assertEquals(1e-5f, c.normEps());
        assertEquals("gelu_new", c.hiddenAct());
        assertEquals(0.25, c.attentionScale(), 1e-15);
        assertTrue(c.tieWordEmbeddings());
        assertTrue(c.qkvBias() && c.outputBias() && c.mlpBias());
        assertTrue(!c.family().usesRope());
    }

    @Test
    void qwen3ConfigTakesTransformersDefaults() {
        ModelConfig tiny = ModelConfig.load(Fixtures.tinyQwen3().write(tmp.resolve("tiny"), DType.F32, 0));
        assertEquals(Families.QWEN3, tiny.family());
        assertEquals(16, tiny.headDim());
        assertEquals(64, tiny.qDim());
        assertEquals(0.25, tiny.attentionScale(), 1e-15);
        assertTrue(!tiny.qkvBias() && !tiny.outputBias() && tiny.tieWordEmbeddings());
        assertArrayEquals(new int[] {0, 0, 0}, tiny.slidingWindowPerLayer());
        Map<String, long[]> tensors = ModelShapes.of(tiny);
        assertArrayEquals(new long[] {16}, tensors.get("model.layers.2.self_attn.q_norm.weight"));
        assertArrayEquals(new long[] {16}, tensors.get("model.layers.2.self_attn.k_norm.weight"));

        RandomCheckpoint plain = Fixtures.tinyQwen3().set("attention_bias", true).set("use_sliding_window", true)
                .set("sliding_window", 4).set("max_window_layers", 1);
        plain.config.remove("head_dim");
        plain.config.remove("max_position_embeddings");
        ModelConfig defaults = ModelConfig.load(plain.write(tmp.resolve("defaults"), DType.F32, 0));
        assertEquals(128, defaults.headDim());                          // Qwen3Config's, not 48 / 4
        assertTrue(defaults.qkvBias() && defaults.outputBias());        // attention_bias: q, k, v and o
        assertArrayEquals(new int[] {0, 4, 4}, defaults.slidingWindowPerLayer());
        assertEquals(32768, defaults.maxPositionEmbeddings());

        ModelConfig typed = ModelConfig.load(Fixtures.tinyQwen3().set("use_sliding_window", true).set("sliding_window", 4)
                .set("layer_types", List.of("sliding_attention", "full_attention", "sliding_attention"))
                .write(tmp.resolve("typed"), DType.F32, 0));
        assertArrayEquals(new int[] {4, 0, 4}, typed.slidingWindowPerLayer());
    }

    @Test
    void qwen3HeadNormsAreReadAndMatter() {
        Path dir = Fixtures.tinyQwen3().write(tmp.resolve("q"), DType.F32, 0);
        try (DecoderModel model = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32);
             NDScope s = new NDScope()) {
            assertEquals(64, model.siteSize(Site.HEADS));
            assertEquals(48, model.siteSize(Site.RESIDUAL));
            float[][] normed = logits(model, IDS, null);
            // the same checkpoint with unit head norms: the norms' weights reach the logits
            try (Checkpoint c = Checkpoint.open(dir);
                 NDManager m = NDManager.newBaseManager(Device.cpu());
                 DecoderModel unit = new DecoderModel(model.config(), m, DataType.FLOAT32, (name, required) ->
                         name.endsWith("q_norm.weight") || name.endsWith("k_norm.weight") ? m.ones(new Shape(16))
                                 : c.load(m, name, DataType.FLOAT32), null)) {
                assertTrue(maxAbsDiff(normed, logits(unit, IDS, null)) > 1e-3, "q_norm and k_norm weights are ignored");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Gemma-2

    @Test
    void gemma2FinalSoftCapBoundsTheLogits() {
        try (DecoderModel capped = load(Fixtures.tinyGemma2().set("final_logit_softcapping", 2.0), "capped");
             DecoderModel free = load(Fixtures.tinyGemma2().set("final_logit_softcapping", null), "free");
             NDScope s = new NDScope()) {
            float[][] c = logits(capped, IDS, null), f = logits(free, IDS, null);
            assertTrue(maxAbs(f) > 3, "the uncapped logits should exceed the cap of 2 (max " + maxAbs(f) + ")");
            assertTrue(maxAbs(c) < 2, "capped logits reach " + maxAbs(c));
            for (int t = 0; t < IDS.length; t++) {
                for (int v = 0; v < c[t].length; v++) {
                    assertEquals(2 * Math.tanh(f[t][v] / 2), c[t][v], 1e-5, "position " + t + " token " + v);
                }
            }
        }
    }

    @Test
    void gemma2AttentionSoftCapBendsTheScoresAndAHugeCapIsTheIdentity() {
        try (DecoderModel capped = load(Fixtures.tinyGemma2(), "capped");
             DecoderModel huge = load(Fixtures.tinyGemma2().set("attn_logit_softcapping", 1e6), "huge");
             DecoderModel free = load(Fixtures.tinyGemma2().set("attn_logit_softcapping", null), "free");
             NDScope s = new NDScope()) {
            float[][] c = logits(capped, IDS, null), h = logits(huge, IDS, null), f = logits(free, IDS, null);
            assertTrue(maxAbsDiff(h, f) < 1e-5, "a cap of 1e6 changed the logits by " + maxAbsDiff(h, f));
            assertTrue(maxAbsDiff(c, f) > 1e-3, "a cap of 3 did not change the logits");
            // the first position attends to itself only: nothing for the cap to change there
            assertTrue(maxAbsDiff(new float[][] {c[0]}, new float[][] {f[0]}) < 1e-5);
        }
    }

    @Test
    void gemma2SlidingWindowMattersOnlyBeyondItsLength() {
        int window = 4;
        try (DecoderModel a = load(Fixtures.tinyGemma2(), "w");
             DecoderModel b = load(Fixtures.tinyGemma2().set("sliding_window", null), "f");
             NDScope s = new NDScope()) {
            float[][] la = logits(a, IDS, null), lb = logits(b, IDS, null);
            for (int t = 0; t < IDS.length; t++) {
                double diff = maxAbsDiff(new float[][] {la[t]}, new float[][] {lb[t]});
                if (t < window) {
                    assertTrue(diff < 1e-5, "position " + t + " inside the window differs by " + diff);
                } else {
                    assertTrue(diff > 1e-4, "position " + t + " beyond the window is unchanged");
                }
            }
        }
    }

    @Test
    void gemma2HeadSizeIndependentOfHiddenSizeAtEverySite() {
        try (DecoderModel model = load(Fixtures.tinyGemma2(), "g"); NDScope s = new NDScope()) {
            assertEquals(64, model.siteSize(Site.HEADS));
            assertEquals(48, model.siteSize(Site.RESIDUAL));
            for (Site site : Site.values()) {
                RecordActivations record = new RecordActivations(2, site);
                logits(model, IDS, record);
                assertEquals(model.siteSize(site), record.at(0, IDS.length - 1).length, site.toString());
                record.recorded().forEach(NDArray::close);
            }
        }
    }

    @Test
    void bf16Gemma2LoadsLikeF32WithoutTheJvmSeeingBf16() {
        RandomCheckpoint random = Fixtures.tinyGemma2().bf16Representable();
        Path f32 = random.write(tmp.resolve("f32"), DType.F32, 0);
        Path bf16 = random.write(tmp.resolve("bf16"), DType.BF16, 0);
        try (Checkpoint c = Checkpoint.open(bf16)) {
            assertEquals(DType.BF16, c.info("model.embed_tokens.weight").dtype());
        }
        try (DecoderModel a = DecoderModel.load(f32, Device.cpu(), DataType.FLOAT32);
             DecoderModel b = DecoderModel.load(bf16, Device.cpu(), DataType.FLOAT32);
             DecoderModel half = DecoderModel.load(bf16, Device.cpu(), DataType.FLOAT16);
             NDScope s = new NDScope()) {
            float[][] la = logits(a, IDS, null);
            assertEquals(0.0, maxAbsDiff(la, logits(b, IDS, null)), 1e-6);
            double halfDiff = maxAbsDiff(la, logits(half, IDS, null));
            assertTrue(halfDiff < 2e-2 * maxAbs(la), "F16 compute differs from F32 by " + halfDiff);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // GPT-2

    @Test
    void gpt2PrefixedAndBareTensorNamesLoadTheSameModel() {
        Path prefixed = Fixtures.tinyGpt2().write(tmp.resolve("p"), DType.F32, 0);
        Path bare = Fixtures.tinyGpt2().gpt2Prefixed(false).write(tmp.resolve("b"), DType.F32, 0);
        try (Checkpoint c = Checkpoint.open(prefixed); Checkpoint d = Checkpoint.open(bare)) {
            assertTrue(c.has("transformer.h.0.attn.c_attn.weight") && !c.has("h.0.attn.c_attn.weight"));
            assertTrue(d.has("h.0.attn.c_attn.weight") && !d.has("transformer.wte.weight"));
            assertTrue(!c.has("lm_head.weight"));                       // tied, as GPT2LMHeadModel saves it
            assertArrayEquals(new long[] {64, 192}, c.info("transformer.h.0.attn.c_attn.weight").shape()); // Conv1D [in, out]
            assertArrayEquals(c.readFloats("transformer.h.1.mlp.c_fc.weight"), d.readFloats("h.1.mlp.c_fc.weight"));
        }
        Fixtures.assertSameLogits(prefixed, bare, IDS);
    }

    @Test
    void gpt2F16AndF32CheckpointsGiveTheSameLogits() {
        RandomCheckpoint random = Fixtures.tinyGpt2().bf16Representable();
        try (DecoderModel a = DecoderModel.load(random.write(tmp.resolve("f32"), DType.F32, 0), Device.cpu(), DataType.FLOAT32);
             DecoderModel b = DecoderModel.load(random.write(tmp.resolve("f16"), DType.F16, 0), Device.cpu(), DataType.FLOAT32);
             DecoderModel c = DecoderModel.load(random.write(tmp.resolve("bf16"), DType.BF16, 0), Device.cpu(), DataType.FLOAT32);
             NDScope s = new NDScope()) {
            float[][] la = logits(a, IDS, null);
            assertTrue(maxAbsDiff(la, logits(b, IDS, null)) < 1e-5 * maxAbs(la));
            assertEquals(0.0, maxAbsDiff(la, logits(c, IDS, null)), 1e-6);
        }
    }

    @Test
    void gpt2PositionEmbeddingsFollowTheChunkPositions() {
        try (DecoderModel model = load(Fixtures.tinyGpt2(), "g"); NDScope s = new NDScope()) {
            NDManager m = model.manager();
            Chunk all = model.chunk(Chunk.contiguous(new int[] {0}, new int[] {IDS.length}), null);
            float[] full = model.embed(m.create(IDS, new Shape(1, IDS.length)), all).toFloatArray();
            assertArrayEquals(full, model.embed(m.create(IDS, new Shape(1, IDS.length))).toFloatArray());
            long[] part = Arrays.copyOfRange(IDS, 5, 8);
            Chunk later = model.chunk(Chunk.contiguous(new int[] {5}, new int[] {3}), null);
            float[] embedded = model.embed(m.create(part, new Shape(1, 3)), later).toFloatArray();
            assertArrayEquals(Arrays.copyOfRange(full, 5 * 64, 8 * 64), embedded);
            assertThrows(IllegalArgumentException.class, () -> model.embed(m.create(part, new Shape(1, 3)), all));
            // and positions do matter: the same token at two positions embeds differently
            assertNotEquals(full[0], model.embed(m.create(new long[] {IDS[0]}, new Shape(1, 1)),
                    model.chunk(new int[][] {{4}}, null)).toFloatArray()[0]);
        }
    }

    @Test
    void gpt2RejectsPositionsBeyondNPositions() {
        try (DecoderModel model = load(Fixtures.tinyGpt2(), "g")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.chunk(Chunk.contiguous(new int[] {0}, new int[] {33}), null));
            assertTrue(e.getMessage().contains("32 learned positions"), e.getMessage());
            // 32 positions fit
            model.chunk(Chunk.contiguous(new int[] {0}, new int[] {32}), null).close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // all three: cache, batching, hooks, gradients

    private static RandomCheckpoint[] families() {
        return new RandomCheckpoint[] {Fixtures.tinyGemma2(), Fixtures.tinyGpt2(), Fixtures.tinyQwen3()};
    }

    @Test
    void cachedGenerationEqualsFullRecomputation() {
        for (RandomCheckpoint random : families()) {
            try (DecoderModel model = load(random, random.config.get("model_type").toString())) {
                long[] prompt = {1, 17, 42};   // Gemma's window of 4 is passed within the first steps
                long[] cached = new Generator(model).greedy(new long[][] {prompt}, 16, id -> false, null)[0];
                assertArrayEquals(Fixtures.greedyByRecomputation(model, prompt, 16), cached,
                        model.config().modelType());
            }
        }
    }

    @Test
    void batchedGenerationOfUnequalPromptsEqualsOneByOne() {
        for (RandomCheckpoint random : families()) {
            try (DecoderModel model = load(random, random.config.get("model_type").toString())) {
                long[][] prompts = {{1, 17, 42, 5, 8, 60}, {1, 3}, {1, 90, 4, 4}};
                Generator g = new Generator(model);
                long[][] batched = g.greedy(prompts, 10, id -> id == 7, null);
                for (int b = 0; b < prompts.length; b++) {
                    assertArrayEquals(g.greedy(new long[][] {prompts[b]}, 10, id -> id == 7, null)[0], batched[b],
                            model.config().modelType() + " sequence " + b);
                }
            }
        }
    }

    @Test
    void addVectorAtEverySiteIsCausal() {
        for (RandomCheckpoint random : families()) {
            try (DecoderModel model = load(random, random.config.get("model_type").toString()); NDScope s = new NDScope()) {
                // at 7: Gemma's last layer slides over a window of 4, so positions 7..10 all see the change
                int at = 7;
                for (Site site : Site.values()) {
                    float[] v = new float[model.siteSize(site)];
                    for (int i = 0; i < v.length; i++) v[i] = (float) Math.sin(i + 1);
                    float[][] before = logits(model, IDS, null);
                    float[][] after = logits(model, IDS,
                            new AddVector(1, site, model.manager().create(v), Positions.exactly(new int[] {at})));
                    for (int p = 0; p < IDS.length; p++) {
                        double diff = maxAbsDiff(new float[][] {before[p]}, new float[][] {after[p]});
                        String what = model.config().modelType() + " " + site + " position " + p;
                        if (p < at) assertEquals(0.0, diff, 1e-6, what + " changed");
                        else assertTrue(diff > 1e-5, what + " did not change");
                    }
                }
            }
        }
    }

    @Test
    void gradientAtEverySiteMatchesFiniteDifferences() {
        for (RandomCheckpoint random : families()) {
            Path dir = random.write(tmp.resolve(random.config.get("model_type").toString()), DType.F32, 0);
            ModelConfig config = ModelConfig.load(dir);
            try (Checkpoint c = Checkpoint.open(dir);
                 NDManager m = NDManager.newBaseManager(Device.cpu());
                 DecoderModel model = new DecoderModel(config, m, DataType.FLOAT64, (name, required) ->
                         !required && !c.has(name) ? null : c.load(m, name, DataType.FLOAT32).toType(DataType.FLOAT64, false),
                         null)) {
                for (Site site : Site.values()) {
                    int size = model.siteSize(site);
                    double[] v0 = new double[size];
                    for (int i = 0; i < size; i++) v0[i] = 0.1 * Math.sin(7 * i);
                    double[] grad;
                    try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray v = m.create(v0);
                        v.setRequiresGradient(true);
                        gc.backward(objective(model, v, site));
                        grad = v.getGradient().toDoubleArray();
                    }
                    double h = 1e-5;
                    for (int i = 0; i < size; i += 7) {
                        double[] plus = v0.clone(), minus = v0.clone();
                        plus[i] += h;
                        minus[i] -= h;
                        double fd;
                        try (NDScope s = new NDScope()) {
                            fd = (objective(model, m.create(plus), site).getDouble()
                                    - objective(model, m.create(minus), site).getDouble()) / (2 * h);
                        }
                        assertEquals(fd, grad[i], 1e-6 * Math.max(1, Math.abs(fd)),
                                config.modelType() + " " + site + " entry " + i);
                    }
                    assertNotEquals(0.0, Arrays.stream(grad).map(Math::abs).sum());
                }
            }
        }
    }

    /** Negative log-likelihood of the tokens after position 3, with v added there at layer 1. */
    private static NDArray objective(DecoderModel model, NDArray v, Site site) {
        Chunk chunk = model.chunk(Chunk.contiguous(new int[] {0}, new int[] {IDS.length}), null);
        NDArray x = model.embed(model.manager().create(IDS, new Shape(1, IDS.length)), chunk);
        NDArray logits = model.logits(model.forward(x, 0, chunk, null,
                new AddVector(1, site, v, Positions.exactly(new int[] {3}))).hidden()).get("0, 3:-1");
        NDArray targets = model.manager().create(Arrays.copyOfRange(IDS, 4, IDS.length)).expandDims(1);
        return logits.logSoftmax(-1).gather(targets, 1).mean().neg();
    }
}
