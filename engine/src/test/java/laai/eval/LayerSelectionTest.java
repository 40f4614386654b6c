package laai.eval;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import laai.intervention.Example;
import laai.intervention.Optimizer;
import laai.intervention.Solver;
import laai.model.Fixtures;
import laai.model.DecoderModel;
import laai.model.Site;
import laai.model.TextTokenizer;
import laai.runtime.Djl;
import laai.tasks.Pair;
import laai.tasks.PromptTemplate;
import laai.tasks.Split;
import laai.tasks.Task;
import laai.tasks.TaskFormatException;
import laai.tasks.ValidationSplit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sweep --select}: the choice is made on validation pairs alone and is the best of them, and
 * the test pairs are read once, after it. The model tests run one selection on the demo model
 * through an encoder that records every pair reaching the model and fails on a test pair read
 * before the choice (a poisoned test split).
 */
class LayerSelectionTest {
    static { Djl.engine(); }

    // ---- the choice, on made-up validation rows ----

    private static final List<RunSpec> RUNS = new ArrayList<>();
    private static final List<ResultRow> ROWS = new ArrayList<>();

    private static void run(Method method, int layer, double gamma, double lambda, int n, long seed, int hits, int of) {
        Experiment.Settings s = Experiment.Settings.defaults(layer).withPenalty(gamma, lambda).withTrain(n).withSeed(seed);
        RunSpec spec = RunSpec.of(RUNS.size(), method, "t", s, Scorer.FV);
        double[] items = new double[of];
        for (int i = 0; i < hits; i++) items[i] = 1;
        RUNS.add(spec);
        ROWS.add(ResultRow.measured(spec.rowMethod(), "t", layer, "heads", gamma, lambda, n, seed, 0, 0, 0, "fv",
                ItemScores.ofRun(items, items, null)));
    }

    private static LayerSelection.Selected chooseAt(int n) {
        List<LayerSelection.Selected> all = LayerSelection.choose(RUNS, ROWS);
        return all.stream().filter(s -> s.nTrain() == n).findFirst().orElseThrow();
    }

    @Test
    void theBestValidationScorePooledOverSeedsWinsAndTiesGoToTheLowerLayerThenSmallerPenalties() {
        RUNS.clear();
        ROWS.clear();
        // N 4: the best at seed 0 alone (layer 1, γ 0) is not the best over both seeds (layer 1, γ 0.01).
        run(Method.ZERO_SHOT, -1, 0, 0, 4, 0, 10, 10); // baselines never compete
        run(Method.DELTA, 1, 0, 0.01, 4, 0, 6, 10);
        run(Method.DELTA, 1, 0.01, 0.01, 4, 0, 5, 10);
        run(Method.DELTA, 2, 0, 0.01, 4, 0, 3, 10);
        run(Method.DELTA, 2, 0.01, 0.01, 4, 0, 1, 10);
        run(Method.DELTA, 1, 0, 0.01, 4, 1, 2, 10);
        run(Method.DELTA, 1, 0.01, 0.01, 4, 1, 5, 10);
        run(Method.DELTA, 2, 0, 0.01, 4, 1, 4, 10);
        run(Method.DELTA, 2, 0.01, 0.01, 4, 1, 0, 10);
        // N 8, one seed: layer 2 γ 0 ties layer 1 γ 0.01 and layer 1 λ 0.02; the lower layer wins, then the smaller λ.
        run(Method.DELTA, 2, 0, 0.01, 8, 0, 7, 10);
        run(Method.DELTA, 1, 0.01, 0.02, 8, 0, 7, 10);
        run(Method.DELTA, 1, 0.01, 0.01, 8, 0, 7, 10);
        run(Method.DELTA, 3, 0, 0, 8, 0, 2, 10);

        LayerSelection.Selected four = chooseAt(4);
        assertEquals(new LayerSelection.Choice(1, 0.01, 0.01), four.choice());
        assertEquals(0.5, four.validationExactMatch(), 0);
        assertEquals(4, four.candidates());
        assertEquals(2, four.seeds());
        LayerSelection.Selected eight = chooseAt(8);
        assertEquals(new LayerSelection.Choice(1, 0.01, 0.01), eight.choice());
        assertEquals(4, eight.candidates());
        assertTrue(eight.describe().contains("layer 1, γ 0.01, λ 0.01, validation exact match 0.700 (chosen from 4 settings)"),
                eight.describe());

        // Exactly equal pooled scores from different seeds' splits (1/3 + 2/3 against 2/3 + 1/3) tie.
        RUNS.clear();
        ROWS.clear();
        run(Method.DELTA, 3, 0, 0, 4, 0, 1, 3);
        run(Method.DELTA, 2, 0, 0, 4, 0, 2, 3);
        run(Method.DELTA, 3, 0, 0, 4, 1, 2, 3);
        run(Method.DELTA, 2, 0, 0, 4, 1, 1, 3);
        assertEquals(2, chooseAt(4).choice().layer());
    }

