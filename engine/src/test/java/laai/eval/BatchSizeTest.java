package laai.eval;

import ai.djl.ndarray.types.DataType;
import laai.model.ModelConfig;
import laai.model.ModelPreset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How many Δs train together, from the shapes of the paper's models (no weights needed). */
class BatchSizeTest {
    @TempDir
    Path tmp;

    private ModelConfig config(ModelPreset preset) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(preset.id()));
        Files.writeString(dir.resolve("config.json"), preset.config().toString());
        return ModelConfig.load(dir);
    }

    /** 10 zero-shot samples of two changed positions each: the rule tasks' Δs on the demo tokenizer. */
    private static final long POSITIONS = 20;

    @Test
    void gemmaTwoBillionKeepsItsStepWithinFifteenPercentOfItsWeights() throws IOException {
        ModelConfig gemma = config(ModelPreset.GEMMA_2_2B);
        long budget = Experiment.stepBudget(gemma, DataType.FLOAT32);
        long perDelta = Experiment.stepBytes(gemma, DataType.FLOAT32, false, POSITIONS, 3);
        // 22 layers above ℓ = 3, each 6 × 9216 + 24 × 2304 floats a position, and 2 × 256,000 in the head
        assertEquals(POSITIONS * (22L * (6 * 9216 + 24 * 2304) + 2L * 256_000) * 4, perDelta);
        assertEquals(6, Experiment.batchSize(budget, perDelta), "8 Δs held 1.9 GB above Gemma's 10.5 GB of weights");
        assertTrue(6 * perDelta <= budget && budget < 7 * perDelta);
    }

    @Test
    void smallerModelsKeepEightAndStreamedWeightsNeedLittle() throws IOException {
        ModelConfig llama1b = config(ModelPreset.LLAMA_3_2_1B);
        assertEquals(1L << 30, Experiment.stepBudget(llama1b, DataType.FLOAT32), "at least 1 GB");
        assertEquals(Experiment.MAX_BATCH, Experiment.batchSize(Experiment.stepBudget(llama1b, DataType.FLOAT32),
                Experiment.stepBytes(llama1b, DataType.FLOAT32, false, POSITIONS, 2)));
        ModelConfig llama8b = config(ModelPreset.LLAMA_3_8B);
        long streamed = Experiment.stepBytes(llama8b, DataType.FLOAT32, true, POSITIONS, 4);
        assertTrue(streamed < Experiment.stepBytes(llama8b, DataType.FLOAT32, false, POSITIONS, 4) / 10);
        assertEquals(Experiment.MAX_BATCH, Experiment.batchSize(Experiment.stepBudget(llama8b, DataType.FLOAT16), streamed));
    }

    @Test
    void evaluationBatchesKeepLongPromptsWithinTheBudgetAndShortOnesWhole() throws IOException {
        ModelConfig gemma = config(ModelPreset.GEMMA_2_2B);
        long budget = Evaluator.budget(gemma, DataType.FLOAT32);
        assertEquals(Experiment.stepBudget(gemma, DataType.FLOAT32) / 2, budget);
        long perPosition = Evaluator.bytesPerPosition(gemma, DataType.FLOAT32), perKey = Evaluator.bytesPerKey(gemma, DataType.FLOAT32);
        assertEquals((6L * 9216 + 16 * 2304 + 2L * 26 * 1024) * 4, perPosition);
        // 10-shot rule prompts (about 100 positions): 13 a batch
        int[] rule = new int[50];
        java.util.Arrays.fill(rule, 100);
        assertEquals(List.of(13, 13, 13, 11), sizes(Evaluator.batches(rule, 16, budget, perPosition, perKey)));
        // 10-shot opinion prompts (528 positions): 2 a batch, where 4 peaked 4.5 MB under the limit
        int[] opinion = new int[5];
        java.util.Arrays.fill(opinion, 528);
        List<int[]> batches = Evaluator.batches(opinion, 16, budget, perPosition, perKey);
        assertEquals(List.of(2, 2, 1), sizes(batches));
        for (int[] b : batches) assertTrue((long) (b[1] - b[0]) * 528 * (perPosition + perKey * 528) <= budget);
        // a single prompt over the budget still runs, alone
        assertEquals(List.of(1, 1), sizes(Evaluator.batches(new int[] {100_000, 5}, 16, budget, perPosition, perKey)));
        // the ranges cover every prompt once, in order
        int[] mixed = {5, 900, 7, 7, 800, 3};
        int next = 0;
        for (int[] b : Evaluator.batches(mixed, 4, budget, perPosition, perKey)) {
            assertEquals(next, b[0]);
            next = b[1];
        }
        assertEquals(mixed.length, next);
    }

    private static List<Integer> sizes(List<int[]> ranges) {
        return ranges.stream().map(r -> r[1] - r[0]).toList();
    }

    @Test
    void oneDeltaEvenWhenItAloneExceedsTheBudget() {
        assertEquals(1, Experiment.batchSize(1000, 5000));
        assertEquals(3, Experiment.batchSize(3000, 1000));
        assertEquals(Experiment.MAX_BATCH, Experiment.batchSize(Long.MAX_VALUE / 2, 1));
    }
}
