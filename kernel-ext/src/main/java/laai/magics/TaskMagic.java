package laai.magics;

import java.util.List;
import java.util.Set;

import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;


/** {@code %task NAME|FILE [--show K]}: loads a task and makes it the session's current one. */
final class TaskMagic extends MagicCommand {

    private static final int DEFAULT_SHOWN = 5;

    TaskMagic() {
        super(Syntax.of("task",
                "usage: %task NAME|FILE [--show K]",
                String.join(System.lineSeparator(),
                        "Loads a task and makes it the session's current task: later magics use it when they get",
                        "no --task. A rule task is a JSON array of {\"input\", \"output\"} objects; a distribution",
                        "task (opinion dynamics) of {\"input\", \"options\": [K], \"target\": [K probabilities]}.",
                        "  NAME|FILE   a name under datasets/ (antonym, synonym, english-french, english-german,",
                        "              opinion-dynamics) or a .json file",
                        "  --show K    show the first K pairs (default " + DEFAULT_SHOWN + ")"),
                MagicsArgs.builder().required("NAME"), List.of("show"), Set.of()));
    }

    @Override
    public Object run(Args a, Host host) {
        int shown = a.integer("show", DEFAULT_SHOWN);
        if (shown < 0) {
            throw a.problem("--show: expected K ≥ 0, got " + shown);
        }
        Session session = Laai.session();
        SessionTask task = Tasks.resolve(a.required("NAME"), session.repository());
        session.task(task);
        return task.preview(shown);
    }
}
