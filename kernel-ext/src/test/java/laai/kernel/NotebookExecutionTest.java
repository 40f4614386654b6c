package laai.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** A whole notebook through {@code jupyter nbconvert --execute}, as CI would run one. */
@RequiresJupyter
class NotebookExecutionTest {

    private static final List<String> CELLS = List.of(
            "int base = 21;",
            "base * 2",
            "%counter --by 5",
            "%table 3",
            "%%chart Demo\n1 2 3",
            "System.out.println(\"äö\");",
            "ProgressBar bar = ProgressBar.show(\"notebook\", 2);\nbar.step();\nbar.step();");

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void notebookExecutesWithNbconvert() throws Exception {
        JsonArray cells = execute("kernel-test", CELLS);
        assertEquals("42", data(cells, 1, "text/plain"));
        assertTrue(data(cells, 3, "text/html").contains("<table"));
        assertTrue(data(cells, 4, "image/png").length() > 100);
        assertEquals("äö\n", joined(output(cells, 5).get("text")));
        assertTrue(joined(output(cells, 6).getAsJsonObject("data").get("text/html")).contains("value=\"2\""),
                "the executed notebook keeps the final state of the live display");
    }

    /**
     * 100,000 lines of 100 bytes through nbclient: every byte arrives, in order, and the cell (from
     * the client's busy to its idle, as nbclient records them) takes under 10 s.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aHundredThousandLinesArriveWholeThroughNbclient() throws Exception {
        JsonArray cells = execute("flood-test", List.of(KernelOutputTest.FLOOD, "1 + 1"));
        StringBuilder stdout = new StringBuilder();
        for (var o : cells.get(0).getAsJsonObject().getAsJsonArray("outputs")) {
            JsonObject out = o.getAsJsonObject();
            assertEquals("stream", out.get("output_type").getAsString(), out.toString());
            assertEquals("stdout", out.get("name").getAsString());
            stdout.append(joined(out.get("text")));
        }
        String expected = KernelOutputTest.expectedFlood();
        assertEquals(expected.length(), stdout.length(), "bytes received");
        assertTrue(expected.contentEquals(stdout), "every line whole and in order");
        assertEquals("2", data(cells, 1, "text/plain"));

        JsonObject timing = cells.get(0).getAsJsonObject().getAsJsonObject("metadata").getAsJsonObject("execution");
        Duration cell = Duration.between(Instant.parse(timing.get("iopub.status.busy").getAsString()),
                Instant.parse(timing.get("iopub.status.idle").getAsString()));
        System.out.println("NotebookExecutionTest: 100,000 lines in " + cell.toMillis() + " ms (busy to idle)");
        assertTrue(cell.compareTo(Duration.ofSeconds(10)) < 0, "took " + cell);
    }

    /** Executes the cells as a notebook with {@code jupyter nbconvert --execute}; returns its cells. */
    private static JsonArray execute(String name, List<String> sources) throws Exception {
        Path jupyterPath = InstalledKernel.jupyterPath();
        Path dir = Files.createDirectories(JupyterTools.workDir().resolve("notebook"));
        Path notebook = dir.resolve(name + ".ipynb");
        Files.writeString(notebook, notebookJson(sources), StandardCharsets.UTF_8);
        Path executed = dir.resolve(name + ".out.ipynb");
        Files.deleteIfExists(executed);

        ProcessBuilder pb = new ProcessBuilder(JupyterTools.JUPYTER.toString(), "nbconvert", "--to", "notebook",
                "--execute", "--ExecutePreprocessor.timeout=120", "--output", executed.getFileName().toString(),
                "--output-dir", dir.toString(), notebook.toString())
                .redirectErrorStream(true);
        JupyterTools.configure(pb.environment(), jupyterPath);
        Process process = pb.start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), log);
        return JsonParser.parseString(Files.readString(executed, StandardCharsets.UTF_8))
                .getAsJsonObject().getAsJsonArray("cells");
    }

    private static JsonObject output(JsonArray cells, int cell) {
        JsonArray outputs = cells.get(cell).getAsJsonObject().getAsJsonArray("outputs");
        assertEquals(1, outputs.size(), "cell " + cell + ": " + outputs);
        return outputs.get(0).getAsJsonObject();
    }

    private static String data(JsonArray cells, int cell, String mime) {
        return joined(output(cells, cell).getAsJsonObject("data").get(mime));
    }

    /** nbformat stores multi-line strings either as a string or as a list of lines. */
    private static String joined(com.google.gson.JsonElement e) {
        if (e.isJsonArray()) {
            StringBuilder s = new StringBuilder();
            e.getAsJsonArray().forEach(part -> s.append(part.getAsString()));
            return s.toString();
        }
        return e.getAsString();
    }

    private static String notebookJson(List<String> sources) {
        JsonArray cells = new JsonArray();
        for (String source : sources) {
            JsonObject cell = new JsonObject();
            cell.addProperty("cell_type", "code");
            cell.add("execution_count", null);
            cell.add("metadata", new JsonObject());
            cell.add("outputs", new JsonArray());
            cell.addProperty("source", source);
            cells.add(cell);
        }
        JsonObject kernelspec = new JsonObject();
        kernelspec.addProperty("name", JupyterTools.KERNEL_NAME);
        kernelspec.addProperty("display_name", "Java (laai test)");
        kernelspec.addProperty("language", "java");
        JsonObject language = new JsonObject();
        language.addProperty("name", "java");
        JsonObject metadata = new JsonObject();
        metadata.add("kernelspec", kernelspec);
        metadata.add("language_info", language);

        JsonObject notebook = new JsonObject();
        notebook.add("cells", cells);
        notebook.add("metadata", metadata);
        notebook.addProperty("nbformat", 4);
        notebook.addProperty("nbformat_minor", 5);
        return notebook.toString();
    }
}
