package laai.cli;

import laai.eval.Composition;
import laai.eval.Experiment;
import laai.eval.Finished;
import laai.eval.PromptEncoder;
import laai.model.DecoderModel;
import laai.model.TextTokenizer;
import laai.runtime.Interrupted;
import laai.tasks.PromptTemplate;
import laai.tasks.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "compose", description = {"Add Δ_A and Δ_B and evaluate on the chained task x → B(A(x)), against a re-optimised Δ and zero-shot.",
        "Ctrl-C stops at the next step or batch, prints the rows finished so far and exits with 130."})
final class ComposeCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin InterventionOptions options;
    @Parameters(arity = "2", paramLabel = "TASK", description = "Task A then task B (names or files).") String[] tasks;
    @Option(names = "--layer", required = true, description = "Layer, counted from 0.") int layer;
    @Option(names = "--weights", split = ",", defaultValue = "1,1", description = "a,b in a·Δ_A + b·Δ_B. Default: ${DEFAULT-VALUE}.") double[] weights;
    @Option(names = "--fit-steps", defaultValue = "50", description = "Fit α, β of α·Δ_A + β·Δ_B on the chained task's training pairs in this many Adam steps (row delta-fitted; 0: skip). Default: ${DEFAULT-VALUE}.") int fitSteps;
    @Option(names = "--refine-steps", defaultValue = "20", description = "Re-optimise from the sum for this many steps (row delta-sum-refined; 0: skip). Default: ${DEFAULT-VALUE}.") int refineSteps;

    @Option(names = "--seeds", split = ",", description = "Run at each of these seeds (replaces --seed) and report each "
            + "method's mean with a bootstrap interval over seeds and test items.")
    long[] seedsOption;

    @Override
    public Integer call() {
        if (weights.length != 2) throw new IllegalArgumentException("--weights takes two numbers, a,b");
        for (double w : weights) {
            if (!Double.isFinite(w)) throw new IllegalArgumentException("--weights must be finite numbers, got " + w);
        }
        Composition.Beyond beyond = new Composition.Beyond(fitSteps, refineSteps);
        Experiment.Settings settings = options.settings(layer);
        long[] seeds = options.seeds(seedsOption);
        Task a = Task.resolve(tasks[0], Datasets.dir()), b = Task.resolve(tasks[1], Datasets.dir());
        Finished finished = new Finished(new TerminalProgress(!model.json));
        try (Sigint sigint = Sigint.interruptsThisThread();
             DecoderModel m = model.load(); TextTokenizer tokenizer = TextTokenizer.load(model.model)) {
            Experiment experiment = new Experiment(m, new PromptEncoder(tokenizer, PromptTemplate.DEFAULT), model.name(), options.scorer());
            List<Composition.Outcome> out;
            try {
                out = new Composition(experiment).runSeeds(a, b, weights[0], weights[1], settings, beyond, seeds, finished);
            } catch (Interrupted e) {
                return Stopped.report(e, finished.rows(), model.json, null);
            }
            InterveneCommand.print(Composition.rows(out), model.json);
        }
        return 0;
    }
}
