package laai.eval;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import laai.intervention.Delta;
import laai.intervention.Optimizer;
import laai.intervention.Solver;
import laai.model.Fixtures;
import laai.model.DecoderModel;
import laai.model.Site;
import laai.model.TextTokenizer;
import laai.runtime.Djl;
import laai.tasks.PromptTemplate;
import laai.tasks.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The experiment end to end: on the original Function Vectors files with TinyStories (skipped where they are absent), and on the demo model. */
class ExperimentTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    private static Experiment.Settings quick(int layer) {
        return new Experiment.Settings(layer, Site.HEADS, 0.01, 0.01, 5, 8, 7, 3,
                new Optimizer.Settings(15, 0.05, Solver.PROXIMAL, 50, 1e-4), false, false, PromptTemplate.DEFAULT);
    }

    @Test
    void runsEndToEndOnTheOriginalFunctionVectorsFilesDeterministically() {
        Path model = Fixtures.sharedModel("TinyStories-656K");
        Path fv = Fixtures.repo().resolve("../shared/datasets/function-vectors").normalize();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(fv), "skipped: ../shared/datasets/function-vectors is absent");
        try (DecoderModel m = DecoderModel.load(model, Device.cpu(), DataType.FLOAT32); TextTokenizer tok = TextTokenizer.load(model)) {
            Experiment e = new Experiment(m, new PromptEncoder(tok, PromptTemplate.DEFAULT), "TinyStories-656K");
            for (String name : List.of("english-french", "antonym")) {
                Task task = Task.load(fv.resolve(name + ".json"));   // accents and multi-word outputs
                Experiment.Outcome once = e.intervene(task, quick(1), null), again = e.intervene(task, quick(1), null);
                List<ResultRow> first = once.rows(), second = again.rows();
                assertEquals(List.of("zero-shot", "few-shot", "delta-unregularized", "delta"),
                        first.stream().map(r -> r.method().label()).toList());
                assertArrayEquals(once.delta(Method.DELTA).values(), again.delta(Method.DELTA).values(), "same seed, same Δ");
                for (int i = 0; i < first.size(); i++) {
                    ResultRow a = first.get(i), b = second.get(i);
                    assertEquals(a.exactMatch(), b.exactMatch());
                    assertEquals(a.firstTokenAcc(), b.firstTokenAcc());
                    assertEquals(a.activeHeads(), b.activeHeads());
                    assertEquals(a.steps(), b.steps());
                }
            }
            // multi-word and accented outputs go through prompt encoding and evaluation
            Task fr = Task.load(fv.resolve("english-french.json"));
            assertTrue(fr.pairs().stream().anyMatch(p -> p.output().contains(" ")));
            assertTrue(fr.pairs().stream().anyMatch(p -> p.output().contains("é")));
            Evaluator.Metrics metrics = e.evaluatePrompting(fr.pairs().stream()
                    .filter(p -> p.output().contains("é") || p.output().contains(" ")).limit(6).toList(), List.of(), 0, 0);
            assertEquals(6, metrics.n());
        }
    }

    @Test
    void deltaFilesKeepVectorAndMetadata() {
        Path model = Fixtures.demoModel();
        try (DecoderModel m = DecoderModel.load(model, Device.cpu(), DataType.FLOAT32); TextTokenizer tok = TextTokenizer.load(model)) {
            Experiment e = new Experiment(m, new PromptEncoder(tok, PromptTemplate.DEFAULT), "demo");
            Task task = Task.resolve("antonym", Fixtures.repo().resolve("datasets"));
            Experiment.Trained t = e.train(e.split(task, quick(0)), quick(0), null);
            Path file = tmp.resolve("antonym.safetensors");
            t.delta().save(file);
            Delta back = Delta.load(file);
            assertArrayEquals(t.delta().values(), back.values());
            assertEquals(0, back.layer());
            assertEquals(Site.HEADS, back.site());
            assertEquals("antonym", back.metadata().get("task"));
            assertEquals("0.01", back.metadata().get("gamma"));
            assertEquals("5", back.metadata().get("n_train"));
            assertEquals("demo", back.metadata().get("model"));
            assertEquals(t.delta().activeGroups(), back.activeGroups());
        }
    }

    @Test
    void badInputGetsAClearError() {
        Path model = Fixtures.demoModel();
        try (DecoderModel m = DecoderModel.load(model, Device.cpu(), DataType.FLOAT32); TextTokenizer tok = TextTokenizer.load(model)) {
            Experiment e = new Experiment(m, new PromptEncoder(tok, PromptTemplate.DEFAULT), "t");
            Task task = Task.resolve("antonym", Fixtures.repo().resolve("datasets"));
            String msg = assertThrows(IllegalArgumentException.class, () -> e.intervene(task, quick(5), null)).getMessage();
            assertTrue(msg.contains("layer 5 out of range 0..3"), msg);
            Task tiny = Task.parse("tiny", "tiny.json", "[{\"input\":\"a\",\"output\":\"b\"},{\"input\":\"c\",\"output\":\"d\"}]");
            msg = assertThrows(laai.tasks.TaskFormatException.class, () -> e.intervene(tiny, quick(0), null)).getMessage();
            assertTrue(msg.contains("has 2 pairs"), msg);
            // an output that is only the end of the template tokenises to nothing after the prompt
            PromptEncoder enc = new PromptEncoder(tok, new PromptTemplate("Q: {x}\nA:", "{y}", "", "\n\n"));
            msg = assertThrows(IllegalArgumentException.class,
                    () -> enc.example(new laai.tasks.Pair("hot", ""), List.of())).getMessage();
            assertTrue(msg.contains("tokenises to nothing"), msg);
        }
    }
}
