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

    /** ../shared/models/NAME beside the repository, or the test is skipped with a clear message. */
    public static Path sharedModel(String name) {
        Path dir = repo().resolve("../shared/models/" + name).normalize();
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("config.json")),
                "skipped: the real checkpoint " + name + " is not at ../shared/models/" + name);
        return dir;
    }

    /** A small GQA Llama: hidden 64, 2 layers, 4 heads over 2 kv heads, vocab 97. */
    public static RandomLlama tinyLlama() {
        return new RandomLlama(64, 2, 4, 2, 96, 97).scale(0.2f);
    }

    /** Logits [T][V] of one full forward pass over ids (no cache), optionally with a hook. */
    public static float[][] logits(Llama model, long[] ids, SiteHook hook) {
        NDArray x = model.embed(model.manager().create(ids, new Shape(1, ids.length)));
        Chunk chunk = model.chunk(Chunk.contiguous(new int[] {0}, new int[] {ids.length}), null);
        NDArray logits = model.logits(model.forward(x, 0, chunk, null, hook).hidden());
        float[] flat = logits.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        int vocab = flat.length / ids.length;
        float[][] rows = new float[ids.length][vocab];
        for (int t = 0; t < ids.length; t++) System.arraycopy(flat, t * vocab, rows[t], 0, vocab);
        return rows;
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
