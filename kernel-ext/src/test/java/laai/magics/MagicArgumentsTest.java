package laai.magics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import laai.eval.Experiment;
import laai.kernel.MagicException;
import laai.kernel.MagicUsageException;
import laai.model.Site;

/** Arguments, help, {expr} expansion and error messages: everything that needs no model. */
class MagicArgumentsTest {

    private final RecordingHost host = new RecordingHost();

    @TempDir
    Path tmp;

    @Test
    void everyMagicAnswersHelpWithItsUsageAndOptions() {
        for (String name : MagicCommands.names()) {
            Object help = host.run(name + " --help");
            assertInstanceOf(String.class, help);
            assertTrue(((String) help).startsWith("usage: %" + name), (String) help);
        }
        assertTrue(((String) host.run("intervene -h")).contains("--group-lasso L"));
        assertTrue(((String) host.run("intervene --help")).contains("(default 0.01)"), "defaults come from the engine");
        assertTrue(((String) host.run("model --help")).contains("[--matmul-precision auto|highest|high|medium]"));
    }

    @Test
    void interventionOptionsBecomeEngineSettings() {
        Args a = Args.parse(new InterveneMagic().syntax(), List.of("--layer", "3", "--train", "5", "--lasso", "0",
                "--group-lasso=0.1", "--site", "residual", "--steps", "7", "--lr", "0.2", "--every-token", "--seed", "4"));
        Experiment.Settings s = TrainingOptions.settings(a, a.requiredInteger("layer"));
        assertEquals(3, s.layer());
        assertEquals(5, s.nTrain());
        assertEquals(0.0, s.lasso());
        assertEquals(0.1, s.groupLasso());
        assertEquals(Site.RESIDUAL, s.site());
        assertEquals(7, s.optimizer().steps());
        assertEquals(0.2, s.optimizer().learningRate());
        assertEquals(4, s.seed());
        assertTrue(s.everyToken());
        Experiment.Settings d = TrainingOptions.settings(Args.parse(new InterveneMagic().syntax(), List.of()), 1);
        assertEquals(Experiment.Settings.defaults(1), d, "no options: the engine's defaults");
    }

    @Test
    void listsAndRangesParse() {
        Args a = Args.parse(new SweepMagic().syntax(), List.of("--layers", "0-2,5", "--lasso", "0,0.001,0.01",
                "--train", "1,2,5", "--seeds", "0,1", "--no-baselines"));
        assertArrayEquals(new int[] {0, 1, 2, 5}, a.integers("layers", null));
        assertArrayEquals(new double[] {0, 0.001, 0.01}, a.numbers("lasso", null));
        assertArrayEquals(new long[] {0, 1}, a.longs("seeds", null));
        assertTrue(a.isSet("no-baselines"));
    }

    @Test
    void malformedArgumentsGetTheUsageAndTheProblem() {
        MagicUsageException e = assertThrows(MagicUsageException.class, () -> host.run("intervene --layer x"));
        assertTrue(e.getMessage().startsWith("usage: %intervene --task T --layer L"), e.getMessage());
        assertTrue(e.getMessage().endsWith("--layer: expected an integer, got 'x'"), e.getMessage());

        assertUsage("intervene --layer 1 --lasso -1", "--lasso: must be ≥ 0");
        assertUsage("intervene --layer 1 --bogus 3", "Unknown keyword argument 'bogus'");
        assertUsage("intervene --layer 1 --layer 2", "'layer' may only be specified once");
        assertUsage("intervene --layer 1 --site nowhere", "--site: expected heads or residual, got 'nowhere'");
        assertUsage("intervene --layer 1 --lr Infinity", "--lr: expected a finite number");
        assertUsage("model reload", "ACTION: expected load or info or unload, got 'reload'");
        assertUsage("model info extra", "%model info takes no folder or options");
        assertUsage("model load --matmul-precision fast",
                "--matmul-precision: expected auto or highest or high or medium, got 'fast'");
        assertUsage("model load --matmul-precision high --matmul-precision medium", "'matmul-precision' may only be specified once");
        assertUsage("model unload --matmul-precision high", "%model unload takes no folder or options");
        assertUsage("compose antonym", "Missing required positional arguments: [B]");
        assertUsage("compose antonym synonym --layer 1 --weights 1", "--weights: expected two numbers a,b");
        assertUsage("sweep --task antonym --layers 0-x", "--layers: expected integers");
        assertUsage("task antonym --show -1", "--show: expected K ≥ 0");
        assertUsage("delta frob x", "ACTION: expected save or load or show or list");
    }

