package laai.cli;

import laai.eval.Experiment;
import laai.eval.Finished;
import laai.eval.PaperTable;
import laai.eval.PromptEncoder;
import laai.eval.ResultRow;
import laai.model.Llama;
import laai.model.TextTokenizer;
import laai.runtime.Interrupted;
import laai.tasks.PromptTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
    @Option(names = "--extra-seeds", split = ",", defaultValue = "1,2", description = "More seeds for the regularisation ablation. Default: ${DEFAULT-VALUE}.")
    long[] extraSeeds;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        Finished finished = new Finished(model.json ? new ProgressBar(false) : ProgressBar.rowsOnly());
        try (Sigint sigint = Sigint.interruptsThisThread();
             Llama m = model.load(); TextTokenizer tokenizer = TextTokenizer.load(model.model)) {
            Experiment experiment = new Experiment(m, new PromptEncoder(tokenizer, PromptTemplate.DEFAULT), model.name());
            int[] perTask = layers;
            if (layers.length == 1) {
                perTask = new int[PaperTable.RULE_TASKS.size() + 2];
                Arrays.fill(perTask, layers[0]);
            }
            List<ResultRow> rows;
            try {
                rows = new PaperTable(experiment, Datasets.dir()).run(options.settings(0), perTask, extraSeeds, finished);
            } catch (Interrupted e) {
                return Stopped.report(e, finished.rows(), model.json, null);
            }
            InterveneCommand.print(rows, model.json);
            if (!model.json) {
                System.out.println();
                PaperTable.headlines(rows).forEach(System.out::println);
                System.out.printf("%d rows in %.1f s%n", rows.size(), (System.nanoTime() - t0) / 1e9);
            }
        }
        return 0;
    }
}
