package laai.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import laai.model.Chunk;
import laai.model.DecoderModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "logits", description = "Logits at every position of a token sequence (one full forward pass).")
final class LogitsCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Option(names = "--ids", split = ",", required = true, description = "Comma-separated token ids.")
    long[] ids;

    @Override
    public Integer call() {
        try (DecoderModel model = options.load(); NDScope ignored = new NDScope()) {
            float[][] rows = logits(model, ids);
            if (options.json) {
                Json.print(Map.of("logits", rows));
            } else {
                for (int t = 0; t < rows.length; t++) {
                    int best = 0;
                    for (int v = 1; v < rows[t].length; v++) if (rows[t][v] > rows[t][best]) best = v;
                    System.out.printf("position %d: argmax %d (%.4f)%n", t, best, rows[t][best]);
                }
            }
        }
        return 0;
    }

    static float[][] logits(DecoderModel model, long[] ids) {
        PromptOptions.validate(ids, model.config().vocabSize());
        Chunk chunk = model.chunk(Chunk.contiguous(new int[] {0}, new int[] {ids.length}), null);
        NDArray x = model.embed(model.manager().create(ids, new Shape(1, ids.length)), chunk);
        float[] flat = model.logits(model.forward(x, 0, chunk, null, null).hidden()).toFloatArray();
        laai.model.NonFiniteOutputException.check(flat, "over the " + ids.length + " prompt tokens");
        int vocab = flat.length / ids.length;
        float[][] rows = new float[ids.length][vocab];
        for (int t = 0; t < ids.length; t++) System.arraycopy(flat, t * vocab, rows[t], 0, vocab);
        return rows;
    }
}
