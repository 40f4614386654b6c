package laai.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Path jupyterPath = InstalledKernel.jupyterPath();
        Path dir = Files.createDirectories(JupyterTools.workDir().resolve("notebook"));
        Path notebook = dir.resolve("kernel-test.ipynb");
        Files.writeString(notebook, notebookJson(), StandardCharsets.UTF_8);
        Path executed = dir.resolve("kernel-test.out.ipynb");
        Files.deleteIfExists(executed);

        ProcessBuilder pb = new ProcessBuilder(JupyterTools.JUPYTER.toString(), "nbconvert", "--to", "notebook",
                "--execute", "--ExecutePreprocessor.timeout=120", "--output", executed.getFileName().toString(),
                "--output-dir", dir.toString(), notebook.toString())
                .redirectErrorStream(true);
        JupyterTools.configure(pb.environment(), jupyterPath);
        Process process = pb.start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), log);

        JsonArray cells = JsonParser.parseString(Files.readString(executed, StandardCharsets.UTF_8))
                .getAsJsonObject().getAsJsonArray("cells");
        assertEquals("42", data(cells, 1, "text/plain"));
        assertTrue(data(cells, 3, "text/html").contains("<table"));
        assertTrue(data(cells, 4, "image/png").length() > 100);
        assertEquals("äö\n", joined(output(cells, 5).get("text")));
        assertTrue(joined(output(cells, 6).getAsJsonObject("data").get("text/html")).contains("value=\"2\""),
                "the executed notebook keeps the final state of the live display");
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

    private static String notebookJson() {
        JsonArray cells = new JsonArray();
        for (String source : CELLS) {
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
