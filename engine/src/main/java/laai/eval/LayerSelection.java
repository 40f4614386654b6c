package laai.eval;

import laai.tasks.Task;
import laai.tasks.ValidationSplit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Choosing the layer (and γ, λ where several were swept) without the test set: the sweep's Δs are
 * trained as a plain {@link Sweep} trains them, every run is scored on validation pairs held out
 * of the pairs outside the test split ({@link ValidationSplit}), the best setting per N is chosen on
 * them, and only then is the chosen setting's Δ scored on the test pairs, once.
 *
 * <p>The two phases are two calls, {@link #validate} and then {@link #test}, so that the order is
 * visible and checkable: nothing before {@link #test} reads a test pair (training reads the
 * training pairs, scoring the validation pairs), and {@link #test} runs once.
 *
 * <p>The choice at each N is the setting with the highest exact match on the validation pairs,
 * pooled over seeds (every seed has the same number of validation pairs, so this is the mean over
 * seeds of each seed's exact match). Hits are counted, not averaged, so equal scores are exactly
 * equal; ties go to the lower layer, then the smaller γ, then the smaller λ: the cheaper, sparser
 * intervention when the data cannot tell them apart.
 */
public final class LayerSelection {

    /** Validation pairs per seed unless asked otherwise: enough to tell 5 % steps apart, few enough for small tasks. */
    public static final int DEFAULT_VALIDATION = 20;

    /** A setting the selection can choose; ordered as ties are broken (lower layer, then smaller γ, then smaller λ). */
    public record Choice(int layer, double gamma, double lambda) implements Comparable<Choice> {
        static Choice of(RunSpec run) {
            return new Choice(run.layer(), run.gamma(), run.lambda());
        }

        @Override
        public int compareTo(Choice o) {
            int c = Integer.compare(layer, o.layer);
            if (c == 0) c = Double.compare(gamma, o.gamma);
            return c != 0 ? c : Double.compare(lambda, o.lambda);
        }

        public String describe() {
            return "layer " + layer + ", γ " + gamma + ", λ " + lambda;
        }
    }

    /**
     * The choice at one N: its validation exact match (hits over all seeds' validation pairs) and
     * how many settings it was chosen from.
     */
    public record Selected(int nTrain, Choice choice, double validationExactMatch, int candidates, int seeds) {
        public String describe() {
            String from = candidates == 1 ? "the only setting swept: --select had nothing to choose"
                    : "chosen from " + candidates + " settings";
            return String.format(Locale.ROOT, "N %d: %s, validation exact match %.3f%s (%s)", nTrain, choice.describe(),
                    validationExactMatch, seeds > 1 ? " over " + seeds + " seeds" : "", from);
        }
    }

    /** What {@link #validate} gives: every run's row on the validation pairs (in the sweep's row order), and the choices. */
    public record Validation(List<ResultRow> rows, List<Selected> selected) {
        public Validation {
            rows = List.copyOf(rows);
            selected = List.copyOf(selected);
        }

        /** Whether some N had only one setting to choose from (worth saying: nothing was selected there). */
        public boolean nothingToChoose() {
            return selected.stream().anyMatch(s -> s.candidates() == 1);
        }
    }

    private final Experiment experiment;
    private final SweepPlan plan;
    private final int nValidation;
    private final Map<String, ValidationSplit> splits = new LinkedHashMap<>();
    private final Sweep sweep;
    private Map<Integer, Experiment.Trained> trained;
    private Validation validation;
    private boolean tested;

    /**
     * Checks every split (enough pairs for training, test and validation at each N and seed) and
     * makes the sweep's plan: a malformed selection fails here, before any training.
     */
    public LayerSelection(Experiment experiment, Task task, Experiment.Settings base, int[] layers, double[] lassos,
                          double[] groupLassos, int[] nTrains, long[] seeds, int nValidation, boolean baselines) {
        this.experiment = experiment;
        this.nValidation = nValidation;
        for (int n : nTrains) {
            for (long seed : seeds) {
                splits.put(key(n, seed), ValidationSplit.of(task, n, base.nTest(), nValidation, seed));
            }
        }
        this.plan = SweepPlan.of(task, base, layers, lassos, groupLassos, nTrains, seeds, baselines,
                experiment.scorer(), experiment.model().config());
        this.sweep = new Sweep(experiment);
    }

    private static String key(int nTrain, long seed) {
        return nTrain + " " + seed;
    }

    private ValidationSplit split(RunSpec run) {
        return splits.get(key(run.nTrain(), run.seed()));
    }

    public SweepPlan plan() {
        return plan;
    }

    /** The sweep that trained the Δs: its {@link Sweep#deltas()} and {@link Sweep#losses()}. */
    public Sweep sweep() {
        return sweep;
    }

    public int validationPairs() {
        return nValidation;
    }

    /**
     * Trains every Δ, scores every run (baselines too, when the plan has them) on its seed's
     * validation pairs, each row told to {@code listener}, and chooses per N. Reads no test pair.
     */
    public Validation validate(RunListener listener) {
        if (validation != null) throw new IllegalStateException("this selection has already been validated");
        RunListener report = RunListener.orNone(listener);
        trained = sweep.train(plan, report);
        List<ResultRow> rows = new ArrayList<>();
        for (RunSpec run : plan.runs()) {
            ResultRow row = GroupRunner.row(experiment, run, split(run).selection(), trained.get(run.index()));
            report.rowFinished(row);
            rows.add(row);
        }
        validation = new Validation(rows, choose(plan.runs(), rows));
        return validation;
    }

    /**
     * The choice per N from the runs' validation rows (same order): the best pooled validation
     * exact match, ties broken by {@link Choice}'s order. Baseline runs do not compete.
     */
    static List<Selected> choose(List<RunSpec> runs, List<ResultRow> rows) {
        // Per N, per setting: validation hits and items over the seeds.
        Map<Integer, Map<Choice, double[]>> tallies = new TreeMap<>();
        Map<Integer, Map<Choice, Set<Long>>> seeds = new TreeMap<>();
        for (int i = 0; i < runs.size(); i++) {
            RunSpec run = runs.get(i);
            if (!run.trains()) continue;
            double[] tally = tallies.computeIfAbsent(run.nTrain(), n -> new TreeMap<>())
                    .computeIfAbsent(Choice.of(run), c -> new double[2]);
            for (double[] seed : rows.get(i).items().exact()) {
                for (double hit : seed) tally[0] += hit; // 0 or 1: the sum is an exact count
                tally[1] += seed.length;
            }
            seeds.computeIfAbsent(run.nTrain(), n -> new TreeMap<>())
                    .computeIfAbsent(Choice.of(run), c -> new TreeSet<>()).add(run.seed());
        }
        List<Selected> selected = new ArrayList<>();
        tallies.forEach((n, byChoice) -> {
            Choice best = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            // Ascending order: a later setting replaces the best only by scoring strictly higher.
            for (Map.Entry<Choice, double[]> e : byChoice.entrySet()) {
                double score = e.getValue()[0] / e.getValue()[1];
                if (score > bestScore) {
                    best = e.getKey();
                    bestScore = score;
                }
            }
            selected.add(new Selected(n, best, bestScore, byChoice.size(), seeds.get(n).get(best).size()));
        });
        return selected;
    }

    /**
     * The chosen setting's Δ at each N and seed scored on that seed's test pairs: one
     * {@link Method#DELTA_SELECTED} row each, told to {@code listener}. The only reading of the
     * test pairs, and allowed once.
     */
    public List<ResultRow> test(RunListener listener) {
        if (validation == null) throw new IllegalStateException("validate first: the setting is chosen on the validation pairs");
        if (tested) throw new IllegalStateException("the test pairs are scored once per selection");
        tested = true;
        RunListener report = RunListener.orNone(listener);
        List<ResultRow> rows = new ArrayList<>();
        for (Selected chosen : validation.selected()) {
            Set<Long> done = new HashSet<>(); // a setting listed twice is still scored once
            for (RunSpec run : plan.runs()) {
                if (!run.trains() || run.nTrain() != chosen.nTrain()
                        || !Choice.of(run).equals(chosen.choice()) || !done.add(run.seed())) continue;
                Experiment scoring = run.scorer() == experiment.scorer() ? experiment : experiment.withScorer(run.scorer());
                ResultRow row = scoring.evaluate(Method.DELTA_SELECTED, split(run).testing(), run.settings(),
                        trained.get(run.index()));
                report.rowFinished(row);
                rows.add(row);
            }
        }
        return rows;
    }
}
