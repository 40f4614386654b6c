package laai.checkpoint;

import static laai.checkpoint.CheckpointBytes.shape;
import static laai.checkpoint.HeaderValidationTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening Hugging Face folders: single file, sharded index, and what goes wrong with them. */
class CheckpointFolderTest {

    @TempDir
    Path tmp;

    private Path sharded() {
        SafeTensorsWriter w = new SafeTensorsWriter();
        w.add("model.embed_tokens.weight", DType.BF16, shape(4, 8), CheckpointBytes.randomFloats(32, 1));
        w.add("model.layers.0.mlp.up_proj.weight", DType.F32, shape(8, 8), CheckpointBytes.randomFloats(64, 2));
        w.add("model.norm.weight", DType.F32, shape(8), CheckpointBytes.randomFloats(8, 3));
        Path dir = tmp.resolve("model");
        w.writeSharded(dir, 64);
        return dir;
    }

    @Test
    void namesHasAndInfo() {
        try (Checkpoint ckpt = Checkpoint.open(sharded())) {
            assertEquals(3, ckpt.names().size());
            assertTrue(ckpt.has("model.norm.weight"));
            assertFalse(ckpt.has("lm_head.weight"));
            assertEquals(tmp.resolve("model").toAbsolutePath(), ckpt.dir());
            TensorInfo info = ckpt.info("model.embed_tokens.weight");
            assertEquals(DType.BF16, info.dtype());
            assertArrayEquals(shape(4, 8), info.shape());
            assertEquals(32, info.numel());
            assertEquals(64, info.end() - info.begin());
        }
    }

    @Test
    void missingTensorSuggestsClosestNames() {
        try (Checkpoint ckpt = Checkpoint.open(sharded())) {
            CheckpointException ex = assertThrows(CheckpointException.class,
                    () -> ckpt.info("transformer.model.norm.weight"));
            String m = ex.getMessage();
            assertTrue(m.startsWith("tensor 'transformer.model.norm.weight' not found in " + ckpt.dir()), m);
            assertTrue(m.contains("closest: 'model.norm.weight'"), m);
            assertThrows(CheckpointException.class, () -> ckpt.readFloats("lm_head.weight"));
        }
    }

    @Test
    void missingFolder() {
        Path dir = tmp.resolve("absent");
        CheckpointException ex = assertThrows(CheckpointException.class, () -> Checkpoint.open(dir));
        assertTrue(ex.getMessage().contains("not found") && ex.getMessage().contains(dir.toString()), ex.getMessage());
    }

    @Test
    void folderWithoutWeightsListsWhatWasLookedFor() throws IOException {
        Files.writeString(tmp.resolve("config.json"), "{}");
        Files.writeString(tmp.resolve("pytorch_model.bin"), "x");
        CheckpointException ex = assertThrows(CheckpointException.class, () -> Checkpoint.open(tmp));
        String m = ex.getMessage();
        assertTrue(m.contains("model.safetensors and model.safetensors.index.json"), m);
        assertTrue(m.contains("pytorch_model.bin"), m);
        assertTrue(m.contains(tmp.toString()), m);
    }

    @Test
    void singleFileWinsOverIndexLikeTransformers() {
        Path dir = sharded();
        new SafeTensorsWriter().add("only", DType.F32, shape(1), new float[] {7}).write(dir.resolve("model.safetensors"));
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertEquals(List.of("only"), List.copyOf(ckpt.names()));
        }
    }

    @Test
    void malformedIndex() throws IOException {
        for (String json : new String[] {"{\"weight_map\": ", "[]", "{\"metadata\": {}}", "{\"weight_map\": {\"a\": 3}}",
                "{\"weight_map\": {}}"}) {
            Path dir = Files.createDirectories(tmp.resolve("bad" + json.hashCode()));
            Path index = Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), json);
            assertMessage(assertThrows(CheckpointException.class, () -> Checkpoint.open(dir)), index, "malformed index");
        }
    }

    @Test
    void indexNamingAShardOutsideTheFolder() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("escape"));
        Path index = Files.writeString(dir.resolve(Checkpoint.INDEX_FILE),
                "{\"weight_map\": {\"a\": \"../other.safetensors\"}}");
        assertMessage(assertThrows(CheckpointException.class, () -> Checkpoint.open(dir)), index, "points outside");
    }

    @Test
    void missingShard() throws IOException {
        Path dir = sharded();
        Files.delete(dir.resolve("model-00002-of-00003.safetensors"));
        CheckpointException ex = assertThrows(CheckpointException.class, () -> Checkpoint.open(dir));
        String m = ex.getMessage();
        assertTrue(m.contains("shard 'model-00002-of-00003.safetensors'") && m.contains("is missing"), m);
        assertTrue(m.contains(dir.resolve(Checkpoint.INDEX_FILE).toString()), m);
    }

    @Test
    void tensorListedInIndexButAbsentFromItsShard() throws IOException {
        Path dir = sharded();
        Path index = dir.resolve(Checkpoint.INDEX_FILE);
        String json = Files.readString(index).replace("\"weight_map\": {",
                "\"weight_map\": {\n    \"lm_head.weight\": \"model-00001-of-00003.safetensors\",");
        Files.writeString(index, json);
        CheckpointException ex = assertThrows(CheckpointException.class, () -> Checkpoint.open(dir));
        String m = ex.getMessage();
        assertTrue(m.contains("'lm_head.weight'") && m.contains("absent from its shard"), m);
        assertTrue(m.contains("model-00001-of-00003.safetensors"), m);
    }

    @Test
    void brokenShardHeaderNamesTheShard() throws IOException {
        Path dir = sharded();
        Path shard = dir.resolve("model-00003-of-00003.safetensors");
        Files.write(shard, new byte[] {1, 2});
        assertMessage(assertThrows(CheckpointException.class, () -> Checkpoint.open(dir)), shard, "only 2 bytes");
    }

    @Test
    void readingAfterCloseFailsCleanly() {
        Checkpoint ckpt = Checkpoint.open(sharded());
        ckpt.close();
        CheckpointException ex = assertThrows(CheckpointException.class, () -> ckpt.readFloats("model.norm.weight"));
        assertTrue(ex.getMessage().contains("is closed"), ex.getMessage());
        assertTrue(ckpt.has("model.norm.weight"), "names stay available");
    }
}
