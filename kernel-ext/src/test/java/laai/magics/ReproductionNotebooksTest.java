package laai.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
 * tagged {@code plot}, and, on the demo model, the headline margins of {@link HeadlineMargins}.
 *
 * <p>Notebooks run on {@code models/demo}; before it exists, on the TinyStories checkpoint beside
 * the repository (by rewriting the {@code MODEL} line of the cell tagged {@code parameters}, the
 * one cell a user changes too). A notebook whose {@code metadata.laai.requires} names a missing file
 * is skipped with that reason. Executed notebooks and timings land in target/notebooks.
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

        boolean onDemo = Files.isRegularFile(repo.resolve(DEMO).resolve("config.json"));
        Path input = out.resolve("input").resolve(notebook.getFileName());
        Files.createDirectories(input.getParent());
        Files.writeString(input, onDemo ? json.toString() : withModel(json, TestModel.path()).toString(),
                StandardCharsets.UTF_8);

        long t0 = System.nanoTime();
        Path executed = execute(input, out);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String timing = String.format(Locale.ROOT, "%s %.1f s on %s%n", name, seconds,
                onDemo ? DEMO : TestModel.path().getFileName());
        Files.writeString(timings, timing, java.nio.file.StandardOpenOption.APPEND);
        System.out.print("[notebooks] " + timing);

        ExecutedNotebook result = ExecutedNotebook.read(executed);
        List<String> problems = new ArrayList<>(result.problems());
        if (onDemo) {
            for (HeadlineMargins.Margin margin : HeadlineMargins.of(name)) {
                margin.check(result.tables()).ifPresent(problems::add);
            }
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

    /** The notebook with the parameters cell's MODEL pointing at {@code model}. */
    static JsonObject withModel(JsonObject notebook, Path model) {
        JsonObject copy = notebook.deepCopy();
        Optional<JsonObject> parameters = Optional.empty();
        for (JsonElement c : copy.getAsJsonArray("cells")) {
            JsonObject meta = c.getAsJsonObject().getAsJsonObject("metadata");
            if (meta != null && meta.has("tags") && meta.getAsJsonArray("tags").toString().contains("\"parameters\"")) {
                parameters = Optional.of(c.getAsJsonObject());
            }
        }
        JsonObject cell = parameters.orElseThrow(() -> new AssertionError("no cell tagged 'parameters'"));
        String source = ExecutedNotebook.text(cell.get("source"));
        String changed = source.replaceFirst("String MODEL = \"[^\"]*\";",
                java.util.regex.Matcher.quoteReplacement("String MODEL = \"" + model.toString().replace("\\", "\\\\") + "\";"));
        assertTrue(!changed.equals(source), "the parameters cell sets String MODEL = \"...\";");
        cell.addProperty("source", changed);
        return copy;
    }
}
