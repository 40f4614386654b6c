package laai.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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

/**
 * The acceptance test of the magics, over the real Jupyter protocol (jupyter_client driving our
 * kernel): a magic and a Java cell share the session; any magic's failure is one message and the
 * model stays loaded; an interrupt stops %intervene between optimisation steps and the next cell
 * runs; a malformed argument gets the usage.
 */
@RequiresJupyter
@RequiresModel
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MagicsKernelTest {

    private static KernelSession kernel;

    @BeforeAll
    static void startKernelAndLoadTheModel() throws Exception {
        kernel = KernelSession.start();
        // The model path goes in through a Java variable and {MODEL}, as in the notebooks.
        ok(kernel.execute("String MODEL = \"" + TestModel.path().toString().replace("\\", "\\\\") + "\";"));
        CellResult load = ok(kernel.execute("%model load {MODEL}"));
        assertTrue(load.result("text/html").orElseThrow().contains("<caption>model: "), load.toString());
    }

    @AfterAll
    static void stopKernel() throws Exception {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void aJavaCellSeesTheModelAndResultsOfTheMagics() throws Exception {
        String layers = ok(kernel.execute("Laai.session().model().config().numLayers()")).plain();
        assertTrue(Integer.parseInt(layers) >= 2, layers);
        ok(kernel.execute("%task antonym --show 2"));
        assertEquals("antonym", ok(kernel.execute("Laai.session().task().name()")).plain());
        CellResult table = ok(kernel.execute("%intervene --layer 1 --steps 8 --test 3 --shots 1"));
        assertTrue(table.result("text/html").orElseThrow().contains("delta-unregularized"), table.toString());
        assertTrue(table.outputs("display_data").stream().anyMatch(d -> d.toString().contains("laai-progress")),
                "a live progress bar: " + table);
        assertEquals("4", ok(kernel.execute("Laai.session().lastTable().rowCount()")).plain());
        assertEquals("1", ok(kernel.execute("Laai.session().delta(\"antonym\").layer()")).plain());
        CellResult plot = ok(kernel.execute("%delta show antonym"));
        assertTrue(plot.result("image/png").orElseThrow().length() > 1000, "a PNG plot");
    }

    @Test
    void everyMagicFailureIsOneMessageAndTheModelStaysLoaded() throws Exception {
        Path tmp = Files.createDirectories(JupyterTools.workDir().resolve("magics-failures"));
        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "[{\"input\": \"a\", \"output\": \"b\"}, {\"input\": 3, \"output\": \"c\"}]",
                StandardCharsets.UTF_8);
        Path corrupt = tmp.resolve("corrupt.safetensors");
        Files.write(corrupt, new byte[] {(byte) 200, 0, 0, 0, 0, 0, 0, 0, '{'});
        Map<String, String> failures = new LinkedHashMap<>();
        failures.put("%task no-such-task", "no task 'no-such-task'");
        failures.put("%task " + broken, "\"input\" must be a string");
        failures.put("%delta load " + corrupt, corrupt.toString());
        failures.put("%delta load " + tmp.resolve("absent.safetensors"), "no saved Δ at");
        failures.put("%delta show nothing-here", "no Δ named 'nothing-here'");
        failures.put("%model load " + tmp.resolve("no-model"), "no model folder at");
        failures.put("%intervene --task antonym --layer 99", "layer 99 out of range");
        failures.put("%intervene --task antonym --layer 1 --lr 1e38 --steps 5 --test 2 --shots 1", "diverged");
        failures.put("%compose antonym antonym --layer 1 --steps 2 --test 500", "need");
        failures.put("%sweep --task antonym --layers 0 --train 100000", "need");
        for (Map.Entry<String, String> f : failures.entrySet()) {
            CellResult cell = kernel.execute(f.getKey());
            assertEquals("error", cell.status(), f.getKey() + " → " + cell);
            String traceback = cell.traceback();
            assertTrue(traceback.contains(f.getValue()), f.getKey() + " → " + traceback);
            assertFalse(traceback.contains("\tat ") || traceback.contains(" at laai."),
                    "one message, no stack trace: " + f.getKey() + " → " + traceback);
            assertEquals("true", ok(kernel.execute("Laai.session().hasModel()")).plain(), "after " + f.getKey());
        }
    }

    @Test
    void anInterruptStopsInterveneWithinAStepAndTheNextCellRuns() throws Exception {
        ok(kernel.execute("int beforeInterrupt = 41;"));
        // Interrupted once the progress bar shows the third step of the first training.
        CellResult cell = kernel.executeAndInterruptOn("%intervene --task antonym --layer 0 --name stopped "
                + "--steps 1000000 --patience 1000000 --test 1 --shots 1", "step ([3-9]|[0-9]{2,})/1000000", 120);
        assertEquals("error", cell.status(), cell.toString());
        assertTrue(cell.traceback().startsWith("Interrupted."), cell.traceback());
        assertFalse(cell.traceback().contains("abandoned"), "the optimiser stopped between steps: " + cell.traceback());
        double stoppedAfter = cell.stoppedAfter().orElseThrow(() -> new AssertionError("never interrupted: " + cell));
        assertTrue(stoppedAfter < 2.0, "stopped " + stoppedAfter + " s after the interrupt");
        assertEquals("42", ok(kernel.execute("beforeInterrupt + 1")).plain());
        assertEquals("true", ok(kernel.execute("Laai.session().hasModel()")).plain());
        String kept = ok(kernel.execute("Laai.session().deltas().keySet()")).plain();
        assertTrue(kept.contains("stopped-unregularized-interrupted"), "the Δ so far is kept: " + kept);
        String reason = ok(kernel.execute(
                "Laai.session().delta(\"stopped-unregularized-interrupted\").metadata().get(\"stop_reason\")")).plain();
        assertTrue(reason.startsWith("interrupted before step"), reason);
    }

    @Test
    void aMalformedArgumentGetsTheUsage() throws Exception {
        CellResult cell = kernel.execute("%intervene --task antonym --layer one");
        assertEquals("error", cell.status());
        String traceback = cell.traceback();
        assertTrue(traceback.startsWith("usage: %intervene --task T --layer L"), traceback);
        assertTrue(traceback.contains("--layer: expected an integer, got 'one'"), traceback);
        CellResult help = ok(kernel.execute("%sweep --help"));
        assertTrue(help.plain().contains("--layers"), help.toString());
    }

}
