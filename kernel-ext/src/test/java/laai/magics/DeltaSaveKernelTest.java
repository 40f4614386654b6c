package laai.magics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import laai.kernel.CellResult;
import laai.kernel.JupyterTools;
import laai.kernel.KernelSession;
import laai.kernel.RequiresJupyter;
import static laai.kernel.CellResult.ok;
import static laai.kernel.CellResult.deleteTree;

/**
 * {@code %delta save} through the real kernel: it never replaces a file unless told to with
 * {@code --overwrite}, and never creates a folder a user may have mistyped. The Δs are made in a
 * Java cell, so no model is needed.
 */
@RequiresJupyter
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DeltaSaveKernelTest {

    private static KernelSession kernel;
    private static Path tmp;

    @BeforeAll
    static void startKernel() throws Exception {
        tmp = Files.createDirectories(JupyterTools.workDir().resolve("delta-save"));
        kernel = KernelSession.start();
    }

    @AfterAll
    static void stopKernel() throws Exception {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void deltaSaveRefusesToReplaceAFileUnlessAskedTo() throws Exception {
        ok(kernel.execute("Laai.session().putDelta(\"probe\", new laai.intervention.Delta(new float[] {1, 2, 3, 4}, "
                + "0, laai.model.Site.HEADS, 2, Map.of(\"task\", \"probe\")));"));
        Path file = tmp.resolve("probe.safetensors");
        Files.deleteIfExists(file);
        ok(kernel.execute("%delta save probe --file " + file));
        assertTrue(Files.isRegularFile(file));

        byte[] before = Files.readAllBytes(file);
        ok(kernel.execute("Laai.session().putDelta(\"probe\", new laai.intervention.Delta(new float[] {1, 2, 3, 4}, "
                + "0, laai.model.Site.HEADS, 2, Map.of(\"task\", \"probe\", \"note\", \"second\")));"));
        CellResult again = kernel.execute("%delta save probe --file " + file);
        assertEquals("error", again.status(), again.toString());
        assertTrue(again.traceback().contains("already exists") && again.traceback().contains("--overwrite"),
                again.traceback());
        assertArrayEquals(before, Files.readAllBytes(file), "the file is untouched");

        CellResult overwritten = ok(kernel.execute("%delta save probe --file " + file + " --overwrite"));
        assertTrue(overwritten.plain().contains("replaced"), overwritten.plain());
        assertEquals("second", ok(kernel.execute("laai.intervention.Delta.load(Path.of(\"" + file
                + "\")).metadata().get(\"note\")")).plain());
    }

    @Test
    void deltaSaveReportsAMissingFolderInsteadOfCreatingIt() throws Exception {
        ok(kernel.execute("Laai.session().putDelta(\"probe2\", new laai.intervention.Delta(new float[] {1, 2}, "
                + "0, laai.model.Site.HEADS, 1, Map.of(\"task\", \"probe2\")));"));
        Path folder = tmp.resolve("typo-folder");
        deleteTree(folder);
        CellResult cell = kernel.execute("%delta save probe2 --file " + folder.resolve("probe2.safetensors"));
        assertEquals("error", cell.status(), cell.toString());
        assertTrue(cell.traceback().contains("no folder " + folder), cell.traceback());
        assertFalse(Files.exists(folder), "the folder was not created");
    }
}
