package laai.magics;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo model's headline results each notebook must reproduce, within margins. They apply only
 * when the notebooks run on {@code models/demo}: the margins come from the demo-model issue, and
 * another model (the small TinyStories fallback) cannot do the tasks at all.
 */
final class HeadlineMargins {

    /** One condition on the tables of an executed notebook; empty when it holds. */
    interface Margin {
        Optional<String> check(List<ExecutedNotebook.HtmlTable> tables);

        /** In the table whose caption starts with {@code caption}: row {@code method}'s column ≥ bound. */
        static Margin atLeast(String caption, String method, String column, double bound) {
            return tables -> compare(tables, caption, method, column, v -> v >= bound, " < " + bound);
        }

        /** Row {@code method}'s column ≤ bound (e.g. a KL). */
        static Margin atMost(String caption, String method, String column, double bound) {
            return tables -> compare(tables, caption, method, column, v -> v <= bound, " > " + bound);
        }

        /** Row {@code method}'s column is at least {@code factor} times row {@code other}'s (and above 0). */
        static Margin atLeastTimes(String caption, String method, String other, String column, double factor) {
            return ratio(caption, method, other, column, factor, true);
        }

        /** Row {@code method}'s column is at most {@code factor} times row {@code other}'s (e.g. KL halved). */
        static Margin atMostTimes(String caption, String method, String other, String column, double factor) {
            return ratio(caption, method, other, column, factor, false);
        }

        private static Margin ratio(String caption, String method, String other, String column, double factor,
                                    boolean atLeast) {
            return tables -> {
                Optional<Double> a = value(tables, caption, method, column), b = value(tables, caption, other, column);
                if (a.isEmpty() || b.isEmpty()) {
                    return missing(caption, method + "/" + other, column);
                }
                boolean holds = atLeast ? a.get() >= factor * b.get() && a.get() > 0 : a.get() <= factor * b.get();
                return holds ? Optional.empty()
                        : Optional.of(caption + ": " + method + " " + column + " " + a.get() + " is not "
                        + (atLeast ? "≥ " : "≤ ") + factor + " × " + other + " " + b.get());
            };
        }

        private static Optional<String> compare(List<ExecutedNotebook.HtmlTable> tables, String caption, String method,
                                                String column, java.util.function.DoublePredicate holds, String failure) {
            Optional<Double> v = value(tables, caption, method, column);
            if (v.isEmpty()) {
                return missing(caption, method, column);
            }
            return holds.test(v.get()) ? Optional.empty()
                    : Optional.of(caption + ": " + method + " " + column + " = " + v.get() + failure);
        }

        private static Optional<Double> value(List<ExecutedNotebook.HtmlTable> tables, String caption, String method,
                                              String column) {
            return tables.stream().filter(t -> t.caption().startsWith(caption))
                    .map(t -> t.value(method, column)).filter(v -> v != null).findFirst();
        }

        private static Optional<String> missing(String caption, String method, String column) {
            return Optional.of("no table '" + caption + "…' with row " + method + " and column " + column);
        }
    }

    /**
     * Notebook name (without .ipynb) to its margins: the demo-model issue's acceptance on
     * models/demo (zero-shot at most 0.3 and Δ at least 0.7 on each rule task, Δ's KL at most half
     * the 10-shot baseline's, the composed vectors at least twice zero-shot; the layer chosen on
     * validation pairs gives Δ at least 0.7 on the test pairs; Δ at least 1.5 times the mean-difference vector
     * and twice the random control). The measured values
     * are in models/demo/README.md. The regularisation ablation (02) is reported, not asserted.
     */
    static final Map<String, List<Margin>> MARGINS = Map.of(
            "01-rule-understanding", List.of(
                    ruleTask("antonym", 0.7), ruleTask("synonym", 0.7), ruleTask("english-french", 0.7),
                    ruleTask("english-german", 0.7)).stream().flatMap(List::stream).toList(),
            "03-composition", List.of(
                    Margin.atLeastTimes("%compose antonym + english-french", "delta-sum", "zero-shot", "exact_match", 2)),
            "04-opinion-dynamics", List.of(
                    Margin.atMostTimes("%intervene opinion-dynamics", "delta", "few-shot", "kl", 0.5)),
            "07-controls-and-composition", List.of(
                    Margin.atLeastTimes("%intervene antonym,", "delta", "mean-difference", "exact_match", 1.5),
                    Margin.atLeastTimes("%intervene antonym,", "delta", "random-control", "exact_match", 2),
                    Margin.atLeastTimes("%compose antonym + english-french", "delta-sum", "zero-shot", "exact_match", 2),
                    Margin.atLeast("%sweep antonym --select, test", "delta-selected", "exact_match", 0.7)));

    private static List<Margin> ruleTask(String task, double delta) {
        return List.of(Margin.atMost("%intervene " + task + ",", "zero-shot", "exact_match", 0.3),
                Margin.atLeast("%intervene " + task + ",", "delta", "exact_match", delta));
    }

    private HeadlineMargins() {
    }

    static List<Margin> of(String notebook) {
        return MARGINS.getOrDefault(notebook, List.of());
    }
}
