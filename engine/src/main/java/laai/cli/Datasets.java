package laai.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project's task files are: datasets/ of the repository (bin/laai sets laai.repo). */
public final class Datasets {
    private Datasets() {}

    public static Path dir() {
        String repo = System.getProperty("laai.repo");
        Path dir = repo != null ? Path.of(repo, "datasets") : Path.of("datasets");
        return Files.isDirectory(dir) ? dir : Path.of("datasets");
    }

    /** The file a task argument names: a path, or datasets/NAME.json. */
    public static Path file(String nameOrFile) {
        Path p = Path.of(nameOrFile);
        return Files.isRegularFile(p) ? p : dir().resolve(nameOrFile + ".json");
    }
}
