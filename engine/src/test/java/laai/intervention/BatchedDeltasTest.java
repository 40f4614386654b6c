package laai.intervention;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import laai.checkpoint.DType;
import laai.model.Fixtures;
import laai.model.DecoderModel;
import laai.model.Site;
import laai.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * K Δs trained in one batched loop: each Δ's loss and gradient equal those of training it alone,
 * in both layouts, for any subset of the Δs still training, and the batched optimiser gives each
 * Δ the run it would have had alone (own Adam state, penalty, early stop, best Δ).
 */
class BatchedDeltasTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    private DecoderModel model() {
        return DecoderModel.load(Fixtures.tinyLlama().set("num_hidden_layers", 3).write(tmp.resolve("m"), DType.F32, 0),
                Device.cpu(), DataType.FLOAT32);
    }

    /** Different tasks (different samples and sizes), one repeated objective, a distribution task. */
    private static List<Objective> objectives() {
        Objective shared = new Objective(PathsTest.answerExamples(5, 97, 1));
        return List.of(shared, new Objective(PathsTest.answerExamples(3, 97, 2)), shared,
                new Objective(PathsTest.answerExamples(8, 97, 3)));
    }

    @Test
    void eachDeltaGetsTheLossAndGradientOfTrainingItAlone() {
        try (DecoderModel model = model()) {
            for (Site site : Site.values()) {
                for (int layer : new int[] {0, 2}) {
                    for (boolean packed : new boolean[] {true, false}) {
                        compare(model, objectives(), layer, site, packed, new int[] {0, 1, 2, 3});
                    }
                }
            }
            // distribution objectives batch with each other too
            List<Objective> kl = List.of(new Objective(PathsTest.distributionExamples(4, 97, 5)),
                    new Objective(PathsTest.distributionExamples(6, 97, 6)));
            compare(model, kl, 1, Site.HEADS, true, new int[] {0, 1});
        }
    }

    @Test
    void aShrinkingBatchReassemblesFromTheCachedSamples() {
        try (DecoderModel model = model()) {
            List<Objective> objectives = objectives();
            try (FastPath batched = new FastPath(model, objectives, 1, Site.HEADS, null)) {
                for (int[] active : new int[][] {{0, 1, 2, 3}, {1, 3}, {3}, {0, 2}}) {
                    float[][] deltas = randomDeltas(model, Site.HEADS, active.length, active.length);
                    Step together = step(model, batched, active, deltas);
                    for (int a = 0; a < active.length; a++) {
                        try (FastPath alone = new FastPath(model, objectives.get(active[a]), 1, Site.HEADS)) {
                            Step solo = step(model, alone, new int[] {0}, new float[][] {deltas[a]});
                            assertClose(solo, 0, together, a, "active " + java.util.Arrays.toString(active) + " Δ " + a);
                        }
                    }
                }
            }
        }
    }

    @Test
    void batchedOptimisationMatchesSeparateRuns() {
        try (DecoderModel model = model()) {
            List<Objective> objectives = objectives().subList(0, 3);
            int size = model.siteSize(Site.HEADS);
            int groupSize = model.config().headDim();
            // different penalties, and one Δ that stops early (patience 2, tolerance above any gain)
            List<Optimizer> optimizers = List.of(
                    new Optimizer(new Optimizer.Settings(8, 0.05, Solver.PROXIMAL, 100, 1e-4), new Penalty(0, 0, groupSize), null),
                    new Optimizer(new Optimizer.Settings(8, 0.05, Solver.PROXIMAL, 2, 10), new Penalty(0.01, 0.01, groupSize), null),
                    new Optimizer(new Optimizer.Settings(8, 0.05, Solver.SUBGRADIENT, 100, 1e-4), new Penalty(0.02, 0, groupSize), null));
            List<Optimizer.Result> together;
            try (FastPath path = new FastPath(model, objectives, 1, Site.HEADS)) {
                together = Optimizer.minimiseTogether(path, model.manager(), size, optimizers);
            }
            assertEquals(Optimizer.Stop.EARLY_STOP, together.get(1).stop());
            assertTrue(together.get(1).stopReason().startsWith("early stop"), together.get(1).stopReason());
            for (int k = 0; k < objectives.size(); k++) {
                Optimizer.Result alone;
                try (FastPath path = new FastPath(model, objectives.get(k), 1, Site.HEADS)) {
                    alone = optimizers.get(k).minimise(path, model.manager(), size);
                }
                Optimizer.Result t = together.get(k);
                assertEquals(alone.stop(), t.stop(), "Δ " + k);
                assertEquals(alone.stopReason(), t.stopReason(), "Δ " + k);
                assertEquals(alone.stepsRun(), t.stepsRun(), "Δ " + k);
                assertEquals(alone.bestStep(), t.bestStep(), "Δ " + k);
                assertEquals(alone.losses().size(), t.losses().size(), "Δ " + k);
                for (int s = 0; s < alone.losses().size(); s++) {
                    assertEquals(alone.losses().get(s), t.losses().get(s), 1e-5 * Math.abs(alone.losses().get(s)), "Δ " + k + " step " + s);
                }
                float[] a = alone.delta(), b = t.delta();
                for (int i = 0; i < size; i++) assertEquals(a[i], b[i], 1e-4f, "Δ " + k + " entry " + i);
            }
        }
    }

    @Test
    void oneDeltaThroughTheBatchedOptimiserIsBitIdentical() {
        // K = 1 keeps the single-Δ arithmetic exactly: determinism tests and recorded tables rely on it.
        try (DecoderModel model = model()) {
            Objective objective = objectives().get(0);
            int size = model.siteSize(Site.HEADS);
            Optimizer o = new Optimizer(new Optimizer.Settings(6, 0.05, Solver.PROXIMAL, 100, 1e-4),
                    new Penalty(0.01, 0.01, model.config().headDim()), null);
            float[] viaList, viaSingle;
            try (FastPath path = new FastPath(model, List.of(objective), 1, Site.HEADS)) {
                viaList = Optimizer.minimiseTogether(path, model.manager(), size, List.of(o)).get(0).delta();
            }
            try (FastPath path = new FastPath(model, objective, 1, Site.HEADS)) {
                viaSingle = o.minimise(path, model.manager(), size).delta();
            }
            assertArrayEquals(viaSingle, viaList);
        }
    }

    record Step(double[] losses, float[][] gradients) {}

    static Step step(DecoderModel model, LossPath path, int[] active, float[][] deltas) {
        LossGradient at = LossGradient.at(path, model.manager(), active, List.of(deltas));
        return new Step(at.losses(), at.gradients());
    }

    private static float[][] randomDeltas(DecoderModel model, Site site, int k, long seed) {
        int size = model.siteSize(site);
        SplittableRandom r = new SplittableRandom(seed);
        float[][] out = new float[k][size];
        for (float[] d : out) for (int i = 0; i < size; i++) d[i] = (float) (r.nextDouble() - 0.5);
        return out;
    }

    private static void compare(DecoderModel model, List<Objective> objectives, int layer, Site site, boolean packed, int[] active) {
        float[][] deltas = randomDeltas(model, site, active.length, layer * 7L + site.ordinal());
        try (FastPath batched = new FastPath(model, objectives, layer, site, packed)) {
            Step together = step(model, batched, active, deltas);
            for (int a = 0; a < active.length; a++) {
                try (FastPath alone = new FastPath(model, objectives.get(active[a]), layer, site, packed)) {
                    Step solo = step(model, alone, new int[] {0}, new float[][] {deltas[a]});
                    assertClose(solo, 0, together, a, site + " layer " + layer + (packed ? " packed" : " stacked") + " Δ " + a);
                }
            }
        }
    }

    static void assertClose(Step solo, int i, Step together, int j, String what) {
        assertEquals(solo.losses()[i], together.losses()[j], 1e-5 * Math.abs(solo.losses()[i]), what + " loss");
        float[] g = solo.gradients()[i], h = together.gradients()[j];
        double diff = 0, norm = 0;
        for (int e = 0; e < g.length; e++) {
            diff += Math.pow(g[e] - h[e], 2);
            norm += Math.pow(g[e], 2);
        }
        assertTrue(norm > 0, what + ": zero gradient");
        assertTrue(Math.sqrt(diff) <= 1e-5 * Math.sqrt(norm), what + ": gradient differs by " + Math.sqrt(diff / norm) + " relative");
    }
}
