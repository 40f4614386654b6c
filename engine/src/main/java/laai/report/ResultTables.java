package laai.report;

import laai.eval.Bootstrap;
import laai.eval.Interval;
import laai.eval.ResultRow;
import laai.eval.Scorer;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Result rows as a Tablesaw table (the columns of {@link ResultRow#COLUMNS} but the scorer, which
 * the caption names) and as plain text, where each metric reads {@code 0.84 [0.74, 0.92]}: the
 * value and its 95 % bootstrap interval.
 */
public final class ResultTables {
    private ResultTables() {}

    /** {@code name}, then what the numbers are: the scorer of exact match and the intervals. */
    public static Table of(String name, List<ResultRow> rows) {
        Table t = Table.create(caption(name, rows),
                StringColumn.create("method"), StringColumn.create("task"), IntColumn.create("layer"),
                StringColumn.create("site"), DoubleColumn.create("gamma"), DoubleColumn.create("lambda"),
                IntColumn.create("n_train"), LongColumn.create("seed"), StringColumn.create("seeds"),
                DoubleColumn.create("exact_match"), DoubleColumn.create("exact_match_low"), DoubleColumn.create("exact_match_high"),
                DoubleColumn.create("first_token_acc"), DoubleColumn.create("first_token_acc_low"),
                DoubleColumn.create("first_token_acc_high"),
                DoubleColumn.create("kl"), DoubleColumn.create("kl_low"), DoubleColumn.create("kl_high"),
                IntColumn.create("active_heads"), IntColumn.create("steps"), DoubleColumn.create("seconds"));
        for (ResultRow r : rows) {
            t.stringColumn("method").append(r.method().label());
            t.stringColumn("task").append(r.task());
            t.intColumn("layer").append(r.layer());
            t.stringColumn("site").append(r.site());
            t.doubleColumn("gamma").append(r.gamma());
            t.doubleColumn("lambda").append(r.lambda());
            t.intColumn("n_train").append(r.nTrain());
            t.longColumn("seed").append(r.seed());
            t.stringColumn("seeds").append(r.seedsText());
            append(t, "exact_match", r.exactMatch(), r.exactMatchCi());
            append(t, "first_token_acc", r.firstTokenAcc(), r.firstTokenCi());
            append(t, "kl", r.kl(), r.klCi());
            t.intColumn("active_heads").append(r.activeHeads());
            t.intColumn("steps").append(r.steps());
            t.doubleColumn("seconds").append(Math.round(r.seconds() * 100) / 100.0);
        }
        return t;
    }

    private static void append(Table t, String column, double value, Interval ci) {
        t.doubleColumn(column).append(shown(value));
        t.doubleColumn(column + "_low").append(shown(ci.low()));
        t.doubleColumn(column + "_high").append(shown(ci.high()));
    }

    /**
     * Four decimals: an interpolated bootstrap quantile such as 0.7195000000000005 would otherwise
     * be printed in full. Missing values (NaN) stay missing. {@code --json} keeps full precision.
     */
    static double shown(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e4) / 1e4 : v;
    }

    /** The caption: {@code name (exact match: fv; 95 % bootstrap intervals)}. */
    public static String caption(String name, List<ResultRow> rows) {
        String scorer = scorerOf(rows);
        return name + " (" + (scorer == null ? "" : "exact match: " + scorer + "; ")
                + Math.round(Bootstrap.LEVEL * 100) + " % bootstrap intervals)";
    }

    /** One line naming the scorer and the intervals, for above a text table. */
    public static String legend(List<ResultRow> rows) {
        return legend(rows, "test");
    }

    /** The same, for rows scored on other held-out pairs ({@code heldOut}: "validation" for a selection's rows). */
    public static String legend(List<ResultRow> rows, String heldOut) {
        String label = scorerOf(rows);
        String scorer = "";
        if (label != null) {
            Scorer s = label.contains(",") ? null : Scorer.parse(label);
            scorer = "exact match: " + (s == null ? label : s.label() + ", " + s.description()) + ". ";
        }
        return scorer + String.format(Locale.ROOT, "[low, high]: %d %% percentile bootstrap intervals over the %s items "
                + "(%d resamples; over seeds and items where a row has several seeds).",
                Math.round(Bootstrap.LEVEL * 100), heldOut, Bootstrap.RESAMPLES);
    }

    /** The scorer of the rows that score exact match, or null where none does; "fv, strict" where they differ. */
    private static String scorerOf(List<ResultRow> rows) {
        List<String> scorers = rows.stream().map(ResultRow::scorer).filter(Objects::nonNull).filter(s -> !s.isEmpty())
                .distinct().toList();
        return scorers.isEmpty() ? null : String.join(", ", scorers);
    }

    /** Plain text for the terminal: one line per row, a metric that does not apply shown as "-". */
    public static String text(List<ResultRow> rows) {
        StringBuilder sb = new StringBuilder(String.format("%-20s %-24s %5s %-8s %6s %6s %5s %-7s %-18s %-18s %-21s %5s %5s %8s%n",
                "method", "task", "layer", "site", "gamma", "lambda", "n", "seed", "exact", "first", "kl", "heads", "steps", "seconds"));
        for (ResultRow r : rows) {
            sb.append(String.format(Locale.ROOT, "%-20s %-24s %5s %-8s %6s %6s %5d %-7s %-18s %-18s %-21s %5s %5s %8.1f%n",
                    r.method().label(), r.task(), r.layer() < 0 ? "-" : r.layer(), r.site().isEmpty() ? "-" : r.site(),
                    num(r.gamma()), num(r.lambda()), r.nTrain(), r.seedsText(),
                    Interval.format(r.exactMatch(), r.exactMatchCi(), 2), Interval.format(r.firstTokenAcc(), r.firstTokenCi(), 2),
                    Interval.format(r.kl(), r.klCi(), 3), r.activeHeads() < 0 ? "-" : r.activeHeads(),
                    r.steps() == 0 ? "-" : r.steps(), r.seconds()));
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
