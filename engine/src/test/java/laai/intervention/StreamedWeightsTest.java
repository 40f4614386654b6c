package laai.intervention;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import laai.checkpoint.DType;
import laai.model.Fixtures;
import laai.model.DecoderModel;
import laai.model.RandomCheckpoint;
import laai.model.Site;
import laai.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With weights kept in FLOAT16 and widened a layer at a time, the fast path takes its backward
 * pass a layer at a time (each layer recomputed with gradient); its losses and gradients equal
 * those of the same weights kept in FLOAT32, for one Δ and for batched Δs, in both layouts.
 */
class StreamedWeightsTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    @Test
    void layerByLayerBackwardGivesTheGradientOfTheWholeGraph() {
        for (RandomCheckpoint random : new RandomCheckpoint[] {Fixtures.tinyLlama().set("num_hidden_layers", 3), Fixtures.tinyGemma2()}) {
            String family = random.config.get("model_type").toString();
            Path dir = random.write(tmp.resolve(family), DType.F16, 0);
            try (DecoderModel wide = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32, DataType.FLOAT32);
                 DecoderModel half = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32, DataType.FLOAT16)) {
                List<Objective> objectives = List.of(new Objective(PathsTest.answerExamples(5, 97, 1)),
                        new Objective(PathsTest.answerExamples(3, 97, 2)));
                for (Site site : Site.values()) {
                    for (int layer : new int[] {0, 2}) { // 2 is the last layer: nothing above it but the head
                        for (boolean packed : new boolean[] {true, false}) {
                            String what = family + " " + site + " layer " + layer + (packed ? " packed" : " stacked");
                            compare(wide, half, objectives.subList(0, 1), layer, site, packed, what + " one Δ");
                            compare(wide, half, objectives, layer, site, packed, what + " two Δs");
                        }
                    }
                }
                compare(wide, half, List.of(new Objective(PathsTest.distributionExamples(4, 97, 3))), 1, Site.HEADS, true, family + " KL");
            }
        }
    }

    private static void compare(DecoderModel wide, DecoderModel half, List<Objective> objectives, int layer, Site site, boolean packed,
                                String what) {
        int[] active = new int[objectives.size()];
        java.util.Arrays.setAll(active, i -> i);
        float[][] deltas = new float[objectives.size()][wide.siteSize(site)];
        java.util.SplittableRandom r = new java.util.SplittableRandom(layer * 13L + site.ordinal());
        for (float[] d : deltas) for (int i = 0; i < d.length; i++) d[i] = (float) (r.nextDouble() - 0.5);
        try (FastPath a = new FastPath(wide, objectives, layer, site, packed);
             FastPath b = new FastPath(half, objectives, layer, site, packed)) {
            BatchedDeltasTest.Step expected = BatchedDeltasTest.step(wide, a, active, deltas);
            BatchedDeltasTest.Step got = BatchedDeltasTest.step(half, b, active, deltas);
            for (int k = 0; k < active.length; k++) {
                BatchedDeltasTest.assertClose(expected, k, got, k, what + " Δ " + k);
            }
            assertTrue(expected.losses()[0] > 0);
            assertEquals(active.length, got.losses().length);
        }
    }
}
