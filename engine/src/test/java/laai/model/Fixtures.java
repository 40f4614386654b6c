package laai.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** Shared test fixtures: tiny random checkpoints, the real checkpoint in ../shared, forward helpers. */
public final class Fixtures {
    private Fixtures() {}

    public static Path repo() {
        return Path.of(System.getProperty("laai.repo", ".")).toAbsolutePath().normalize();
    }

    /** The committed demo model (models/demo): always in a checkout, so tests on it never skip. */
    public static Path demoModel() {
        Path dir = repo().resolve("models/demo");
        if (!Files.isRegularFile(dir.resolve("config.json"))) throw new IllegalStateException("models/demo is missing from the checkout");
        return dir;
    }

    /** ../shared/models/NAME beside the repository, or the test is skipped with a clear message. */
    public static Path sharedModel(String name) {
        Path dir = repo().resolve("../shared/models/" + name).normalize();
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("config.json")),
                "skipped: the real checkpoint " + name + " is not at ../shared/models/" + name);
        return dir;
    }

    /** A small GQA Llama: hidden 64, 2 layers, 4 heads over 2 kv heads, vocab 97. */
    public static RandomCheckpoint tinyLlama() {
        return new RandomCheckpoint(64, 2, 4, 2, 96, 97).scale(0.2f);
    }

    /**
     * A small Gemma-2: hidden 48, 3 layers (sliding, full, sliding), 4 heads of 16 over 2 kv heads
     * (so heads·head size = 64 ≠ hidden), vocab 97, query_pre_attn_scalar 24 (≠ head size),
     * window 4, and soft caps small enough to bend these random scores and logits.
     */
    public static RandomCheckpoint tinyGemma2() {
        return RandomCheckpoint.gemma2(48, 3, 4, 2, 16, 96, 97).scale(0.2f)
                .set("query_pre_attn_scalar", 24)
                .set("sliding_window", 4)
                .set("attn_logit_softcapping", 3.0)
                .set("final_logit_softcapping", 5.0);
    }

    /**
     * A small Qwen3: hidden 48, 3 layers, 4 heads of 16 over 2 kv heads (heads·head size = 64 ≠
     * hidden), per-head q and k norms, vocab 97, tied head.
     */
    public static RandomCheckpoint tinyQwen3() {
        return RandomCheckpoint.qwen3(48, 3, 4, 2, 16, 96, 97).scale(0.2f);
    }

    /** A small GPT-2: n_embd 64, 3 layers, 4 heads, vocab 97, 32 positions. */
    public static RandomCheckpoint tinyGpt2() {
        return RandomCheckpoint.gpt2(64, 3, 4, 97, 32).scale(0.2f);
    }

    /**
     * Writes a word-level tokenizer.json (whitespace split, unknown words to id 0) whose ids are
     * {@code <unk>} 0, {@code <eos>} 1, {@code <bos>} 2, then the words given: enough for a random
     * checkpoint to run the text commands.
     */
    public static void writeWordTokenizer(Path dir, java.util.List<String> words) {
        com.google.gson.JsonObject vocab = new com.google.gson.JsonObject();
        vocab.addProperty("<unk>", 0);
        vocab.addProperty("<eos>", 1);
        vocab.addProperty("<bos>", 2);
        for (String w : words) if (!vocab.has(w)) vocab.addProperty(w, vocab.size());
        com.google.gson.JsonObject model = new com.google.gson.JsonObject();
        model.addProperty("type", "WordLevel");
        model.add("vocab", vocab);
        model.addProperty("unk_token", "<unk>");
        com.google.gson.JsonObject pre = new com.google.gson.JsonObject();
        pre.addProperty("type", "Whitespace");
        com.google.gson.JsonObject tok = new com.google.gson.JsonObject();
        tok.addProperty("version", "1.0");
        tok.add("added_tokens", new com.google.gson.JsonArray());
        tok.add("pre_tokenizer", pre);
        tok.add("model", model);
        try {
            Files.writeString(dir.resolve("tokenizer.json"), tok.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Two checkpoints of the same weights (sharded or not, prefixed or not) give bit-identical F32 logits. */
    public static void assertSameLogits(Path a, Path b, long[] ids) {
        try (DecoderModel x = DecoderModel.load(a, ai.djl.Device.cpu(), ai.djl.ndarray.types.DataType.FLOAT32);
             DecoderModel y = DecoderModel.load(b, ai.djl.Device.cpu(), ai.djl.ndarray.types.DataType.FLOAT32);
             ai.djl.ndarray.NDScope s = new ai.djl.ndarray.NDScope()) {
            org.junit.jupiter.api.Assertions.assertEquals(0.0, maxAbsDiff(logits(x, ids, null), logits(y, ids, null)));
        }
    }

    /** Logits [T][V] of one full forward pass over ids (no cache), optionally with a hook. */
    public static float[][] logits(DecoderModel model, long[] ids, SiteHook hook) {
        Chunk chunk = model.chunk(Chunk.contiguous(new int[] {0}, new int[] {ids.length}), null);
        NDArray x = model.embed(model.manager().create(ids, new Shape(1, ids.length)), chunk);
        NDArray logits = model.logits(model.forward(x, 0, chunk, null, hook).hidden());
        float[] flat = logits.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        int vocab = flat.length / ids.length;
        float[][] rows = new float[ids.length][vocab];
        for (int t = 0; t < ids.length; t++) System.arraycopy(flat, t * vocab, rows[t], 0, vocab);
        return rows;
    }

    /** Greedy decoding by a full forward pass over the whole sequence at every step (no cache). */
    public static long[] greedyByRecomputation(DecoderModel model, long[] prompt, int n) {
        long[] seq = prompt.clone();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            try (ai.djl.ndarray.NDScope s = new ai.djl.ndarray.NDScope()) {
                float[] last = logits(model, seq, null)[seq.length - 1];
                int best = 0;
                for (int v = 1; v < last.length; v++) if (last[v] > last[best]) best = v;
                out[i] = best;
                seq = java.util.Arrays.copyOf(seq, seq.length + 1);
                seq[seq.length - 1] = best;
            }
        }
        return out;
    }

    public static double maxAbsDiff(float[][] a, float[][] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
        }
        return m;
    }

    public static double maxAbs(float[][] a) {
        double m = 0;
        for (float[] row : a) for (float v : row) m = Math.max(m, Math.abs(v));
        return m;
    }
}
