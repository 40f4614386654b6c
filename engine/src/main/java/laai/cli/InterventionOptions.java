package laai.cli;

import laai.eval.Experiment;
import laai.eval.Scorer;
import laai.intervention.Optimizer;
import laai.intervention.Solver;
import laai.model.Site;
import picocli.CommandLine.Option;

/**
 * Options of an intervention run. Their defaults are the engine's ({@link Experiment.Settings#defaults},
 * {@link Optimizer.Settings#defaults}, {@link Scorer#DEFAULT}: the paper's headline setting, docs/method.md),
 * read from it, never restated, so that the CLI, the magics and the engine cannot drift apart; the
 * engine's settings check the values, for the CLI and the magics alike.
 */
final class InterventionOptions {
    private static final Experiment.Settings DEFAULTS = Experiment.Settings.defaults(0);
    private static final Optimizer.Settings OPTIMIZER = DEFAULTS.optimizer();

    @Option(names = "--site", description = "heads (o_proj input) or residual. Default: ${DEFAULT-VALUE}.")
    String site = DEFAULTS.site().label();
    @Option(names = "--lasso", description = "γ, the L1 weight. Default: ${DEFAULT-VALUE}.")
    double lasso = DEFAULTS.lasso();
    @Option(names = "--group-lasso", description = "λ, the per-head group-lasso weight. Default: ${DEFAULT-VALUE}.")
    double groupLasso = DEFAULTS.groupLasso();
    @Option(names = "--train", description = "N, training pairs. Default: ${DEFAULT-VALUE}.")
    int train = DEFAULTS.nTrain();
    @Option(names = "--test", description = "Test pairs (0 = all the rest). Default: ${DEFAULT-VALUE}.")
    int test = DEFAULTS.nTest();
    @Option(names = "--seed", description = "Seed of the split and the demonstrations. Default: ${DEFAULT-VALUE}.")
    long seed = DEFAULTS.seed();
    @Option(names = "--shots", description = "k of the k-shot baseline. Default: ${DEFAULT-VALUE}.")
    int shots = DEFAULTS.shots();
    @Option(names = "--steps", description = "Optimisation steps. Default: ${DEFAULT-VALUE}.")
    int steps = OPTIMIZER.steps();
    @Option(names = "--lr", description = "Learning rate (Adam; also the proximal step). Default: ${DEFAULT-VALUE}.")
    double learningRate = OPTIMIZER.learningRate();
    @Option(names = "--solver", description = "proximal (exact zeros) or subgradient (plain Adam). Default: ${DEFAULT-VALUE}.")
    String solver = OPTIMIZER.solver().label();
    @Option(names = "--patience", description = "Early stop after this many steps without improvement. Default: ${DEFAULT-VALUE}.")
    int patience = OPTIMIZER.patience();
    @Option(names = "--every-token", description = "Add Δ at every generated position too, not only at the last prompt token.")
    boolean everyToken;
    @Option(names = "--naive", description = "Optimise on the naive path (full forward each step) instead of the fast one.")
    boolean naive;
    @Option(names = "--scorer", description = "Exact match: fv (as Function Vectors scores it: first word run; "
            + "case, punctuation, articles, extra spaces ignored; any accepted answer) or strict (the whole first line, "
            + "edge punctuation ignored). Default: ${DEFAULT-VALUE}.")
    String scorer = Scorer.DEFAULT.label();

    /** The scorer of exact match; a bad name fails here, before the model loads. */
    Scorer scorer() {
        return Scorer.parse(scorer);
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
        Optimizer.Settings opt = new Optimizer.Settings(steps, learningRate, Solver.parse(solver), patience,
                OPTIMIZER.tolerance());
        return Experiment.Settings.builder(layer).site(Site.parse(site)).lasso(lasso).groupLasso(groupLasso)
                .nTrain(train).nTest(test).seed(seed).shots(shots).optimizer(opt).everyToken(everyToken)
                .naivePath(naive).build();
    }
}
