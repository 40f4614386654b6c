package laai.magics;

import java.nio.file.Path;

import laai.tasks.DistributionTask;
import laai.tasks.Task;

/**
 * A task as a magic names it: a name under datasets/, or a .json file (repository-relative
 * first). A file whose objects carry a "target" is a distribution task.
 */
final class Tasks {

    private Tasks() {
    }

    static SessionTask resolve(String nameOrFile, Repository repository) {
        boolean named = !nameOrFile.endsWith(".json") && !nameOrFile.contains("/");
        Path file = named ? repository.datasets().resolve(nameOrFile + ".json") : repository.resolve(nameOrFile);
        if (DistributionTask.isDistributionFile(file)) {
            return new SessionTask(null, DistributionTask.load(file));
        }
        // Task.resolve words the errors (no such task, the available names, a malformed line).
        return new SessionTask(Task.resolve(named ? nameOrFile : file.toString(), repository.datasets()), null);
    }

    /** {@code --task} if given, else the session's current task. */
    static SessionTask fromArgs(Args a, Session session) {
        return a.has("task") ? resolve(a.string("task", null), session.repository()) : session.task();
    }
}
