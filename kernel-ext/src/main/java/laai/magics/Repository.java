package laai.magics;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project folder the magics work in: {@code models/demo} (the default model),
 * {@code datasets/} (tasks by name) and {@code out/deltas} (saved Δs). The kernelspec names it
 * with {@code -Dlaai.repo}; without that (a user's own JJava or IJava) it is the nearest folder
 * above the working directory that has a {@code datasets/} folder, else the working directory.
 */
public final class Repository {

    static final String PROPERTY = "laai.repo";

    private final Path root;

    Repository(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    static Repository current() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return new Repository(Path.of(configured));
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("datasets"))) {
                return new Repository(p);
            }
        }
        return new Repository(cwd);
    }

    public Path root() {
        return root;
    }

    public Path datasets() {
        return root.resolve("datasets");
    }

    public Path defaultModel() {
        return root.resolve("models").resolve("demo");
    }

    public Path deltas() {
        return root.resolve("out").resolve("deltas");
    }

    /**
     * A path as a user wrote it. A relative path means the repository's file (so
     * {@code models/demo} works from a notebook in {@code notebooks/}), unless only the working
     * directory has it; when neither has it, the repository's path, for the error message.
     */
    public Path resolve(String path) {
        Path p = Path.of(path);
        if (p.isAbsolute()) {
            return p.normalize();
        }
        Path inRepository = root.resolve(p).normalize();
        Path inWorkingDirectory = p.toAbsolutePath().normalize();
        return !Files.exists(inRepository) && Files.exists(inWorkingDirectory) ? inWorkingDirectory : inRepository;
    }
}
