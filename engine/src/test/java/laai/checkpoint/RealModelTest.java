package laai.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A real Hugging Face BF16 checkpoint from the shared models folder (skipped where it is absent).
 * Expected values were decoded independently (numpy, {@code uint16 << 16} viewed as float32).
 */
class RealModelTest {

    private static Path modelDir() {
        String repo = System.getProperty("laai.repo", ".");
        Path dir = Path.of(repo).resolve("../shared/models/TinyStories-656K").normalize();
        assumeTrue(Files.isRegularFile(dir.resolve("model.safetensors")), "shared model not present: " + dir);
        return dir;
    }

    @Test
    void tinyStoriesBf16LoadsWithKnownValues() {
        try (Checkpoint ckpt = Checkpoint.open(modelDir()); NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            assertEquals(20, ckpt.names().size());
            assertFalse(ckpt.has("lm_head.weight"), "tied embeddings");
            assertEquals("pt", ckpt.metadata().get("format"));

            NDArray embed = ckpt.load(manager, "model.embed_tokens.weight");
            assertEquals(new Shape(2048, 128), embed.getShape());
            assertEquals(DataType.FLOAT32, embed.getDataType());
            float[] e = embed.toFloatArray();
            assertArrayEquals(new float[] {-0.68359375f, -0.02587890625f, 0.58984375f}, new float[] {e[0], e[1], e[2]});
            assertEquals(-0.486328125f, e[5 * 128 + 7]);
            assertEquals(2512.834466814995, sum(e), 1e-6);

            float[] norm = ckpt.load(manager, "model.norm.weight").toFloatArray();
            assertEquals(83.99560546875, sum(norm), 1e-9);
            assertEquals(0.625f, norm[17]);
            assertEquals(128.532386302948, sum(ckpt.readFloats("model.layers.1.self_attn.o_proj.weight")), 1e-6);

            for (String name : ckpt.names()) {
                assertArrayEquals(ckpt.readFloats(name), ckpt.load(manager, name).toFloatArray(), name);
            }
        }
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f;
        }
        return s;
    }
}