    @Test
    void controlsCompositionAndTransferArgumentsAreCheckedBeforeAnyWork() {
        // No model is needed: each is refused before the session's model is asked for.
        Laai.session().unload();
        assertUsage("intervene --task antonym --layer 1 --controls -1", "--controls must be ≥ 0 (random directions), got -1");
        assertUsage("intervene --task opinion-dynamics --layer 1 --controls 2",
                "--controls applies to rule tasks, not to opinion-dynamics");
        assertUsage("intervene --task antonym --layer 1 --controls 2", "use --shots between 1 and 9");
        assertUsage("compose antonym synonym --layer 1 --fit-steps -1", "--fit-steps and --refine-steps must be ≥ 0");
        assertUsage("compose antonym synonym --layer 1 --refine-steps x", "--refine-steps: expected an integer");
        assertUsage("transfer --tasks antonym --layer 1", "--tasks: a transfer matrix needs at least two tasks, got [antonym]");
        assertUsage("transfer --tasks antonym,antonym --layer 1", "--tasks: a task appears twice");
        assertUsage("transfer --layer 1", "--tasks is required");
        MagicException distribution = assertThrows(MagicException.class,
                () -> host.run("transfer --tasks antonym,opinion-dynamics --layer 1"));
        assertTrue(distribution.getMessage().startsWith("%transfer takes rule tasks"), distribution.getMessage());
    }

    @Test
    void composeGoesBeyondTheSumByDefaultAsTheCommandLineDoes() {
        assertEquals(new laai.eval.Composition.Beyond(50, 20),
                ComposeMagic.beyond(Args.parse(new ComposeMagic().syntax(), List.of("A", "B", "--layer", "1"))));
        assertEquals(laai.eval.Composition.Beyond.NONE, ComposeMagic.beyond(Args.parse(new ComposeMagic().syntax(),
                List.of("A", "B", "--layer", "1", "--fit-steps", "0", "--refine-steps", "0"))));
        String help = (String) host.run("compose --help");
        assertTrue(help.contains("--fit-steps N") && help.contains("(default 50; 0: skip)"), help);
        assertTrue(((String) host.run("intervene --help")).contains("--controls R"));
        assertTrue(((String) host.run("transfer --help")).startsWith("usage: %transfer --tasks A,B"));
    }

    @Test
    void bracedExpressionsAreReplacedByTheirJavaValues() {
        host.variables.put("LAYER", 3);
        host.variables.put("TASK", "antonym");
        assertEquals(List.of("--layer", "3", "--task=antonym", "x{y z}"),
                ArgumentExpander.expand(List.of("--layer", "{LAYER}", "--task={TASK}", "x{y z}"), host));
        MagicUsageException e = assertThrows(MagicUsageException.class,
                () -> ArgumentExpander.expand(List.of("{NOPE}"), host));
        assertTrue(e.getMessage().contains("cannot evaluate {NOPE}"), e.getMessage());
    }

    @Test
    void aBrokenDatasetIsOneMessageNamingTheFileAndLine() throws Exception {
        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "[\n{\"input\": \"a\", \"output\": \"b\"},\n{\"input\": \"c\"}\n]", StandardCharsets.UTF_8);
        MagicException e = assertThrows(MagicException.class, () -> host.run("task " + broken));
        assertEquals("%task: " + broken + ":3: missing key \"output\"", e.getMessage());

        MagicException missing = assertThrows(MagicException.class, () -> host.run("task no-such-task"));
        assertTrue(missing.getMessage().contains("no task 'no-such-task'"), missing.getMessage());
        assertTrue(missing.getMessage().contains("antonym"), "lists the available tasks: " + missing.getMessage());
    }

    @Test
    void aMissingOrCorruptDeltaFileIsOneMessage() throws Exception {
        MagicException missing = assertThrows(MagicException.class,
                () -> host.run("delta load x --file " + tmp.resolve("nothing.safetensors")));
        assertTrue(missing.getMessage().startsWith("no saved Δ at "), missing.getMessage());

        Path corrupt = tmp.resolve("corrupt.safetensors");
        Files.write(corrupt, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        MagicException e = assertThrows(MagicException.class, () -> host.run("delta load " + corrupt));
        assertTrue(e.getMessage().startsWith("%delta: "), e.getMessage());
        assertTrue(e.getMessage().contains(corrupt.toString()), "names the file: " + e.getMessage());
    }

    @Test
    void withoutAModelTheMagicsSaySoInOneLine() {
        Laai.session().unload();
        MagicException e = assertThrows(MagicException.class, () -> host.run("intervene --task antonym --layer 0"));
        assertEquals("no model loaded: run %model load [DIR] first (default DIR: models/demo)", e.getMessage());
        MagicException folder = assertThrows(MagicException.class, () -> host.run("model load " + tmp.resolve("none")));
        assertTrue(folder.getMessage().startsWith("no model folder at "), folder.getMessage());
    }

    private void assertUsage(String line, String problem) {
        MagicUsageException e = assertThrows(MagicUsageException.class, () -> host.run(line), line);
        assertTrue(e.getMessage().startsWith("usage: %"), e.getMessage());
        assertTrue(e.getMessage().contains(problem), line + " → " + e.getMessage());
    }
}
