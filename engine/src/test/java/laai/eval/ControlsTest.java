package laai.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import laai.intervention.Delta;
import laai.intervention.LossPath;
import laai.intervention.Optimizer;
import laai.intervention.Penalty;
import laai.intervention.Solver;
import laai.intervention.WeightFit;
import laai.model.Chunk;
import laai.model.Fixtures;
import laai.model.DecoderModel;
import laai.model.RecordActivations;
import laai.model.Site;
import laai.model.TextTokenizer;
import laai.runtime.Djl;
import laai.tasks.Pair;
import laai.tasks.PromptTemplate;
import laai.tasks.Split;
import laai.tasks.Task;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Vectors that need no optimisation, and composition beyond the sum, on the demo model. */
class ControlsTest {
    static { Djl.engine(); }

    private static Experiment.Settings quick(int steps) {
        return new Experiment.Settings(1, Site.HEADS, 0.01, 0.01, 5, 6, 3, 3,
                new Optimizer.Settings(steps, 0.05, Solver.PROXIMAL, 50, 1e-4), false, false, PromptTemplate.DEFAULT);
    }

    /** The heads output at the prompt's last token from a full forward pass through every layer. */
    private static float[] headsAtLast(DecoderModel m, long[] prompt, int layer) {
        RecordActivations record = new RecordActivations(layer, Site.HEADS);
        try (NDScope ignored = new NDScope();
             Chunk chunk = m.chunk(Chunk.contiguous(new int[] {0}, new int[] {prompt.length}), null)) {
            m.forward(m.embed(m.manager().create(prompt, new Shape(1, prompt.length)), chunk), 0, chunk, null, record);
            return record.at(0, prompt.length - 1);
        } finally {
            record.recorded().forEach(NDArray::close);
        }
    }

    @Test
    void meanDifferenceIsTheMeanOfFewShotMinusZeroShotHeadsOutputs() {
        Path dir = Fixtures.demoModel();
        try (DecoderModel m = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32); TextTokenizer tok = TextTokenizer.load(dir)) {
            PromptEncoder encoder = new PromptEncoder(tok, PromptTemplate.DEFAULT);
            Experiment e = new Experiment(m, encoder, "demo");
            Split split = e.split(Task.resolve("antonym", Fixtures.repo().resolve("datasets")), quick(5));
            Delta v = new Controls(e).meanDifference(split, quick(5));

            // By hand: each training pair with 3 demonstrations drawn from the other four, full forward passes.
            double[] sum = new double[v.size()];
            for (Pair p : split.train()) {
                List<Pair> others = split.train().stream().filter(q -> q != p).toList();
                List<Pair> demos = Experiment.demos(others, 3, split.seed()).apply(p);
                assertEquals(3, demos.size());
                assertFalse(demos.contains(p), "a pair is never its own demonstration");
                float[] few = headsAtLast(m, encoder.example(p, demos).prompt(), 1);
                float[] zero = headsAtLast(m, encoder.example(p, List.of()).prompt(), 1);
                for (int i = 0; i < sum.length; i++) sum[i] += few[i] - zero[i];
            }
            float[] expected = new float[sum.length];
            for (int i = 0; i < sum.length; i++) expected[i] = (float) (sum[i] / split.train().size());
            assertArrayEquals(expected, v.values(), 1e-6f);
            assertTrue(v.norm() > 0);
            assertEquals(1, v.layer());
            assertEquals("mean-difference", v.metadata().get("kind"));

            ResultRow row = new Controls(e).meanDifferenceRow(split, quick(5));
            assertEquals("mean-difference", row.method().label());
            assertEquals(6, split.test().size());
            assertThrows(IllegalArgumentException.class, () -> new Controls(e).meanDifference(split, quick(5).withShots(5)),
                    "5 demonstrations from the 4 other training pairs");
        }
    }

    @Test
    void randomControlKeepsDeltasNormAndActiveHeads() {
        float[] values = new float[4 * 8];
        for (int i = 8; i < 16; i++) values[i] = 0.5f;   // head 1
        for (int i = 24; i < 32; i++) values[i] = -0.25f; // head 3
        Delta delta = new Delta(values, 2, Site.HEADS, 8, Map.of("task", "t"));
        Delta r = Controls.randomControl(delta, 7);
        assertEquals(delta.norm(), r.norm(), 1e-6 * delta.norm());
        double[] norms = r.groupNorms();
        assertEquals(0, norms[0]);
        assertEquals(0, norms[2]);
        assertTrue(norms[1] > 0 && norms[3] > 0);
        assertArrayEquals(r.values(), Controls.randomControl(delta, 7).values(), "same seed, same vector");
        assertFalse(java.util.Arrays.equals(r.values(), Controls.randomControl(delta, 8).values()));
        double cosine = 0;
        for (int i = 0; i < values.length; i++) cosine += (double) values[i] * r.values()[i];
        assertTrue(Math.abs(cosine / (delta.norm() * r.norm())) < 0.99, "a direction other than Δ's");
        Delta zero = Controls.randomControl(new Delta(new float[16], 0, Site.HEADS, 8, Map.of()), 1);
        assertEquals(0, zero.norm());
    }

    @Test
    void fittedWeightsNeverLoseToThePlainSumAndRefiningStartsFromIt() {
        Path dir = Fixtures.demoModel();
        Path datasets = Fixtures.repo().resolve("datasets");
        try (DecoderModel m = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32); TextTokenizer tok = TextTokenizer.load(dir)) {
            Experiment e = new Experiment(m, new PromptEncoder(tok, PromptTemplate.DEFAULT), "demo");
            Task a = Task.resolve("antonym", datasets), b = Task.resolve("english-french", datasets);
            Composition.Outcome out = new Composition(e).run(a, b, 1, 1, quick(15), new Composition.Beyond(20, 5), null);
            assertEquals(List.of("zero-shot", "delta-sum", "delta-reoptimized", "delta-fitted", "delta-sum-refined"),
                    out.rows().stream().map(r -> r.method().label()).toList());
            assertNotNull(out.fitted());
            assertNotNull(out.refined());

            Split chained = e.split(Task.chain(a, b), quick(15));
            try (LossPath path = e.path(e.objective(chained), quick(15))) {
                WeightFit.Result fit = WeightFit.fit(path, m.manager(), out.deltaA().values(), out.deltaB().values(), 20, 0.05);
                assertTrue(fit.loss() <= fit.sumLoss(), fit + ": the fit starts at the sum and keeps the best");
                float[] combined = out.deltaA().combine(fit.alpha(), out.deltaB(), fit.beta()).values();
                try (NDScope ignored = new NDScope()) {
                    double recomputed = path.loss(m.manager().create(combined)).toType(DataType.FLOAT64, false).getDouble();
                    assertEquals(fit.loss(), recomputed, 1e-5 * Math.max(1, Math.abs(recomputed)));
                }
                assertArrayEquals(out.fitted().values(), combined, 1e-7f, "the composition's fitted vector is the fit's");

                // One step from a start evaluates the start only: it is the best, and comes back unchanged.
                Optimizer one = new Optimizer(new Optimizer.Settings(1, 0.05, Solver.PROXIMAL, 50, 1e-4),
                        new Penalty(0.01, 0.01, m.config().headDim()), null).startingAt(out.sum().values());
                assertArrayEquals(out.sum().values(), one.minimise(path, m.manager(), out.sum().size()).delta());
            }
            assertThrows(IllegalArgumentException.class, () -> new Composition.Beyond(-1, 0));
        }
    }
}