    // ---- one selection on the demo model ----

    /**
     * Records every pair that reaches the model (as the query or as a demonstration); while armed,
     * a poisoned pair (a test pair) fails the run at once.
     */
    static final class RecordingEncoder extends PromptEncoder {
        final List<Pair> queries = new ArrayList<>();
        final List<Pair> demonstrations = new ArrayList<>();
        Set<Pair> poisoned = Set.of();
        boolean armed;

        RecordingEncoder(TextTokenizer tokenizer) {
            super(tokenizer, PromptTemplate.DEFAULT);
        }

        @Override
        public Example example(Pair pair, List<Pair> demos) {
            if (armed && (poisoned.contains(pair) || demos.stream().anyMatch(poisoned::contains))) {
                throw new AssertionError("a test pair (" + pair.input() + " or a demonstration) was read before the choice");
            }
            queries.add(pair);
            demonstrations.addAll(demos);
            return super.example(pair, demos);
        }

        void clear() {
            queries.clear();
            demonstrations.clear();
        }
    }

    private static final int N = 4, TEST = 6, VALIDATION = 8;
    private static final long SEED = 0;
    private static final int[] LAYERS = {1, 3};
    private static final double[] GAMMAS = {0, 0.01};

    private static DecoderModel model;
    private static TextTokenizer tokenizer;
    private static RecordingEncoder encoder;
    private static Experiment experiment;
    private static Task task;
    private static ValidationSplit split;
    private static LayerSelection selection;
    private static LayerSelection.Validation validation;
    private static List<Pair> readBeforeChoice, demosBeforeChoice, readByTest, demosByTest;
    private static List<ResultRow> tested;

    private static Experiment.Settings quick() {
        return new Experiment.Settings(LAYERS[0], Site.HEADS, 0.01, 0.01, N, TEST, SEED, 2,
                new Optimizer.Settings(15, 0.05, Solver.PROXIMAL, 50, 1e-4), false, false, PromptTemplate.DEFAULT);
    }

    @BeforeAll
    static void select() {
        model = DecoderModel.load(Fixtures.demoModel(), Device.cpu(), DataType.FLOAT32);
        tokenizer = TextTokenizer.load(Fixtures.demoModel());
        encoder = new RecordingEncoder(tokenizer);
        experiment = new Experiment(model, encoder, "demo");
        task = Task.resolve("antonym", Fixtures.repo().resolve("datasets"));
        split = ValidationSplit.of(task, N, TEST, VALIDATION, SEED);
        encoder.poisoned = Set.copyOf(split.test());
        encoder.armed = true;
        selection = new LayerSelection(experiment, task, quick(), LAYERS, GAMMAS, new double[] {0.01}, new int[] {N},
                new long[] {SEED}, VALIDATION, true);
        validation = selection.validate(null);
        readBeforeChoice = List.copyOf(encoder.queries);
        demosBeforeChoice = List.copyOf(encoder.demonstrations);
        encoder.clear();
        encoder.armed = false;
        tested = selection.test(null);
        readByTest = List.copyOf(encoder.queries);
        demosByTest = List.copyOf(encoder.demonstrations);
        encoder.clear();
    }

    @AfterAll
    static void close() {
        if (tokenizer != null) tokenizer.close();
        if (model != null) model.close();
    }

