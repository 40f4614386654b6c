package laai.cli;

import laai.eval.Experiment;
import laai.eval.Finished;
import laai.eval.PromptEncoder;
import laai.eval.Transfer;
import laai.model.DecoderModel;
import laai.model.TextTokenizer;
import laai.runtime.Interrupted;
import laai.tasks.PromptTemplate;
import laai.tasks.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "transfer", description = {"Each task's Δ evaluated on every task's test pairs: the matrix of exact matches (rows: the Δ's task).",
        "Ctrl-C stops at the next step or batch and exits with 130."})
final class TransferCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin InterventionOptions options;
    @Option(names = "--tasks", split = ",", required = true, description = "Two or more task names or files.") List<String> tasks;
    @Option(names = "--layer", required = true, description = "Layer, counted from 0.") int layer;

    @Override
    public Integer call() {
        Experiment.Settings settings = options.settings(layer);
        if (tasks.size() < 2) throw new IllegalArgumentException("a transfer matrix needs at least two tasks, got " + tasks);
        List<Task> resolved = new ArrayList<>();
        for (String t : tasks) resolved.add(Task.resolve(t, Datasets.dir()));
        Finished finished = new Finished(new TerminalProgress(!model.json));
        try (Sigint sigint = Sigint.interruptsThisThread();
             DecoderModel m = model.load(); TextTokenizer tokenizer = TextTokenizer.load(model.model)) {
            Experiment experiment = new Experiment(m, new PromptEncoder(tokenizer, PromptTemplate.DEFAULT), model.name(), options.scorer());
            Transfer.Matrix matrix;
            try {
                matrix = new Transfer(experiment).run(resolved, settings, finished);
            } catch (Interrupted e) {
                return Stopped.report(e, finished.rows(), model.json, null);
            }
            if (model.json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("tasks", matrix.tasks());
                out.put("exact_match", matrix.exactMatch());
                Json.print(out);
            } else {
                System.out.print(matrix.table().print());
                System.out.println();
            }
        }
        return 0;
    }
}
