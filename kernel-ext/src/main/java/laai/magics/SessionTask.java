package laai.magics;

import java.util.Locale;

import laai.kernel.MagicException;
import laai.tasks.DistributionTask;
import laai.tasks.Pair;
import laai.tasks.Task;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A task as the session holds it: a rule task (input → output pairs, scored by exact match) or a
 * distribution task (opinion dynamics: a target distribution over answer options, scored by KL).
 */
public record SessionTask(Task rule, DistributionTask distribution) {

    public SessionTask {
        if ((rule == null) == (distribution == null)) {
            throw new IllegalArgumentException("exactly one of a rule task and a distribution task");
        }
    }

    public String name() {
        return rule != null ? rule.name() : distribution.name();
    }

    public int size() {
        return rule != null ? rule.size() : distribution.size();
    }

    public boolean isDistribution() {
        return distribution != null;
    }

    /** The rule task, or a clear error for magics that need one (composition, sweeps, exact match). */
    public Task requireRule(String magic) {
        if (rule == null) {
            throw new MagicException(magic + " takes rule tasks (input → output pairs); " + name()
                    + " is a distribution task, which %intervene handles");
        }
        return rule;
    }

    /** The first {@code rows} examples as a table. */
    Table preview(int rows) {
        StringColumn input = StringColumn.create("input");
        StringColumn output = StringColumn.create(rule != null ? "output" : "target");
        if (rule != null) {
            for (Pair p : rule.pairs().subList(0, Math.min(rows, rule.size()))) {
                input.append(p.input());
                output.append(p.output());
            }
        } else {
            for (DistributionTask.Item item : distribution.items().subList(0, Math.min(rows, distribution.size()))) {
                input.append(item.input());
                output.append(distributionText(item));
            }
        }
        String what = rule != null ? " pairs" : " items over " + distribution.options();
        return Table.create(name() + ": " + size() + what, input, output);
    }

    private static String distributionText(DistributionTask.Item item) {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < item.target().length; k++) {
            s.append(k == 0 ? "" : ", ").append(item.options().get(k)).append(' ')
                    .append(String.format(Locale.ROOT, "%.2f", item.target()[k]));
        }
        return s.toString();
    }
}
