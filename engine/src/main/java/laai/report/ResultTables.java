package laai.report;

import laai.eval.ResultRow;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/** Result rows as a Tablesaw table with the columns of {@link ResultRow#COLUMNS}. */
public final class ResultTables {
    private ResultTables() {}

    public static Table of(String name, List<ResultRow> rows) {
        Table t = Table.create(name,
                StringColumn.create("method"), StringColumn.create("task"), IntColumn.create("layer"),
                StringColumn.create("site"), DoubleColumn.create("gamma"), DoubleColumn.create("lambda"),
                IntColumn.create("n_train"), LongColumn.create("seed"), DoubleColumn.create("exact_match"),
                DoubleColumn.create("first_token_acc"), DoubleColumn.create("kl"), IntColumn.create("active_heads"),
                IntColumn.create("steps"), DoubleColumn.create("seconds"));
        for (ResultRow r : rows) {
            t.stringColumn("method").append(r.method());
            t.stringColumn("task").append(r.task());
            t.intColumn("layer").append(r.layer());
            t.stringColumn("site").append(r.site());
            t.doubleColumn("gamma").append(r.gamma());
            t.doubleColumn("lambda").append(r.lambda());
            t.intColumn("n_train").append(r.nTrain());
            t.longColumn("seed").append(r.seed());
            t.doubleColumn("exact_match").append(r.exactMatch());
            t.doubleColumn("first_token_acc").append(r.firstTokenAcc());
            t.doubleColumn("kl").append(r.kl());
            t.intColumn("active_heads").append(r.activeHeads());
            t.intColumn("steps").append(r.steps());
            t.doubleColumn("seconds").append(Math.round(r.seconds() * 100) / 100.0);
        }
        return t;
    }

    /** Plain text for the terminal: one line per row, NaN shown as "-". */
    public static String text(List<ResultRow> rows) {
        StringBuilder sb = new StringBuilder(String.format("%-20s %-24s %5s %-8s %6s %6s %5s %4s %7s %7s %7s %5s %5s %8s%n",
                "method", "task", "layer", "site", "gamma", "lambda", "n", "seed", "exact", "first", "kl", "heads", "steps", "seconds"));
        for (ResultRow r : rows) {
            sb.append(String.format("%-20s %-24s %5s %-8s %6s %6s %5d %4d %7s %7s %7s %5s %5s %8.1f%n",
                    r.method(), r.task(), r.layer() < 0 ? "-" : r.layer(), r.site().isEmpty() ? "-" : r.site(),
                    num(r.gamma()), num(r.lambda()), r.nTrain(), r.seed(), num(r.exactMatch()), num(r.firstTokenAcc()),
                    num(r.kl()), r.activeHeads() < 0 ? "-" : r.activeHeads(), r.steps() == 0 ? "-" : r.steps(), r.seconds()));
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.3f", v);
    }
}
