package laai.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of a results table: one method on one task, from one seed or aggregated over several
 * ({@link SeedAggregate}). NaN marks a metric that does not apply (KL for rule tasks, exact match
 * for distribution tasks); -1 marks counts that do not apply, and the seed of a row over several
 * seeds ({@link #seeds} lists them).
 *
 * <p>Each metric carries its 95 % percentile bootstrap interval over the test items (over seeds
 * and items for an aggregated row; {@link Bootstrap}); {@link #items} holds the per-item values
 * they come from. {@code scorer} names how exact match was scored ({@link Scorer}). The method
 * column prints {@link Method#label()}.
 */
public record ResultRow(Method method, String task, int layer, String site, double gamma, double lambda,
                        int nTrain, long seed, double exactMatch, double firstTokenAcc, double kl,
                        int activeHeads, int steps, double seconds,
                        Interval exactMatchCi, Interval firstTokenCi, Interval klCi,
                        List<Long> seeds, String scorer, ItemScores items) implements java.io.Serializable {

    public ResultRow {
        java.util.Objects.requireNonNull(method, "method");
        seeds = List.copyOf(seeds);
    }

    /**
     * A row of one run at {@code seed}: the metrics are the means of the per-item values and the
     * intervals their bootstrap intervals.
     */
    public static ResultRow measured(Method method, String task, int layer, String site, double gamma, double lambda,
                                     int nTrain, long seed, int activeHeads, int steps, double seconds, String scorer,
                                     ItemScores items) {
        return withItems(method, task, layer, site, gamma, lambda, nTrain, List.of(seed), activeHeads, steps, seconds,
                scorer, items);
    }

    /** A row over {@code seeds} whose per-item values are {@code items} (one array per seed). */
    static ResultRow withItems(Method method, String task, int layer, String site, double gamma, double lambda,
                               int nTrain, List<Long> seeds, int activeHeads, int steps, double seconds, String scorer,
                               ItemScores items) {
        return new ResultRow(method, task, layer, site, gamma, lambda, nTrain, seeds.size() == 1 ? seeds.get(0) : -1,
                ItemScores.meanOfMeans(items.exact()), ItemScores.meanOfMeans(items.firstToken()),
                ItemScores.meanOfMeans(items.kl()), activeHeads, steps, seconds,
                ItemScores.interval(items.exact()), ItemScores.interval(items.firstToken()), ItemScores.interval(items.kl()),
                seeds, scorer, items);
    }

    /** Column names, in order, as in tables and JSON output. */
    public static final String[] COLUMNS = {"method", "task", "layer", "site", "gamma", "lambda", "n_train", "seed",
            "seeds", "scorer", "exact_match", "exact_match_low", "exact_match_high", "first_token_acc",
            "first_token_acc_low", "first_token_acc_high", "kl", "kl_low", "kl_high", "active_heads", "steps", "seconds"};

    /** The values of {@link #COLUMNS}; the seed of a row over several seeds is null. */
    public Object[] values() {
        return new Object[] {method.label(), task, layer, site, gamma, lambda, nTrain, seeds.size() == 1 ? (Object) seed : null,
                seeds, scorer, exactMatch, exactMatchCi.low(), exactMatchCi.high(), firstTokenAcc, firstTokenCi.low(),
                firstTokenCi.high(), kl, klCi.low(), klCi.high(), activeHeads, steps, seconds};
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        Object[] v = values();
        for (int i = 0; i < COLUMNS.length; i++) m.put(COLUMNS[i], v[i]);
        return m;
    }

    /** The seeds as text: "0" or "0,1,2". */
    public String seedsText() {
        return String.join(",", seeds.stream().map(String::valueOf).toList());
    }
}
