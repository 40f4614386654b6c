package laai.eval;

import laai.intervention.Delta;
import laai.runtime.Interrupted;
import laai.tasks.Split;
import laai.tasks.Task;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;

/**
 * How specific each task's Δ is: every task's Δ (trained on its own training pairs at one layer,
 * all trained together as batched Δs) evaluated on every task's test pairs. The diagonal is each
 * Δ's own exact match; a high entry off it means Δ also pushes another task's answers (or the
 * two tasks share their answers' form), a low one that it is specific.
 */
public final class Transfer {
    private final Experiment experiment;

    public Transfer(Experiment experiment) {
        this.experiment = experiment;
    }

    /** exactMatch[i][j]: the Δ of tasks[i] on the test pairs of tasks[j]. */
    public record Matrix(List<String> tasks, double[][] exactMatch, List<Delta> deltas) {
        public double get(String trainedOn, String evaluatedOn) {
            return exactMatch[tasks.indexOf(trainedOn)][tasks.indexOf(evaluatedOn)];
        }

        /** One row per Δ, one column per evaluated task. */
        public Table table() {
            Table t = Table.create("transfer: exact match of each task's Δ (rows) on each task (columns)",
                    StringColumn.create("delta_of"));
            for (String task : tasks) t.addColumns(DoubleColumn.create(task));
            for (int i = 0; i < tasks.size(); i++) {
                t.stringColumn("delta_of").append(tasks.get(i));
                for (int j = 0; j < tasks.size(); j++) t.doubleColumn(tasks.get(j)).append(exactMatch[i][j]);
            }
            return t;
        }
    }

    public Matrix run(List<Task> tasks, Experiment.Settings s, RunListener listener) {
        if (tasks.size() < 2) throw new IllegalArgumentException("a transfer matrix needs at least two tasks, got " + tasks.size());
        List<String> names = tasks.stream().map(Task::name).toList();
        if (names.stream().distinct().count() != names.size()) throw new IllegalArgumentException("a task appears twice: " + names);
        RunListener report = RunListener.orNone(listener);
        List<Split> splits = new ArrayList<>();
        List<Experiment.Job> jobs = new ArrayList<>();
        for (Task task : tasks) {
            Split split = experiment.split(task, s);
            splits.add(split);
            jobs.add(new Experiment.Job(experiment.objective(split), task.name(), s));
        }
        List<Experiment.Trained> trained = experiment.trainTogether(jobs, report, System.nanoTime());
        double[][] exact = new double[tasks.size()][tasks.size()];
        List<Delta> deltas = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            Delta delta = trained.get(i).delta();
            deltas.add(delta);
            for (int j = 0; j < tasks.size(); j++) {
                Interrupted.check("evaluation");
                exact[i][j] = experiment.evaluateDelta(splits.get(j).test(), delta, s.everyToken()).exactMatch();
            }
        }
        return new Matrix(names, exact, deltas);
    }
}
