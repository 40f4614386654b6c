package laai.demo;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import laai.cli.Datasets;
import laai.model.DecoderModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code laai probe-demo-model --model DIR}: the probe that {@code train-demo-model} records in
 * training.json, run on a checkpoint already written, so that candidate models of a seed search can be
 * compared (and older ones probed for opinion dynamics, which the probe did not always cover).
 */
@Command(name = "probe-demo-model", description = "What a demo model answers to bare and instructed prompts of every "
        + "relation, and its KL on the opinion questions bare and under the rule's instruction.")
final class ProbeDemoModelCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A demo model folder (written by train-demo-model).")
    Path model;

    @Option(names = "--datasets", description = "Folder with the relations' task files. Default: datasets/ of the repository.")
    Path datasets;

    @Override
    public Integer call() {
        WordRelations relations = WordRelations.load(datasets != null ? datasets : Datasets.dir());
        try (DecoderModel m = DecoderModel.load(model, Device.cpu(), DataType.FLOAT32)) {
            new DemoProbe(m, WordTokenizer.read(model)).report(relations).forEach(System.out::println);
        }
        return 0;
    }
}
