package laai.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
 * A {@code %model load} that fails, through the real kernel: whether the folder is missing, its
 * config disagrees with its tensors (found from the headers) or a weight is NaN (found only by
 * reading the data, after the current model was freed), the session keeps its model, task and
 * results, and the user gets one message.
 */
@RequiresJupyter
@RequiresModel
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ModelLoadKernelTest {

    private static KernelSession kernel;
    private static Path tmp;

    @BeforeAll
    static void startKernelAndLoadTheModel() throws Exception {
        tmp = Files.createDirectories(JupyterTools.workDir().resolve("model-load"));
        kernel = KernelSession.start();
        ok(kernel.execute("%model load " + TestModel.path()));
        ok(kernel.execute("%task antonym --show 1"));
    }

    @AfterAll
    static void stopKernel() throws Exception {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void aCheckpointWhoseConfigDisagreesWithItsTensorsKeepsTheModel() throws Exception {
        Path copy = copyOfTheModel("wrong-config");
        String config = Files.readString(copy.resolve("config.json"));
        Files.writeString(copy.resolve("config.json"),
                config.replaceFirst("\"intermediate_size\"\\s*:\\s*\\d+", "\"intermediate_size\": 40"));
        assertLoadFailsAndTheSessionIsKept(copy, "intermediate_size|shape");
    }

    @Test
    void aCheckpointWithANonFiniteWeightKeepsTheModel() throws Exception {
        Path copy = copyOfTheModel("nan-weight");
        // All ones in the last four bytes: a NaN in F16, BF16 and F32 alike, found only by reading the data.
        try (FileChannel ch = FileChannel.open(copy.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {-1, -1, -1, -1}), ch.size() - 4);
        }
        assertLoadFailsAndTheSessionIsKept(copy, "NaN");
    }

    @Test
    void aMissingFolderKeepsTheModel() throws Exception {
        assertLoadFailsAndTheSessionIsKept(tmp.resolve("no-such-model"), "no model folder at");
    }

    private static void assertLoadFailsAndTheSessionIsKept(Path dir, String reason) throws Exception {
        String name = TestModel.path().getFileName().toString();
        CellResult cell = kernel.execute("%model load " + dir);
        assertEquals("error", cell.status(), cell.toString());
        String message = cell.traceback();
        assertTrue(message.lines().anyMatch(l -> l.matches(".*(" + reason + ").*")), message);
        assertTrue(message.contains(name + " stays loaded"), "the message says what the session still has: " + message);
        assertFalse(message.contains("\tat "), "one message, no stack trace: " + message);

        assertEquals("true", ok(kernel.execute("Laai.session().hasModel()")).plain());
        assertTrue(ok(kernel.execute("%model info")).plain().contains(name), "the next magic uses " + name);
        assertEquals(name, ok(kernel.execute("Laai.session().loaded().name()")).plain());
        assertEquals("antonym", ok(kernel.execute("Laai.session().task().name()")).plain());
        // The model still computes, on the session's task: a zero-shot evaluation.
        assertTrue(ok(kernel.execute("%baseline zero-shot --test 2")).plain().contains("zero-shot"));
    }

    private static Path copyOfTheModel(String name) throws IOException {
        Path copy = tmp.resolve(name);
        deleteTree(copy);
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(TestModel.path())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, copy.resolve(f.getFileName()));
                }
            }
        }
        return copy;
    }
}
