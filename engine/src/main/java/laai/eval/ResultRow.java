package laai.eval;

/**
 * One row of a results table: one method on one task. NaN marks a metric that does not apply
 * (KL for rule tasks, exact match for distribution tasks); -1 marks counts that do not apply.
 */
public record ResultRow(String method, String task, int layer, String site, double gamma, double lambda,
                        int nTrain, long seed, double exactMatch, double firstTokenAcc, double kl,
                        int activeHeads, int steps, double seconds) implements java.io.Serializable {

    /** Column names, in order, as in tables and JSON output. */
    public static final String[] COLUMNS = {"method", "task", "layer", "site", "gamma", "lambda", "n_train", "seed",
            "exact_match", "first_token_acc", "kl", "active_heads", "steps", "seconds"};

    public Object[] values() {
        return new Object[] {method, task, layer, site, gamma, lambda, nTrain, seed, exactMatch, firstTokenAcc, kl,
                activeHeads, steps, seconds};
    }

    public java.util.Map<String, Object> asMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        Object[] v = values();
        for (int i = 0; i < COLUMNS.length; i++) m.put(COLUMNS[i], v[i]);
        return m;
    }
}
