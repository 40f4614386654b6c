package laai.magics;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;

import laai.eval.Experiment;
import laai.eval.Finished;
import laai.eval.Method;
import laai.eval.ResultRow;
import laai.report.ResultTables;
import laai.runtime.Interrupted;
import laai.tasks.Split;
import laai.tasks.Task;
import tech.tablesaw.api.Table;

/** {@code %baseline zero-shot|few-shot}: prompting alone, on the same test split Δ is scored on. */
final class BaselineMagic extends MagicCommand {

    private static final Experiment.Settings DEFAULTS = Experiment.Settings.defaults(0);

    BaselineMagic() {
        super(Syntax.of("baseline",
                "usage: %baseline zero-shot|few-shot [--task T] [--train N] [--test M] [--seed S] [--shots K] [--scorer fv|strict]",
                String.join(System.lineSeparator(),
                        "Exact match of prompting without Δ on the test pairs of the split that %intervene",
                        "uses with the same --train, --test and --seed. few-shot draws its K demonstrations",
                        "from the N training pairs. An interrupt stops it at the next decoding step and keeps",
                        "nothing (its one row was not finished).",
                        "  --task T    task name or .json file (default: the task of the last %task)",
                        "  --train N   training pairs, the demonstration pool (default " + DEFAULTS.nTrain() + ")",
                        "  --test M    test pairs (default " + DEFAULTS.nTest() + ")",
                        "  --seed S    seed of the split (default " + DEFAULTS.seed() + ")",
                        "  --shots K   demonstrations per prompt for few-shot (default " + DEFAULTS.shots() + ")",
                        "  --scorer    fv (exact match as Function Vectors scores it, default) or strict"),
                MagicsArgs.builder().required("METHOD"), List.of("task", "train", "test", "seed", "shots", "scorer"), Set.of()));
    }

    @Override
    public Object run(Args a, Host host) {
        Session session = Laai.session();
        Method method = Method.of(a.choice("METHOD", null, List.of(Method.ZERO_SHOT.label(), Method.FEW_SHOT.label())));
        Experiment.Settings s = TrainingOptions.settings(a, 0);
        Task task = Tasks.fromArgs(a, session).requireRule("%baseline");
        Experiment experiment = TrainingOptions.experiment(a, session);
        Split split = experiment.split(task, s);
        int shots = method == Method.ZERO_SHOT ? 0 : s.shots();
        Host.Progress progress = host.progress("%baseline " + method.label() + " on " + task.name(), 1);
        progress.update(0, split.test().size() + " test pairs");
        ResultRow row;
        try {
            row = experiment.baseline(method, split, s, shots);
        } catch (Interrupted e) {
            throw InterruptedRun.keep(e, "%baseline", method.label(), new Finished(null), session, d -> method.label());
        }
        progress.finish("done");
        Table table = ResultTables.of(String.format(Locale.ROOT, "%%baseline %s on %s (%d test pairs%s)", method.label(),
                task.name(), split.test().size(), shots > 0 ? ", k = " + shots : ""), List.of(row));
        session.record(table, List.of(row));
        return table;
    }
}
