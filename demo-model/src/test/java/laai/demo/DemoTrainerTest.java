package laai.demo;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import laai.checkpoint.DType;
import laai.model.DecoderModel;
import laai.model.ModelConfig;
import laai.model.TextTokenizer;
import laai.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A short seeded training run of a tiny model on the demo corpus: the loss falls, and the folder loads back. */
class DemoTrainerTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    private static DemoTrainer.Settings tiny(int steps) {
        return new DemoTrainer.Settings(32, 2, 2, 1, 64, steps, 1e-2, 5, 0.1, 0.0, 1.0, 768, 5, 5);
    }

    private static DemoTrainer.Result run(DemoTrainer trainer) {
        return trainer.train(new DemoCorpus(DemoFixtures.relations(), DemoCorpus.Settings.defaults(), 5), 0);
    }

    @Test
    void lossFallsAndTheCheckpointLoads() throws Exception {
        WordTokenizer tokenizer = DemoFixtures.tokenizer();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DemoTrainer trainer = new DemoTrainer(tiny(40), tokenizer, new PrintStream(log, true, StandardCharsets.UTF_8));
        DemoTrainer.Result r = run(trainer);
        assertEquals(40, r.steps());
        List<double[]> points = r.log();
        double first = points.get(0)[1], last = points.get(points.size() - 1)[1];
        assertTrue(first > Math.log(tokenizer.size()) - 1.5, "starts near uniform: " + first);
        assertTrue(last < first - 1.5, "loss " + first + " -> " + last + "\n" + log);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("loss"));

        Path dir = tmp.resolve("tiny");
        trainer.save(dir, DType.F32, Map.of("test", "1"));
        int[] expected = new DemoProbe(trainer.model(), tokenizer).next(List.of("Q: hot\nA:", "opposites:\nQ: big\nA:"));
        trainer.close();
        ModelConfig config = ModelConfig.load(dir);
        assertEquals("llama", config.modelType());
        assertEquals(tokenizer.size(), config.vocabSize());
        assertEquals(1, config.numKvHeads());
        try (DecoderModel m = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32); TextTokenizer t = TextTokenizer.load(dir)) {
            assertEquals(WordTokenizer.BOS_ID, t.bos());
            assertArrayEquals(expected, new DemoProbe(m, tokenizer).next(List.of("Q: hot\nA:", "opposites:\nQ: big\nA:")));
        }
    }

    @Test
    void seededRunsRepeat() {
        WordTokenizer tokenizer = DemoFixtures.tokenizer();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        DemoTrainer a = new DemoTrainer(tiny(10), tokenizer, quiet), b = new DemoTrainer(tiny(10), tokenizer, quiet);
        DemoTrainer.Result ra = run(a), rb = run(b);
        a.close();
        b.close();
        for (int i = 0; i < ra.log().size(); i++) assertEquals(ra.log().get(i)[1], rb.log().get(i)[1], 1e-4);
    }

    @Test
    void schedule() {
        DemoTrainer.Settings s = new DemoTrainer.Settings(32, 2, 2, 2, 64, 100, 1e-3, 10, 0.1, 0.1, 1.0, 512, 1, 10);
        DemoTrainer t = new DemoTrainer(s, DemoFixtures.tokenizer(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(1e-4, t.learningRate(1), 1e-12);
        assertEquals(1e-3, t.learningRate(10), 1e-12);
        assertEquals(1e-4, t.learningRate(100), 1e-12);
        assertTrue(t.learningRate(50) < 1e-3 && t.learningRate(50) > 1e-4);
        t.close();
    }
}
