package laai.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import laai.checkpoint.CheckpointException;
import laai.checkpoint.DType;
import laai.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A config.json that disagrees with itself or with its tensors fails at load, naming what disagrees. */
class ConfigAgainstTensorsTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    private Path model(String name, Consumer<JsonObject> edit) throws IOException {
        Path dir = Fixtures.tinyLlama().write(tmp.resolve(name), DType.F32, 0);
        Path config = dir.resolve("config.json");
        JsonObject c = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
        edit.accept(c);
        Files.writeString(config, c.toString());
        return dir;
    }

    private String loadError(Path dir) {
        return assertThrows(CheckpointException.class, () -> DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32).close()).getMessage();
    }

    @Test
    void aShapeTheConfigDoesNotCallForNamesTheTensorAndBothShapes() throws IOException {
        String inter = loadError(model("inter", c -> c.addProperty("intermediate_size", 128)));
        assertTrue(inter.startsWith("tensor 'model.layers.0.mlp.gate_proj.weight' has shape [96, 64] but config.json calls for [128, 64]"), inter);
        String vocab = loadError(model("vocab", c -> c.addProperty("vocab_size", 100)));
        assertTrue(vocab.startsWith("tensor 'model.embed_tokens.weight' has shape [97, 64] but config.json calls for [100, 64]"), vocab);
        // 4 kv heads where the tensors hold 2: k_proj is [32, 64], the config says [64, 64].
        String kv = loadError(model("kv", c -> c.addProperty("num_key_value_heads", 4)));
        assertTrue(kv.contains("self_attn.k_proj.weight' has shape [32, 64]"), kv);
    }

    @Test
    void aNonFiniteWeightIsReportedByNameAtLoad() throws IOException {
        for (DType dtype : new DType[] {DType.F32, DType.BF16}) {
            Path dir = Fixtures.tinyLlama().write(tmp.resolve("nan-" + dtype), dtype, 0);
            String name = "model.layers.1.mlp.up_proj.weight";
            laai.checkpoint.TensorInfo info;
            try (laai.checkpoint.Checkpoint c = laai.checkpoint.Checkpoint.open(dir)) {
                info = c.info(name);
            }
            // The 10th element of that tensor becomes +∞ (F32) or NaN (BF16).
            byte[] bits = dtype == DType.F32 ? new byte[] {0, 0, (byte) 0x80, 0x7F} : new byte[] {(byte) 0xC0, 0x7F};
            try (java.nio.channels.FileChannel f = java.nio.channels.FileChannel.open(info.file(), java.nio.file.StandardOpenOption.WRITE)) {
                f.write(java.nio.ByteBuffer.wrap(bits), info.begin() + 10L * bits.length);
            }
            String error = loadError(dir);
            assertTrue(error.startsWith("tensor '" + name + "' holds NaN or infinite values"), error);
        }
        assertTrue(Tensors.allFinite(ai.djl.ndarray.NDManager.newBaseManager().create(new float[] {1, 2, 3})));
    }

    @Test
    void numbersTheConfigCannotMeanAreReportedAsSuch() throws IOException {
        String huge = assertThrows(CheckpointException.class,
                () -> ModelConfig.load(model("huge", c -> c.addProperty("hidden_size", 1e12)))).getMessage();
        assertTrue(huge.contains("\"hidden_size\" must be a positive integer below 2^31"), huge);
        String heads = assertThrows(CheckpointException.class, () -> ModelConfig.load(model("heads", c -> {
            c.addProperty("num_attention_heads", 5);
            c.addProperty("num_key_value_heads", 5);
        }))).getMessage();
        assertTrue(heads.contains("hidden_size 64 is not a multiple of num_attention_heads 5"), heads);
        // The unedited fixture loads: the checks reject only what is wrong.
        try (DecoderModel ok = DecoderModel.load(model("ok", c -> { }), Device.cpu(), DataType.FLOAT32)) {
            assertEquals(2, ok.config().numLayers());
        }
    }
}
