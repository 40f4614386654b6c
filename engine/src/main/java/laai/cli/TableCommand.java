package laai.cli;

import laai.eval.Experiment;
import laai.eval.Finished;
import laai.eval.PaperTable;
import laai.eval.PromptEncoder;
import laai.eval.ResultRow;
import laai.eval.TableCheckpoint;
import laai.model.DecoderModel;
import laai.model.TextTokenizer;
import laai.runtime.Interrupted;
import laai.tasks.PromptTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "table", description = {"The paper's whole comparison on one model: rule tasks, opinion dynamics, composition, regularisation over seeds.",
        "Ctrl-C stops at the next step or batch, prints the rows finished so far and exits with 130."})
final class TableCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin InterventionOptions options;
    @Option(names = "--layers", split = ",", required = true,
            description = "Layer for antonym, synonym, english-french, english-german, opinion-dynamics, composition "
                    + "(6 numbers), or one layer for all.")
    int[] layers;
    @Option(names = "--seeds", split = ",", description = "Run every row at each of these seeds (replaces --seed) and report "
            + "its mean with a bootstrap interval over seeds and test items.")
    long[] seedsOption;
    @Option(names = "--extra-seeds", split = ",", defaultValue = "1,2", description = "More seeds for the rule tasks' Δs alone "
            + "(the regularisation ablation; seeds already in --seeds are skipped). Default: ${DEFAULT-VALUE}.")
    long[] extraSeeds;
    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Keep each finished part of the table (a rule task "
            + "with its seeds, opinion dynamics, composition) in FILE; the same command run again continues after the "
            + "parts already there (after Ctrl-C, a crash, or the end of a machine's session).")
    Path checkpointFile;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        options.settings(0);
        long[] seeds = options.seeds(seedsOption);
        Outputs.checkFile(checkpointFile, "--checkpoint");
        int[] perTask = layers;
        if (layers.length == 1) {
            perTask = new int[PaperTable.RULE_TASKS.size() + 2];
            Arrays.fill(perTask, layers[0]);
        }
        TableCheckpoint checkpoint = checkpointFile == null ? TableCheckpoint.none() : TableCheckpoint.open(checkpointFile,
                PaperTable.describe(model.name(), options.scorer(), options.settings(0), perTask, seeds, extraSeeds));
        if (!checkpoint.finished().isEmpty()) {
            System.err.println("continuing from " + checkpointFile + ": finished there " + String.join(", ", checkpoint.finished()));
        }
        Finished finished = new Finished(model.json ? new TerminalProgress(false) : TerminalProgress.rowsOnly());
        try (Sigint sigint = Sigint.interruptsThisThread();
             DecoderModel m = model.load(); TextTokenizer tokenizer = TextTokenizer.load(model.model)) {
            Experiment experiment = new Experiment(m, new PromptEncoder(tokenizer, PromptTemplate.DEFAULT), model.name(), options.scorer());
            List<ResultRow> rows;
            try {
                rows = new PaperTable(experiment, Datasets.dir()).run(options.settings(0), perTask, seeds, extraSeeds,
                        checkpoint, finished);
            } catch (Interrupted e) {
                return Stopped.report(e, finished.rows(), model.json, null);
            }
            InterveneCommand.print(rows, model.json);
            if (!model.json) {
                System.out.println();
                PaperTable.headlines(rows).forEach(System.out::println);
                System.out.printf("%d rows (%d runs) in %.1f s%n", laai.eval.SeedAggregate.aggregate(rows).size(), rows.size(),
                        (System.nanoTime() - t0) / 1e9);
            }
        }
        return 0;
    }
}
