package laai.magics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.Locale;

import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;

import laai.eval.Experiment;
import laai.eval.StepsPassedOn;
import laai.eval.Finished;
import laai.eval.Transfer;
import laai.runtime.Interrupted;
import laai.tasks.Task;
import tech.tablesaw.api.Table;

/**
 * {@code %transfer --tasks a,b,c --layer L}: how specific each task's Δ is. Every task's Δ is
 * trained on its own training pairs (all together, as batched Δs) and evaluated on every task's
 * test pairs ({@link Transfer}); the table is the matrix of exact matches, one row per Δ, one
 * column per task evaluated, so that the diagonal is each Δ on its own task.
 */
final class TransferMagic extends MagicCommand {

    TransferMagic() {
        super(TrainingOptions.syntax("transfer",
                String.join(System.lineSeparator(),
                        "usage: %transfer --tasks A,B[,...] --layer L [--train N] [--test M] [--lasso G] [--group-lasso L]",
                        "                 [--seed S] [--scorer fv|strict] [--steps K] ..."),
                String.join(System.lineSeparator(),
                        "Learns one Δ per task at layer L on N training pairs of that task, and evaluates each Δ on",
                        "every task's test pairs: the matrix of exact matches (rows: the task whose Δ it is; columns:",
                        "the task evaluated). The diagonal is each Δ on its own task; a high entry off it means the",
                        "Δ also moves another task's answers. Returns the table (also Laai.session().lastTable());",
                        "keeps each Δ under its task's name, as %compose does. An interrupt stops it at the next",
                        "step or batch; it keeps the Δs trained (fully or up to the interrupt) as TASK-interrupted.",
                        "  --tasks A,B,...  two or more rule tasks, names or .json files",
                        "  --layer L        layer, counted from 0"),
                MagicsArgs.builder(), false, List.of("tasks", "layer"), Set.of()));
    }

    @Override
    public Object run(Args a, Host host) {
        Session session = Laai.session();
        List<String> names = Arrays.stream(a.required("tasks").split(",")).map(String::strip)
                .filter(t -> !t.isEmpty()).toList();
        if (names.size() < 2) {
            throw a.problem("--tasks: a transfer matrix needs at least two tasks, got " + names);
        }
        int layer = a.requiredInteger("layer");
        Experiment.Settings s = TrainingOptions.settings(a, layer);
        List<Task> tasks = new ArrayList<>();
        for (String name : names) {
            tasks.add(Tasks.resolve(name, session.repository()).requireRule("%transfer"));
        }
        if (tasks.stream().map(Task::name).distinct().count() != tasks.size()) {
            throw a.problem("--tasks: a task appears twice: " + names);
        }
        Experiment experiment = TrainingOptions.experiment(a, session);
        experiment.checkLayer(layer);

        List<TrainingProgress.Run> runs = new ArrayList<>();
        for (Task t : tasks) runs.add(new TrainingProgress.Run("Δ (" + t.name() + ")", s.optimizer().steps()));
        TrainingProgress progress = new TrainingProgress(host, "%transfer, layer " + layer, runs,
                InterveneMagic.heads(experiment, s));
        String title = String.format(Locale.ROOT,
                "%%transfer at layer %d (N = %d, %s): exact match of each task's Δ (rows) on each task (columns)",
                layer, s.nTrain(), experiment.scorer().label());
        Finished finished = new Finished(new Evaluating(progress, tasks.size()));
        Transfer.Matrix matrix;
        try {
            matrix = new Transfer(experiment).run(tasks, s, finished);
        } catch (Interrupted e) {
            throw InterruptedRun.keep(e, "%transfer", title, finished, session, d -> d.job().task());
        }
        for (int i = 0; i < tasks.size(); i++) {
            TrainingChecks.checkDelta(matrix.deltas().get(i), "Δ (" + tasks.get(i).name() + ")", s);
        }
        progress.finish("done");

        Table table = matrix.table().setName(title);
        for (int i = 0; i < tasks.size(); i++) {
            session.putDelta(tasks.get(i).name(), matrix.deltas().get(i));
        }
        session.record(table, List.of());
        return table;
    }

    /** Says, once every Δ is trained, that the n × n evaluations follow; passes steps on to the bar. */
    private static final class Evaluating extends StepsPassedOn {
        private final TrainingProgress progress;
        private final int tasks;
        private int trained;

        Evaluating(TrainingProgress progress, int tasks) {
            super(progress);
            this.progress = progress;
            this.tasks = tasks;
        }

        @Override
        public void deltaTrained(Experiment.Job job, Experiment.Trained result) {
            if (++trained == tasks) {
                progress.note("evaluating each of the " + tasks + " Δs on every task's test pairs (" + tasks * tasks
                        + " evaluations)");
            }
        }
    }
}
