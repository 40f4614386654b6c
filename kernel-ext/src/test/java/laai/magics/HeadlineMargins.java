package laai.magics;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo model's headline results each notebook must reproduce, within margins. They apply only
 * when the notebooks run on {@code models/demo}: the margins come from the demo-model issue, and
 * another model (the small TinyStories fallback) cannot do the tasks at all.
 *
 * <p>Add a notebook's margins to {@link #MARGINS}, for example
 * <pre>{@code
 * "01-rule-understanding", List.of(
 *         Margin.atLeast("%intervene english-french", "delta", "exact_match", 0.6),
 *         Margin.above("%intervene english-french", "delta", "zero-shot", "exact_match", 0.3))
 * }</pre>
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

        /** Row {@code method}'s column exceeds row {@code other}'s by at least {@code by}. */
        static Margin above(String caption, String method, String other, String column, double by) {
            return tables -> {
                Optional<Double> a = value(tables, caption, method, column), b = value(tables, caption, other, column);
                if (a.isEmpty() || b.isEmpty()) {
                    return missing(caption, method + "/" + other, column);
                }
                return a.get() - b.get() >= by ? Optional.empty()
                        : Optional.of(caption + ": " + method + " " + column + " " + a.get() + " is not " + by
                        + " above " + other + " " + b.get());
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

    /** Notebook name (without .ipynb) to its margins; the demo-model issue fills these in. */
    static final Map<String, List<Margin>> MARGINS = Map.of();

    private HeadlineMargins() {
    }

    static List<Margin> of(String notebook) {
        return MARGINS.getOrDefault(notebook, List.of());
    }
}
