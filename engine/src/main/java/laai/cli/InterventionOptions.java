package laai.cli;

import laai.eval.Experiment;
import laai.intervention.Optimizer;
import laai.intervention.Solver;
import laai.model.Site;
import laai.tasks.PromptTemplate;
import picocli.CommandLine.Option;

/** Options of an intervention run; defaults follow the paper's headline setting (docs/method.md). */
final class InterventionOptions {
    @Option(names = "--site", defaultValue = "heads", description = "heads (o_proj input, default) or residual.")
    String site;
    @Option(names = "--lasso", defaultValue = "0.01", description = "γ, the L1 weight. Default: ${DEFAULT-VALUE}.")
    double lasso;
    @Option(names = "--group-lasso", defaultValue = "0.01", description = "λ, the per-head group-lasso weight. Default: ${DEFAULT-VALUE}.")
    double groupLasso;
    @Option(names = "--train", defaultValue = "10", description = "N, training pairs. Default: ${DEFAULT-VALUE}.")
    int train;
    @Option(names = "--test", defaultValue = "50", description = "Test pairs (0 = all the rest). Default: ${DEFAULT-VALUE}.")
    int test;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the split and the demonstrations. Default: ${DEFAULT-VALUE}.")
    long seed;
    @Option(names = "--shots", defaultValue = "10", description = "k of the k-shot baseline. Default: ${DEFAULT-VALUE}.")
    int shots;
    @Option(names = "--steps", defaultValue = "200", description = "Optimisation steps. Default: ${DEFAULT-VALUE}.")
    int steps;
    @Option(names = "--lr", defaultValue = "0.05", description = "Learning rate (Adam; also the proximal step). Default: ${DEFAULT-VALUE}.")
    double learningRate;
    @Option(names = "--solver", defaultValue = "proximal", description = "proximal (exact zeros) or subgradient (plain Adam). Default: ${DEFAULT-VALUE}.")
    String solver;
    @Option(names = "--patience", defaultValue = "50", description = "Early stop after this many steps without improvement. Default: ${DEFAULT-VALUE}.")
    int patience;
    @Option(names = "--every-token", description = "Add Δ at every generated position too, not only at the last prompt token.")
    boolean everyToken;
    @Option(names = "--naive", description = "Optimise on the naive path (full forward each step) instead of the fast one.")
    boolean naive;
    @Option(names = "--scorer", defaultValue = "fv", description = "Exact match: fv (as Function Vectors scores it: first word run; "
            + "case, punctuation, articles, extra spaces ignored; any accepted answer) or strict (the whole first line, "
            + "edge punctuation ignored). Default: ${DEFAULT-VALUE}.")
    String scorer;

    /** The scorer of exact match; a bad name fails here, before the model loads. */
    laai.eval.Scorer scorer() {
        return laai.eval.Scorer.parse(scorer);
    }

    /** The seeds to run at: --seeds where given (it replaces --seed), else --seed alone. */
    long[] seeds(long[] seedsOption) {
        if (seedsOption == null) return new long[] {seed};
        if (seedsOption.length == 0) throw new IllegalArgumentException("--seeds needs at least one seed");
        if (java.util.Arrays.stream(seedsOption).distinct().count() != seedsOption.length) {
            throw new IllegalArgumentException("--seeds lists a seed twice: " + java.util.Arrays.toString(seedsOption));
        }
        return seedsOption;
    }

    Experiment.Settings settings(int layer) {
        scorer();
        Optimizer.Settings opt = new Optimizer.Settings(steps, learningRate, Solver.parse(solver), patience, 1e-4);
        return new Experiment.Settings(layer, Site.parse(site), lasso, groupLasso, train, test, seed, shots, opt,
                everyToken, naive, PromptTemplate.DEFAULT);
    }
}
