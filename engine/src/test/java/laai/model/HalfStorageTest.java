package laai.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import laai.checkpoint.DType;
import laai.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static laai.model.Fixtures.logits;
import static laai.model.Fixtures.maxAbs;
import static laai.model.Fixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Matrices kept in FLOAT16 and widened at each use compute what the same numbers kept in FLOAT32
 * compute, in every family, whole or in blocks of rows; vectors are kept in the compute type.
 */
class HalfStorageTest {
    static { Djl.engine(); }

    private static final long[] IDS = {1, 17, 42, 5, 88, 23, 61, 9, 30, 77, 12};

    @TempDir
    Path tmp;

    @Test
    void halfStorageGivesTheLogitsOfTheSameWeightsInFloat32() {
        long saved = Linear.WIDEN_BLOCK;
        try {
            for (RandomCheckpoint random : new RandomCheckpoint[] {Fixtures.tinyLlama(), Fixtures.tinyGemma2(), Fixtures.tinyGpt2()}) {
                String family = random.config.get("model_type").toString();
                Path dir = random.write(tmp.resolve(family), DType.F16, 0);
                for (long block : new long[] {1L << 26, 1000}) { // whole matrices, then blocks of rows (the head in 7)
                    Linear.WIDEN_BLOCK = block;
                    try (DecoderModel wide = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32, DataType.FLOAT32);
                         DecoderModel half = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32, DataType.FLOAT16);
                         NDScope s = new NDScope()) {
                        assertTrue(half.streamsWeights() && !wide.streamsWeights());
                        assertEquals(DataType.FLOAT32, half.dtype());
                        float[][] expected = logits(wide, IDS, null);
                        double diff = maxAbsDiff(expected, logits(half, IDS, null));
                        assertTrue(diff <= 1e-5 * maxAbs(expected), family + " block " + block + ": differs by " + diff);
                    }
                }
            }
        } finally {
            Linear.WIDEN_BLOCK = saved;
        }
    }

    @Test
    void headInputGradientIsTheTransposedHeadProductInBlocks() {
        long saved = Linear.WIDEN_BLOCK;
        Path dir = Fixtures.tinyLlama().write(tmp.resolve("m"), DType.F16, 0);
        try (DecoderModel wide = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32, DataType.FLOAT32);
             DecoderModel half = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32, DataType.FLOAT16);
             NDScope s = new NDScope()) {
            Linear.WIDEN_BLOCK = 640; // 10 rows of 64 per block: 97 rows in 10 blocks
            NDArray d = wide.manager().randomUniform(-1, 1, new Shape(3, 97));
            float[] expected = wide.headInputGradient(d).toFloatArray();
            float[] got = half.headInputGradient(d).toFloatArray();
            assertEquals(3 * 64, got.length);
            for (int i = 0; i < got.length; i++) assertEquals(expected[i], got[i], 1e-5, "entry " + i);
            assertFalse(maxAbs(new float[][] {got}) == 0);
        } finally {
            Linear.WIDEN_BLOCK = saved;
        }
    }

    @Test
    void computeTypeKeepsHalfOnGpusAndWidensOnCpus() {
        assertEquals(DataType.FLOAT32, DecoderModel.computeType(Device.cpu(), DataType.FLOAT16));
        assertEquals(DataType.FLOAT16, DecoderModel.computeType(Device.gpu(), DataType.FLOAT16));
        assertEquals(DataType.FLOAT32, DecoderModel.computeType(Device.cpu(), DataType.FLOAT32));
    }
}
