package laai.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import laai.model.Chunk;
import laai.model.DecoderModel;
import laai.model.RecordActivations;
import laai.model.Site;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "activations", description = "The activation vector at one layer and site, at the last position.")
final class ActivationsCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Option(names = "--ids", split = ",", required = true, description = "Comma-separated token ids.")
    long[] ids;

    @Option(names = "--layer", required = true, description = "Layer, counted from 0.")
    int layer;

    @Option(names = "--site", defaultValue = "heads", description = "heads (input of o_proj) or residual (after the layer). Default: ${DEFAULT-VALUE}.")
    String site;

    @Override
    public Integer call() {
        Site where = Site.parse(site);
        try (DecoderModel model = options.load(); NDScope ignored = new NDScope()) {
            ModelOptions.checkLayer(model.config(), layer);
            PromptOptions.validate(ids, model.config().vocabSize());
            RecordActivations record = new RecordActivations(layer, where);
            Chunk chunk = model.chunk(Chunk.contiguous(new int[] {0}, new int[] {ids.length}), null);
            NDArray x = model.embed(model.manager().create(ids, new Shape(1, ids.length)), chunk);
            model.forward(x, 0, chunk, null, record);
            float[] vector = record.at(0, ids.length - 1);
            record.recorded().forEach(NDArray::close);
            if (options.json) {
                Json.print(Map.of("vector", vector));
            } else {
                System.out.println(java.util.Arrays.toString(vector));
            }
        }
        return 0;
    }
}
