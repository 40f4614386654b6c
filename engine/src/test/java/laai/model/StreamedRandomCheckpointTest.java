package laai.model;

import laai.checkpoint.Checkpoint;
import laai.checkpoint.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link RandomCheckpoint#streamed}: values from {@link CounterUniform}, with the default mode's distributions. */
class StreamedRandomCheckpointTest {

    @TempDir
    Path tmp;

    @Test
    void chunksOfACounterGeneratorAgreeWithOneFill() {
        CounterUniform g = new CounterUniform(CounterUniform.key(7, "w"), 0f, 1f, false);
        float[] whole = new float[1001];
        g.fill(0, whole, whole.length);
        // Every split, odd and even starts and ends, empty pieces included.
        for (int piece : new int[] {1, 2, 3, 64, 333}) {
            float[] parts = new float[whole.length];
            float[] buf = new float[piece];
            for (int first = 0; first < whole.length; first += piece) {
                int count = Math.min(piece, whole.length - first);
                g.fill(first, buf, count);
                System.arraycopy(buf, 0, parts, first, count);
            }
            assertArrayEquals(whole, parts, "pieces of " + piece);
        }
        g.fill(500, new float[0], 0);
        double mean = 0, square = 0, max = 0;
        for (float v : whole) {
            mean += v / whole.length;
            square += v * v / whole.length;
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= 1, "within ±halfWidth: " + max);
        assertEquals(0, mean, 0.06);
        assertEquals(1.0 / 3, square, 0.04); // variance of U(−1, 1)
        float[] otherName = new float[whole.length];
        new CounterUniform(CounterUniform.key(7, "v"), 0f, 1f, false).fill(0, otherName, otherName.length);
        assertTrue(!java.util.Arrays.equals(whole, otherName), "each name has its own stream");
    }

    @Test
    void streamedWeightsHaveTheDefaultModesDistributions() {
        Path llama = Fixtures.tinyLlama().streamed().write(tmp.resolve("llama"), DType.F32, 0);
        Path gemma = Fixtures.tinyGemma2().streamed().write(tmp.resolve("gemma"), DType.F32, 0);
        try (Checkpoint l = Checkpoint.open(llama); Checkpoint g = Checkpoint.open(gemma)) {
            assertEquals("pt", l.metadata().get("format"));
            assertRange(l.readFloats("model.layers.0.input_layernorm.weight"), 1f, 0.1f);
            assertRange(l.readFloats("model.layers.1.mlp.down_proj.weight"), 0f, 0.2f * (float) Math.sqrt(3));
            assertRange(g.readFloats("model.layers.0.pre_feedforward_layernorm.weight"), 0f, 0.1f); // 1 + w near 1
            assertRange(g.readFloats("model.norm.weight"), 0f, 0.1f);
            assertEquals(Fixtures.tinyLlama().weights().keySet(), l.names());
        }
    }

    @Test
    void sameSeedSameFilesOtherSeedOtherWeights() throws IOException {
        Path a = Fixtures.tinyGemma2().streamed().seed(5).write(tmp.resolve("a"), DType.BF16, 20_000);
        Path b = Fixtures.tinyGemma2().streamed().seed(5).write(tmp.resolve("b"), DType.BF16, 20_000);
        Path c = Fixtures.tinyGemma2().streamed().seed(6).write(tmp.resolve("c"), DType.BF16, 20_000);
        List<String> files;
        try (var s = Files.list(a)) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertTrue(files.size() > 3, "sharded: " + files);
        for (String f : files) {
            assertEquals(-1, Files.mismatch(a.resolve(f), b.resolve(f)), f);
        }
        try (Checkpoint x = Checkpoint.open(a); Checkpoint y = Checkpoint.open(c)) {
            String name = "model.layers.2.self_attn.q_proj.weight";
            assertTrue(!java.util.Arrays.equals(x.readFloats(name), y.readFloats(name)));
        }
    }

    @Test
    void streamedAndArrayModesShareShapesButNotNumbers() {
        Path streamed = Fixtures.tinyLlama().streamed().bf16Representable().write(tmp.resolve("s"), DType.F32, 0);
        Path streamedBf16 = Fixtures.tinyLlama().streamed().bf16Representable().write(tmp.resolve("sb"), DType.BF16, 0);
        Path arrays = Fixtures.tinyLlama().write(tmp.resolve("a"), DType.F32, 0);
        try (Checkpoint s = Checkpoint.open(streamed); Checkpoint sb = Checkpoint.open(streamedBf16);
             Checkpoint a = Checkpoint.open(arrays)) {
            for (String name : a.names()) {
                assertArrayEquals(a.info(name).shape(), s.info(name).shape(), name);
                assertArrayEquals(s.readFloats(name), sb.readFloats(name), name + ": BF16-representable in both dtypes");
            }
            String w = "model.layers.0.self_attn.q_proj.weight";
            assertTrue(!java.util.Arrays.equals(a.readFloats(w), s.readFloats(w)));
        }
    }

    private static void assertRange(float[] v, float center, float halfWidth) {
        double mean = 0;
        for (float x : v) {
            assertTrue(Math.abs(x - center) <= halfWidth * 1.0001f, x + " outside " + center + " ± " + halfWidth);
            mean += (x - center) / v.length;
        }
        assertEquals(0, mean, halfWidth * 4 / Math.sqrt(v.length), "centred on " + center);
    }
}
