package laai.demo;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import laai.eval.Experiment;
import laai.eval.Method;
import laai.eval.PaperTable;
import laai.eval.PromptEncoder;
import laai.eval.ResultRow;
import laai.model.DecoderModel;
import laai.model.ModelConfig;
import laai.model.TextTokenizer;
import laai.runtime.Djl;
import laai.tasks.Pair;
import laai.tasks.PromptTemplate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed demo model (models/demo): small, loads, its tokenizer is the one the builder
 * makes, it knows the relations under an instruction but a bare prompt mostly repeats the word,
 * and a Δ learned on 10 pairs switches a task on. Reads the checkpoint; never trains it.
 */
class DemoModelTest {
    static { Djl.engine(); }

    static Path dir;

    @BeforeAll
    static void find() {
        dir = DemoFixtures.repo().resolve("models/demo");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("model.safetensors")), "models/demo is absent");
    }

    @Test
    void smallLlamaWithTheBuildersTokenizer(@TempDir Path tmp) throws Exception {
        ModelConfig c = ModelConfig.load(dir);
        assertEquals("llama", c.modelType());
        assertEquals(WordTokenizer.BOS_ID, c.bosTokenId());
        long bytes = 0;
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) bytes += Files.size(f);
        }
        assertTrue(bytes <= 20L << 20, "models/demo holds " + bytes + " bytes");
        DemoFixtures.tokenizer().write(tmp);
        assertEquals(Files.readString(tmp.resolve("tokenizer.json")), Files.readString(dir.resolve("tokenizer.json")),
                "the committed tokenizer.json is not what the corpus builder makes for seed " + DemoFixtures.committedSeed());
        try (TextTokenizer t = TextTokenizer.load(dir)) {
            for (DemoRelation r : DemoRelation.values()) {
                for (Pair p : DemoFixtures.relations().pairs(r)) assertEquals(1, t.encode(" " + p.output()).length, p.output());
            }
        }
    }

    /** The committed weights are the ones its training record describes (a retrain compares against this checksum). */
    @Test
    void theCheckpointIsTheOneItsTrainingRecordNames() {
        assertEquals(DemoFixtures.committedRecord().get("model_sha256").getAsString(),
                TrainDemoModelCommand.fileChecksum(dir.resolve("model.safetensors")),
                "models/demo/model.safetensors is not the output recorded in models/demo/training.json");
    }

    @Test
    void knowsTheRelationsButABarePromptDoesNotSayWhichOne() {
        try (DecoderModel m = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32)) {
            DemoProbe probe = new DemoProbe(m, DemoFixtures.tokenizer());
            for (DemoRelation r : List.of(DemoRelation.ANTONYM, DemoRelation.SYNONYM, DemoRelation.FRENCH, DemoRelation.GERMAN)) {
                DemoProbe.Rates rates = probe.rates(r, DemoFixtures.relations().pairs(r));
                assertTrue(rates.zeroShot() <= 0.3, rates.toString());
                assertTrue(rates.instructed() >= 0.9, rates.toString());
                assertTrue(rates.zeroShotCopy() >= 0.6, rates.toString());
            }
        }
    }

    /**
     * Opinion dynamics as the corpus teaches it: a bare question is answered with the agent's current
     * opinion, and under the rule's instruction line the answer follows the noisy Hegselmann–Krause
     * distribution far more closely; this gap is what a Δ has to close. (The models today's trainer
     * gave at the old learning rate without the short opinion documents mostly failed both: the same broad
     * answer, KL 0.83, either way.)
     */
    @Test
    void answersTheBareOpinionQuestionWithTheCurrentOpinionAndFollowsTheRuleWhenInstructed() {
        try (DecoderModel m = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32)) {
            DemoProbe.OpinionRates rates = new DemoProbe(m, DemoFixtures.tokenizer()).opinion(OpinionDynamics.situations(1, 120));
            assertTrue(rates.bareCopies() >= 0.8, rates.toString());
            assertTrue(rates.instructedKl() <= rates.bareKl() / 2, rates.toString());
        }
    }

    /**
     * The demo-model issue's acceptance, on the table `bin/laai table --layers 2` prints (the same
     * PaperTable run): the margins below are the issue's; the measured values are in
     * models/demo/README.md. Regularised against unregularised Δ is reported, never asserted.
     */
    @Test
    void thePaperTableHoldsOnTheDemoModel() {
        try (DecoderModel m = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32); TextTokenizer t = TextTokenizer.load(dir)) {
            Experiment e = new Experiment(m, new PromptEncoder(t, PromptTemplate.DEFAULT), "demo");
            List<ResultRow> rows = new PaperTable(e, DemoFixtures.datasets()).run(Experiment.Settings.defaults(3),
                    LAYERS, new long[] {1, 2}, null);
            PaperTable.headlines(rows).forEach(System.out::println);
            for (String task : PaperTable.RULE_TASKS) {
                assertTrue(metric(rows, task, Method.ZERO_SHOT, ResultRow::exactMatch) <= 0.3, task + " zero-shot");
                double delta = first(rows, task, Method.DELTA).exactMatch();
                assertTrue(delta >= 0.7, task + " delta, seed 0: " + delta);
                assertTrue(metric(rows, task, Method.FEW_SHOT, ResultRow::exactMatch) >= 0, task + " few-shot reported");
                assertEquals(3, rows.stream().filter(r -> r.task().equals(task) && r.method() == Method.DELTA_UNREGULARIZED).count(),
                        task + ": the ablation over 3 seeds");
            }
            double fewShotKl = metric(rows, "opinion-dynamics", Method.FEW_SHOT, ResultRow::kl);
            double deltaKl = metric(rows, "opinion-dynamics", Method.DELTA, ResultRow::kl);
            assertTrue(deltaKl <= fewShotKl / 2, "opinion KL: delta " + deltaKl + ", few-shot " + fewShotKl);
            String chain = "antonym->english-french";
            double zero = metric(rows, chain, Method.ZERO_SHOT, ResultRow::exactMatch);
            double sum = metric(rows, chain, Method.DELTA_SUM, ResultRow::exactMatch);
            assertTrue(sum >= 2 * zero && sum > 0, "composition: delta-sum " + sum + ", zero-shot " + zero);
            assertTrue(metric(rows, chain, Method.DELTA_REOPTIMIZED, ResultRow::exactMatch) >= 0, "re-optimised reported");
        }
    }

    /**
     * The layer of antonym, synonym, english-french, english-german, opinion dynamics and
     * composition: 2 for all on the demo model, where every bar holds (per-layer results in
     * models/demo/README.md).
     */
    private static final int[] LAYERS = {2, 2, 2, 2, 2, 2};

    private static double metric(List<ResultRow> rows, String task, Method method, ToDoubleFunction<ResultRow> f) {
        return PaperTable.mean(rows, task, method, f).orElseThrow(() -> new AssertionError("no row " + method + " " + task));
    }

    private static ResultRow first(List<ResultRow> rows, String task, Method method) {
        return rows.stream().filter(r -> r.task().equals(task) && r.method() == method).findFirst().orElseThrow();
    }
}
