package laai.magics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;

import laai.eval.Experiment;
import laai.eval.Scorer;
import laai.intervention.Optimizer;
import laai.intervention.Solver;
import laai.model.Site;

/**
 * The options every training magic shares, with the engine's defaults (docs/method.md: N = 10, 50 test
 * pairs, γ = λ = 0.01, 200 steps, lr 0.05, proximal solver, k = 10 shots). The defaults are read
 * from the engine, never repeated here, and the engine's settings check the values (as for the
 * CLI), so that help, behaviour and the CLI cannot drift apart.
 */
final class TrainingOptions {

    /** Options that a sweep takes as lists; single values everywhere else. */
    private static final List<String> SWEPT = List.of("lasso", "group-lasso", "train", "seed");
    private static final List<String> RUN = List.of("test", "site", "steps", "lr", "shots", "solver", "patience", "scorer");
    private static final Set<String> SWITCHES = Set.of("every-token", "naive");

    private static final Experiment.Settings DEFAULTS = Experiment.Settings.defaults(0);

    private TrainingOptions() {
    }

    /**
     * The syntax of a training magic: its own arguments and options, then the run options and
     * (unless {@code sweep}, which takes them as lists of its own) the single-valued swept ones,
     * whose help follows {@code details}.
     */
    static Syntax syntax(String name, String usage, String details, MagicsArgs.MagicsArgsBuilder positional,
                         boolean sweep, List<String> options, Set<String> switches) {
        List<String> all = new ArrayList<>(options);
        if (!sweep) all.addAll(SWEPT);
        all.addAll(RUN);
        Set<String> allSwitches = new HashSet<>(switches);
        allSwitches.addAll(SWITCHES);
        return Syntax.of(name, usage, details + System.lineSeparator() + help(sweep), positional, all,
                Set.copyOf(allSwitches));
    }

    /** Settings of one training at {@code layer}. */
    static Experiment.Settings settings(Args a, int layer) {
        Experiment.Settings.Builder s = runSettings(a, layer).toBuilder()
                .lasso(nonNegative(a, "lasso", DEFAULTS.lasso()))
                .groupLasso(nonNegative(a, "group-lasso", DEFAULTS.groupLasso()))
                .nTrain(a.integer("train", DEFAULTS.nTrain()))
                .seed(a.longValue("seed", DEFAULTS.seed()));
        return checked(a, s::build);
    }

    /** Settings without the swept options (those stay at their defaults). */
    static Experiment.Settings runSettings(Args a, int layer) {
        Optimizer.Settings o = DEFAULTS.optimizer();
        int steps = a.integer("steps", o.steps());
        double lr = a.number("lr", o.learningRate());
        int patience = a.integer("patience", o.patience());
        Solver solver = Solver.parse(a.choice("solver", o.solver().label(), List.of("proximal", "subgradient")));
        Site site = Site.parse(a.choice("site", DEFAULTS.site().label(), List.of("heads", "residual")));
        return checked(a, () -> Experiment.Settings.builder(layer).site(site)
                .nTest(a.integer("test", DEFAULTS.nTest())).shots(a.integer("shots", DEFAULTS.shots()))
                .optimizer(new Optimizer.Settings(steps, lr, solver, patience, o.tolerance()))
                .everyToken(a.isSet("every-token")).naivePath(a.isSet("naive")).build());
    }

    /** Settings as the engine checks them (the CLI's checks, word for word), a bad value shown with the usage. */
    private static Experiment.Settings checked(Args a, Supplier<Experiment.Settings> settings) {
        try {
            return settings.get();
        } catch (IllegalArgumentException e) {
            throw a.problem(e.getMessage());
        }
    }

    /** The scorer of exact match (--scorer fv|strict). */
    static Scorer scorer(Args a) {
        return Scorer.parse(a.choice("scorer", Scorer.DEFAULT.label(), List.of("fv", "strict")));
    }

    /** The experiment of the session, scoring with --scorer. */
    static Experiment experiment(Args a, Session session) {
        return session.experiment().withScorer(scorer(a));
    }

    /** The seeds to run at: --seeds where given (it replaces --seed), else the settings' seed. */
    static long[] seeds(Args a, Experiment.Settings s) {
        long[] seeds = a.longs("seeds", new long[] {s.seed()});
        if (seeds.length == 0 || java.util.Arrays.stream(seeds).distinct().count() != seeds.length) {
            throw a.problem("--seeds: one or more different seeds, got " + java.util.Arrays.toString(seeds));
        }
        return seeds;
    }

    /** Help lines for the options, with the engine's defaults. */
    static String help(boolean sweep) {
        Optimizer.Settings o = DEFAULTS.optimizer();
        StringBuilder s = new StringBuilder();
        if (!sweep) {
            s.append(line("--train N", "training pairs N", DEFAULTS.nTrain()))
                    .append(line("--lasso G", "γ, the L1 weight", DEFAULTS.lasso()))
                    .append(line("--group-lasso L", "λ, the per-head group-lasso weight", DEFAULTS.groupLasso()))
                    .append(line("--seed S", "seed of the split and of the demonstrations", DEFAULTS.seed()));
        }
        s.append(line("--test M", "test pairs (0: all pairs not used for training)", DEFAULTS.nTest()))
                .append(line("--site heads|residual", "where Δ is added: the heads (o_proj input) or the residual stream",
                        DEFAULTS.site().label()))
                .append(line("--steps K", "optimisation steps", o.steps()))
                .append(line("--lr R", "learning rate (Adam; also the proximal step)", o.learningRate()))
                .append(line("--solver proximal|subgradient", "proximal (exact zeros) or plain Adam on the subgradient",
                        o.solver().label()))
                .append(line("--patience P", "stop after P steps without improvement", o.patience()))
                .append(line("--shots K", "k of the few-shot baseline", DEFAULTS.shots()))
                .append(line("--scorer fv|strict", "exact match as Function Vectors scores it, or the whole first line",
                        Scorer.DEFAULT.label()))
                .append(line("--every-token", "add Δ at every generated position too", "off"))
                .append(line("--naive", "optimise on the naive path (full forward each step)", "off"));
        return s.toString();
    }

    private static String line(String option, String meaning, Object fallback) {
        return String.format(Locale.ROOT, "  %-32s %s (default %s)%n", option, meaning, fallback);
    }

    private static double nonNegative(Args a, String name, double fallback) {
        double v = a.number(name, fallback);
        if (v < 0) {
            throw a.problem("--" + name + ": must be ≥ 0, got " + v);
        }
        return v;
    }
}
