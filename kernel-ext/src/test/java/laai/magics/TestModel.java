package laai.magics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The model the magics tests run on: the repository's demo model, else the small pretrained
 * TinyStories checkpoint that development machines keep beside the repository. Neither ships with
 * a fresh clone before the demo model lands, so tests that need one skip, saying why.
 */
final class TestModel {

    static final String MISSING = "no model for the magics tests: neither models/demo nor "
            + "../shared/models/TinyStories-656K (beside the repository) has a config.json; skipping";

    private TestModel() {
    }

    static Path repository() {
        return Path.of(System.getProperty("laai.repo", "..")).toAbsolutePath().normalize();
    }

    static Optional<Path> find() {
        Path repo = repository();
        for (Path candidate : new Path[] {repo.resolve("models/demo"),
                repo.resolve("../shared/models/TinyStories-656K").normalize()}) {
            if (Files.isRegularFile(candidate.resolve("config.json"))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static Path path() {
        return find().orElseThrow(() -> new IllegalStateException(MISSING));
    }
}
