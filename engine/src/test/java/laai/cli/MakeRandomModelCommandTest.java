package laai.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import laai.checkpoint.Checkpoint;
import laai.checkpoint.DType;
import laai.model.Fixtures;
import laai.model.DecoderModel;
import laai.model.ModelPreset;
import laai.model.ModelShapes;
import laai.model.RandomCheckpoint;
import laai.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code make-random-model} on Qwen2.5-0.5B cut to one or two layers (its 136 M-entry embedding
 * table alone is 272 MB in BF16): sharded and indexed as transformers writes it, loadable and
 * runnable, reproducible, and written within a heap far smaller than one tensor.
 */
class MakeRandomModelCommandTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    @Test
    void writesAShardedCheckpointThatLoadsAndRuns() throws IOException {
        Path dir = tmp.resolve("qwen");
        CliTest.Run r = CliTest.run("make-random-model", "--like", "qwen2.5-0.5b", "--layers", "2", "--out", dir.toString(),
                "--max-shard-size", "20MB", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject out = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(2, out.get("layers").getAsInt());
        assertEquals(24, out.get("published_layers").getAsInt());

        // config.json: the published one but for the layer count
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        JsonObject published = ModelPreset.QWEN2_5_0_5B.config();
        published.addProperty("num_hidden_layers", 2);
        assertEquals(published, config);

        // shards named and indexed as transformers does; total_size is the tensors' bytes
        List<String> shards = files(dir, ".safetensors");
        assertTrue(shards.size() > 2, "several shards: " + shards);
        for (int i = 0; i < shards.size(); i++) {
            assertEquals(String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size()), shards.get(i));
        }
        JsonObject index = JsonParser.parseString(Files.readString(dir.resolve(Checkpoint.INDEX_FILE))).getAsJsonObject();
        Map<String, long[]> shapes = RandomCheckpoint.like(ModelPreset.QWEN2_5_0_5B).set("num_hidden_layers", 2).weights();
        assertEquals(shapes.keySet(), index.getAsJsonObject("weight_map").keySet());
        long tensorBytes = 0, dataBytes = 0;
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                assertArrayEquals(e.getValue(), ckpt.info(e.getKey()).shape(), e.getKey());
                assertEquals(DType.BF16, ckpt.info(e.getKey()).dtype());
                assertEquals(index.getAsJsonObject("weight_map").get(e.getKey()).getAsString(),
                        ckpt.info(e.getKey()).file().getFileName().toString());
                tensorBytes += ckpt.info(e.getKey()).byteSize();
            }
        }
        for (String shard : shards) {
            long size = Files.size(dir.resolve(shard));
            dataBytes += size - 8 - headerLength(dir.resolve(shard));
            // 20 MB per shard, but for the embedding table, which is alone in the first
            assertTrue(size < 20_000_000 + 100_000 || shard.equals(shards.get(0)), shard + ": " + size);
        }
        assertEquals(tensorBytes, index.getAsJsonObject("metadata").get("total_size").getAsLong());
        assertEquals(tensorBytes, dataBytes);
        assertEquals(ModelShapes.numel(shapes.get("model.embed_tokens.weight")) * 2, 272_269_312L);

        // the demo tokenizer beside it, byte for byte
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            assertEquals(-1, Files.mismatch(Fixtures.demoModel().resolve(f), dir.resolve(f)), f);
        }

        try (DecoderModel model = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32); NDScope s = new NDScope()) {
            float[][] logits = Fixtures.logits(model, new long[] {1, 5, 9}, null);
            assertEquals(151936, logits[2].length);
            float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
            for (float v : logits[2]) {
                assertTrue(Float.isFinite(v));
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertTrue(max > min, "logits vary over the vocabulary");
        }
    }

    @Test
    void theSameSeedWritesTheSameFilesAndWeightsAreNotOverwrittenByAccident() throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        for (Path dir : List.of(a, b)) {
            CliTest.Run r = CliTest.run("make-random-model", "--like", "qwen2.5-0.5b", "--layers", "1", "--seed", "3",
                    "--out", dir.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("--layers 1: num_hidden_layers is 1 here, 24 in the published config"), r.out());
        }
        // under the shard limit: one model.safetensors and no index, as save_pretrained writes it
        assertEquals(List.of("model.safetensors"), files(a, ".safetensors"));
        assertTrue(!Files.exists(a.resolve(Checkpoint.INDEX_FILE)));
        try (Stream<Path> s = Files.list(a)) {
            for (Path f : s.toList()) {
                assertEquals(-1, Files.mismatch(f, b.resolve(f.getFileName())), f.getFileName().toString());
            }
        }

        CliTest.Run again = CliTest.run("make-random-model", "--like", "qwen2.5-0.5b", "--layers", "1", "--out", a.toString());
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already holds weights") && again.err().contains("--overwrite"), again.err());
        CliTest.Run replaced = CliTest.run("make-random-model", "--like", "qwen2.5-0.5b", "--layers", "1", "--seed", "4",
                "--out", a.toString(), "--overwrite", "--max-shard-size", "100MB");
        assertEquals(0, replaced.code(), replaced.err());
        assertEquals(List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"), files(a, ".safetensors"));
        try (Checkpoint x = Checkpoint.open(a); Checkpoint y = Checkpoint.open(b)) {
            String name = "model.layers.0.mlp.up_proj.weight";
            assertTrue(!java.util.Arrays.equals(x.readFloats(name), y.readFloats(name)), "another seed, other weights");
        }
    }

    @Test
    void aHeapSmallerThanOneTensorIsEnough() throws Exception {
        // F32: the embedding table alone is 545 MB, eight times the child's heap.
        Path dir = tmp.resolve("small-heap");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx64m", "-Dai.djl.offline=true",
                "-Dlaai.repo=" + Fixtures.repo(), "-cp", System.getProperty("java.class.path"), "laai.cli.Main",
                "make-random-model", "--like", "qwen2.5-0.5b", "--layers", "1", "--dtype", "f32", "--out", dir.toString(), "--json");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertEquals(DType.F32, ckpt.info("model.embed_tokens.weight").dtype());
            assertEquals(151936L * 896 * 4, ckpt.info("model.embed_tokens.weight").byteSize());
        }
    }

    @Test
    void badArgumentsAreOneLineErrors() {
        CliTest.Run r = CliTest.run("make-random-model", "--like", "llama-2-7b", "--out", tmp.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown model 'llama-2-7b' (known: llama-3.2-1b, gemma-2-2b"), r.err());
        r = CliTest.run("make-random-model", "--like", "mistral-7b", "--out", tmp.resolve("x").toString(), "--dtype", "f8");
        assertTrue(r.err().contains("unknown --dtype f8"), r.err());
        r = CliTest.run("make-random-model", "--like", "mistral-7b", "--out", tmp.resolve("x").toString(), "--tokenizer", tmp.toString());
        assertTrue(r.err().contains("no tokenizer.json in"), r.err());
        assertTrue(!Files.exists(tmp.resolve("x")), "nothing written");
        assertEquals(5_000_000_000L, MakeRandomModelCommand.bytes("5GB"));
        assertEquals(2L << 30, MakeRandomModelCommand.bytes("2GiB"));
        assertEquals(123, MakeRandomModelCommand.bytes("123"));
    }

    private static List<String> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }

    private static long headerLength(Path file) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            return len.getLong(0);
        }
    }
}
