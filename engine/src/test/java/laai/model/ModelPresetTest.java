package laai.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import laai.model.family.Families;
import laai.model.family.Family;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published config.json of each preset, read by {@link ModelConfig#load} as any downloaded
 * model is: the numbers the runtime sees are those of the model cards, and the tensor shapes they
 * imply add up to each model's published parameter count.
 */
class ModelPresetTest {

    @TempDir
    Path tmp;

    /** What ModelConfig must read from each preset; windows per layer, 0 = full attention. */
    private record Expected(ModelPreset preset, Family family, int hidden, int inter, int layers, int heads,
                            int kvHeads, int headDim, int vocab, double eps, double ropeTheta, int maxPositions,
                            boolean tied, boolean qkvBias, int[] windows, int bos, int eos, String act, String dtype,
                            long parameters) {}

    private static int[] windows(int layers, int even, int odd) {
        int[] w = new int[layers];
        for (int l = 0; l < layers; l++) w[l] = l % 2 == 0 ? even : odd;
        return w;
    }

    private static final Expected[] PUBLISHED = {
        new Expected(ModelPreset.LLAMA_3_2_1B, Families.LLAMA, 2048, 8192, 16, 32, 8, 64, 128256, 1e-5,
                500000, 131072, true, false, windows(16, 0, 0), 128000, 128001, "silu", "bfloat16", 1_235_814_400L),
        new Expected(ModelPreset.GEMMA_2_2B, Families.GEMMA2, 2304, 9216, 26, 8, 4, 256, 256000, 1e-6,
                10000, 8192, true, false, windows(26, 4096, 0), 2, 1, "gelu_pytorch_tanh", "float32", 2_614_341_888L),
        new Expected(ModelPreset.LLAMA_3_8B, Families.LLAMA, 4096, 14336, 32, 32, 8, 128, 128256, 1e-5,
                500000, 8192, false, false, windows(32, 0, 0), 128000, 128001, "silu", "bfloat16", 8_030_261_248L),
        new Expected(ModelPreset.MISTRAL_7B, Families.MISTRAL, 4096, 14336, 32, 32, 8, 128, 32000, 1e-5,
                10000, 32768, false, false, windows(32, 4096, 4096), 1, 2, "silu", "bfloat16", 7_241_732_096L),
        new Expected(ModelPreset.QWEN2_5_0_5B, Families.QWEN2, 896, 4864, 24, 14, 2, 64, 151936, 1e-6,
                1_000_000, 32768, true, true, windows(24, 0, 0), 151643, 151643, "silu", "bfloat16", 494_032_768L),
        new Expected(ModelPreset.QWEN3_0_6B, Families.QWEN3, 1024, 3072, 28, 16, 8, 128, 151936, 1e-6,
                1_000_000, 40960, true, false, windows(28, 0, 0), 151643, 151645, "silu", "bfloat16", 596_049_920L),
    };

    @Test
    void everyPresetLoadsWithThePublishedNumbers() throws IOException {
        assertEquals(ModelPreset.values().length, PUBLISHED.length);
        for (Expected e : PUBLISHED) {
            Path dir = Files.createDirectories(tmp.resolve(e.preset().id()));
            Files.writeString(dir.resolve("config.json"), e.preset().config().toString());
            ModelConfig c = ModelConfig.load(dir);
            String p = e.preset().id() + ": ";
            assertEquals(e.family(), c.family(), p + "family");
            assertEquals(e.hidden(), c.hiddenSize(), p + "hidden_size");
            assertEquals(e.inter(), c.intermediateSize(), p + "intermediate_size");
            assertEquals(e.layers(), c.numLayers(), p + "num_hidden_layers");
            assertEquals(e.heads(), c.numHeads(), p + "num_attention_heads");
            assertEquals(e.kvHeads(), c.numKvHeads(), p + "num_key_value_heads");
            assertEquals(e.headDim(), c.headDim(), p + "head_dim");
            assertEquals(e.vocab(), c.vocabSize(), p + "vocab_size");
            assertEquals((float) e.eps(), c.normEps(), p + "rms_norm_eps");
            assertEquals(e.ropeTheta(), c.ropeTheta(), p + "rope_theta");
            assertEquals(e.maxPositions(), c.maxPositionEmbeddings(), p + "max_position_embeddings");
            assertEquals(e.tied(), c.tieWordEmbeddings(), p + "tie_word_embeddings");
            assertEquals(e.qkvBias(), c.qkvBias(), p + "q/k/v biases");
            assertEquals(false, c.outputBias(), p + "o_proj bias");
            assertEquals(false, c.mlpBias(), p + "mlp biases");
            assertArrayEquals(e.windows(), c.slidingWindowPerLayer(), p + "sliding windows");
            assertEquals(e.bos(), c.bosTokenId(), p + "bos_token_id");
            assertArrayEquals(new int[] {e.eos()}, c.eosTokenIds(), p + "eos_token_id");
            assertEquals(e.act(), c.hiddenAct(), p + "activation");
            assertEquals(e.dtype(), c.torchDtype(), p + "torch_dtype");
            long parameters = ModelShapes.of(c).values().stream().mapToLong(ModelShapes::numel).sum();
            assertEquals(e.parameters(), parameters, p + "published parameter count");
        }
    }

    @Test
    void familyFeaturesAreThePublishedOnes() {
        ModelConfig llama32 = RandomCheckpoint.like(ModelPreset.LLAMA_3_2_1B).modelConfig();
        assertEquals(new ModelConfig.RopeScaling("llama3", 32, 1, 4, 8192), llama32.ropeScaling());
        assertNull(RandomCheckpoint.like(ModelPreset.LLAMA_3_8B).modelConfig().ropeScaling());

        ModelConfig gemma = RandomCheckpoint.like(ModelPreset.GEMMA_2_2B).modelConfig();
        assertEquals(256, gemma.queryPreAttnScalar());
        assertEquals(50, gemma.attnLogitSoftcapping());
        assertEquals(30, gemma.finalLogitSoftcapping());
        assertEquals(1.0 / 16, gemma.attentionScale());
        // Gemma-2-2B's config.json has no tie_word_embeddings: Gemma2Config's default (tied) applies.
        assertTrue(!ModelPreset.GEMMA_2_2B.config().has("tie_word_embeddings"));
        assertTrue(!ModelShapes.of(gemma).containsKey("lm_head.weight"));
        assertEquals(4, ModelShapes.of(gemma).keySet().stream().filter(n -> n.startsWith("model.layers.0.") && n.endsWith("norm.weight")).count());

        // Qwen2's q, k, v carry biases through model_type alone; its window is off (use_sliding_window false).
        Map<String, long[]> qwen = RandomCheckpoint.like(ModelPreset.QWEN2_5_0_5B).weights();
        assertArrayEquals(new long[] {128}, qwen.get("model.layers.0.self_attn.k_proj.bias"));
        assertTrue(!qwen.containsKey("model.layers.0.self_attn.o_proj.bias"));

        // Qwen3: a norm of each query and key head, of the head size (128, while hidden / heads is 64).
        Map<String, long[]> qwen3 = RandomCheckpoint.like(ModelPreset.QWEN3_0_6B).weights();
        assertArrayEquals(new long[] {128}, qwen3.get("model.layers.0.self_attn.q_norm.weight"));
        assertArrayEquals(new long[] {128}, qwen3.get("model.layers.0.self_attn.k_norm.weight"));
        assertArrayEquals(new long[] {2048, 1024}, qwen3.get("model.layers.0.self_attn.q_proj.weight"));
        assertTrue(!qwen3.containsKey("model.layers.0.self_attn.q_proj.bias") && !qwen3.containsKey("lm_head.weight"));
    }

    @Test
    void fewerLayersKeepEveryPerLayerShape() {
        for (ModelPreset p : ModelPreset.values()) {
            Map<String, long[]> full = RandomCheckpoint.like(p).weights();
            Map<String, long[]> one = RandomCheckpoint.like(p).set("num_hidden_layers", 1).weights();
            for (Map.Entry<String, long[]> e : one.entrySet()) {
                assertArrayEquals(full.get(e.getKey()), e.getValue(), p.id() + " " + e.getKey());
            }
            long perLayer = full.keySet().stream().filter(n -> n.startsWith("model.layers.0.")).count();
            assertEquals(full.size() - (RandomCheckpoint.like(p).modelConfig().numLayers() - 1) * perLayer, one.size(), p.id());
        }
    }

    @Test
    void configIsKeptAsPublished() {
        for (ModelPreset p : ModelPreset.values()) {
            RandomCheckpoint r = RandomCheckpoint.like(p);
            JsonObject back = new GsonBuilder().serializeNulls().create().toJsonTree(r.config).getAsJsonObject();
            assertEquals(p.config(), back, p.id());
            assertEquals(p.config().keySet().stream().toList(), back.keySet().stream().toList(), p.id() + ": key order");
        }
        // Published spellings survive (1e-05, not 1.0E-5), so the file reads as the model card's.
        assertTrue(new Gson().toJson(RandomCheckpoint.like(ModelPreset.LLAMA_3_8B).config).contains("\"rms_norm_eps\":1e-05"));
    }

    @Test
    void presetsAreNamedAsOnTheCommandLine() {
        assertSame(ModelPreset.QWEN2_5_0_5B, ModelPreset.named("Qwen2.5-0.5B"));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ModelPreset.named("llama-2-7b"));
        assertTrue(ex.getMessage().contains("llama-3.2-1b, gemma-2-2b, llama-3-8b, mistral-7b, qwen2.5-0.5b"), ex.getMessage());
        assertEquals(6, Arrays.stream(ModelPreset.values()).map(ModelPreset::repository).distinct().count());
    }
}
