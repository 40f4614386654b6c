package laai.tasks;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule task files in datasets/ load strictly, and the chained file is what its command derives. */
class CommittedDatasetsTest {
    static final Path DATASETS = Path.of(System.getProperty("laai.repo", ".")).toAbsolutePath().normalize().resolve("datasets");

    @Test
    void ruleTasksLoadWithEnoughPairs() {
        for (String name : List.of("antonym", "synonym", "english-french", "english-german")) {
            assertTrue(Task.resolve(name, DATASETS).pairs().size() >= 300, name);
        }
    }

    @Test
    void theChainedFileIsAntonymThenFrench() throws Exception {
        Task chained = Task.chain(Task.resolve("antonym", DATASETS), Task.resolve("english-french", DATASETS));
        Path file = DATASETS.resolve("antonym-english-french.json");
        assertEquals(chained.toJson(), Files.readString(file),
                "datasets/antonym-english-french.json is not what `laai make-chained-dataset` writes");
        assertEquals(chained.pairs(), Task.load(file).pairs());
    }
}