    @Test
    void noTestPairIsReadBeforeTheChoiceAndEachIsScoredOnceAfter() {
        Set<Pair> test = Set.copyOf(split.test());
        assertTrue(readBeforeChoice.stream().noneMatch(test::contains), "a test pair was a query before the choice");
        assertTrue(demosBeforeChoice.stream().noneMatch(test::contains), "a test pair was a demonstration before the choice");
        // What was read instead: the training pairs and the validation pairs, all of them.
        Set<Pair> read = new HashSet<>(readBeforeChoice);
        assertTrue(read.containsAll(split.validation()) && read.containsAll(split.train()), "validation and training pairs read");
        Set<Pair> allowed = new HashSet<>(split.validation());
        allowed.addAll(split.train());
        assertTrue(allowed.containsAll(read), "only training and validation pairs are read before the choice");

        assertEquals(TEST, readByTest.size(), "each test pair scored once: " + readByTest);
        assertEquals(test, Set.copyOf(readByTest));
        assertTrue(demosByTest.isEmpty(), "Δ is scored zero-shot");
        assertThrows(IllegalStateException.class, () -> selection.test(null), "the test pairs are scored once per selection");
        assertTrue(encoder.queries.isEmpty(), "a refused second test reads nothing");
    }

    @Test
    void theChoiceIsTheBestValidationScoreAndItsTestRowIsThePlainSweepsTestSplit() {
        // Per N and seed: zero-shot, few-shot, then a Δ per layer and γ, each on the validation pairs.
        assertEquals(2 + LAYERS.length * GAMMAS.length, validation.rows().size());
        assertEquals(List.of("zero-shot", "few-shot"), validation.rows().subList(0, 2).stream().map(r -> r.method().label()).toList());
        List<ResultRow> deltas = validation.rows().subList(2, validation.rows().size());
        ResultRow best = deltas.stream().max(Comparator.comparingDouble(ResultRow::exactMatch)
                .thenComparing(Comparator.comparingInt(ResultRow::layer).reversed())
                .thenComparing(Comparator.comparingDouble(ResultRow::gamma).reversed())).orElseThrow();
        String scores = deltas.stream().map(r -> "layer " + r.layer() + " γ " + r.gamma() + ": " + r.exactMatch())
                .collect(Collectors.joining("; "));
        // On the demo model layer 1 scores 1.0 and layer 3 0.25 (each γ alike): a real choice, and a tie to break.
        assertTrue(deltas.stream().mapToDouble(ResultRow::exactMatch).distinct().count() > 1,
                "the settings must score differently for this test to check a choice: " + scores);
        assertEquals(1, validation.selected().size());
        LayerSelection.Selected chosen = validation.selected().get(0);
        assertEquals(new LayerSelection.Choice(best.layer(), best.gamma(), best.lambda()), chosen.choice(), scores);
        assertEquals(best.exactMatch(), chosen.validationExactMatch(), 0, scores);
        assertEquals(LAYERS.length * GAMMAS.length, chosen.candidates());
        for (ResultRow r : validation.rows()) assertEquals(VALIDATION, r.items().exact().get(0).length, "scored on the validation pairs");

        assertEquals(1, tested.size());
        ResultRow row = tested.get(0);
        assertEquals(Method.DELTA_SELECTED, row.method());
        assertEquals(List.of(best.layer(), best.gamma(), best.lambda(), N, TEST),
                List.of(row.layer(), row.gamma(), row.lambda(), row.nTrain(), row.items().exact().get(0).length));
        // The chosen Δ on the pairs a plain sweep reports: the same score.
        RunSpec run = selection.plan().runs().stream().filter(r -> r.method() == Method.DELTA
                && r.layer() == best.layer() && r.gamma() == best.gamma()).findFirst().orElseThrow();
        Evaluator.Metrics plain = experiment.evaluateDelta(Split.of(task, N, TEST, SEED).test(),
                selection.sweep().deltas().get(run.deltaKey()), false);
        assertEquals(plain.exactMatch(), row.exactMatch(), 0);
        encoder.clear();
    }

    @Test
    void aValidationSplitTooLargeFailsBeforeTrainingAndTestBeforeValidateIsRefused() {
        Task small = new Task("small", task.pairs().subList(0, 20));
        TaskFormatException e = assertThrows(TaskFormatException.class, () -> new LayerSelection(experiment, small, quick(),
                LAYERS, GAMMAS, new double[] {0.01}, new int[] {N}, new long[] {SEED}, 15, true));
        assertEquals("task small has 20 pairs; 4 training, 6 test and 15 validation pairs need 25 (lower --validation or --test)",
                e.getMessage());
        LayerSelection fresh = new LayerSelection(experiment, small, quick(), LAYERS, GAMMAS, new double[] {0.01},
                new int[] {N}, new long[] {SEED}, 5, true);
        IllegalStateException early = assertThrows(IllegalStateException.class, () -> fresh.test(null));
        assertTrue(early.getMessage().startsWith("validate first"), early.getMessage());
    }
}
