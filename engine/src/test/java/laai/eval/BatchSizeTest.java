package laai.eval;

import ai.djl.ndarray.types.DataType;
import laai.model.ModelConfig;
import laai.model.ModelPreset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
    void oneDeltaEvenWhenItAloneExceedsTheBudget() {
        assertEquals(1, Experiment.batchSize(1000, 5000));
        assertEquals(3, Experiment.batchSize(3000, 1000));
        assertEquals(Experiment.MAX_BATCH, Experiment.batchSize(Long.MAX_VALUE / 2, 1));
    }
}
