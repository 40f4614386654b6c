package laai.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import laai.kernel.InstalledKernel;
import laai.kernel.JupyterTools;
import laai.kernel.RequiresJupyter;

/**
 * The reproduction check: executes every notebook in {@code notebooks/} with
 * {@code jupyter nbconvert --execute} (as bin/reproduce does) and checks each executed notebook:
 * no error output, a table with numbers in every cell tagged {@code table}, an image in every cell
 * tagged {@code plot}, and the demo model's headline margins of {@link HeadlineMargins}.
 *
 * <p>Notebooks run on {@code models/demo}, as committed. A notebook whose
 * {@code metadata.laai.requires} names a missing file is skipped with that reason. Executed
 * notebooks and timings land in target/notebooks.
 */
@RequiresJupyter
@RequiresModel
class ReproductionNotebooksTest {

    /** nbconvert's per-cell limit; a hung cell fails the check instead of hanging the build. */
    private static final int CELL_TIMEOUT_SECONDS = 600;
    private static final String DEMO = "models/demo";

    @TestFactory
    Stream<DynamicTest> everyNotebookExecutesWithItsTablesAndPlots() throws Exception {
        Path repo = TestModel.repository();
        List<Path> notebooks;
        try (Stream<Path> files = Files.list(repo.resolve("notebooks"))) {
            notebooks = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().collect(Collectors.toList());
        }
        assertTrue(notebooks.size() >= 5, "the reproduction notebooks: " + notebooks);
        Path out = Files.createDirectories(repo.resolve("kernel-ext/target/notebooks"));
        Path timings = out.resolve("timings.txt");
        Files.writeString(timings, "");
        return notebooks.stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(),
                () -> check(repo, nb, out, timings)));
    }

    private static void check(Path repo, Path notebook, Path out, Path timings) throws Exception {
        String name = notebook.getFileName().toString().replaceFirst("\\.ipynb$", "");
        JsonObject json = JsonParser.parseString(Files.readString(notebook, StandardCharsets.UTF_8)).getAsJsonObject();
        List<String> missing = missingRequirements(json, repo);
        Assumptions.assumeTrue(missing.isEmpty(), () -> name + " skipped: it needs " + String.join(" and ", missing));

        assertTrue(Files.isRegularFile(repo.resolve(DEMO).resolve("config.json")), "the notebooks run on " + DEMO);

        long t0 = System.nanoTime();
        Path executed = execute(notebook, out);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String timing = String.format(Locale.ROOT, "%s %.1f s%n", name, seconds);
        Files.writeString(timings, timing, java.nio.file.StandardOpenOption.APPEND);
        System.out.print("[notebooks] " + timing);

        ExecutedNotebook result = ExecutedNotebook.read(executed);
        List<String> problems = new ArrayList<>(result.problems());
        for (HeadlineMargins.Margin margin : HeadlineMargins.of(name)) {
            margin.check(result.tables()).ifPresent(problems::add);
        }
        assertEquals(List.of(), problems, name + " (executed: " + executed + ")");
    }

    private static Path execute(Path input, Path out) throws Exception {
        Path jupyterPath = InstalledKernel.jupyterPath();
        ProcessBuilder pb = new ProcessBuilder(JupyterTools.JUPYTER.toString(), "nbconvert", "--to", "notebook",
                "--execute", "--allow-errors", "--ExecutePreprocessor.timeout=" + CELL_TIMEOUT_SECONDS,
                "--ExecutePreprocessor.kernel_name=" + JupyterTools.KERNEL_NAME,
                "--output-dir", out.toString(), input.toString())
                .redirectErrorStream(true);
        JupyterTools.configure(pb.environment(), jupyterPath);
        Process process = pb.start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // --allow-errors: an error output is reported by the check, with the cell it came from.
        assertEquals(0, process.waitFor(), log);
        return out.resolve(input.getFileName());
    }

    /** The files named in metadata.laai.requires that the repository lacks. */
    static List<String> missingRequirements(JsonObject notebook, Path repo) {
        List<String> missing = new ArrayList<>();
        JsonObject laai = notebook.getAsJsonObject("metadata").getAsJsonObject("laai");
        if (laai != null && laai.has("requires")) {
            for (JsonElement r : laai.getAsJsonArray("requires")) {
                if (!Files.exists(repo.resolve(r.getAsString()))) {
                    missing.add(r.getAsString());
                }
            }
        }
        return missing;
    }
}
