package laai.intervention;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.training.GradientCollector;
import laai.checkpoint.Checkpoint;
import laai.checkpoint.DType;
import laai.model.Fixtures;
import laai.model.DecoderModel;
import laai.model.ModelConfig;
import laai.model.Site;
import laai.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizerTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    private DecoderModel tiny(String name) {
        return DecoderModel.load(Fixtures.tinyLlama().write(tmp.resolve(name), DType.F32, 0), Device.cpu(), DataType.FLOAT32);
    }

    private static Optimizer.Result optimise(DecoderModel model, Penalty penalty, Solver solver, int steps, StepListener listener) {
        Objective objective = new Objective(PathsTest.answerExamples(6, 97, 3));
        try (FastPath path = new FastPath(model, objective, 1, Site.HEADS)) {
            return new Optimizer(new Optimizer.Settings(steps, 0.05, solver, 1000, 1e-4), penalty, listener)
                    .minimise(path, model.manager(), model.siteSize(Site.HEADS));
        }
    }

    @Test
    void lossFallsAndTheSameSeedGivesABitIdenticalDelta() {
        try (DecoderModel model = tiny("m")) {
            Penalty p = new Penalty(0.001, 0.001, 16);
            Optimizer.Result a = optimise(model, p, Solver.PROXIMAL, 40, null);
            Optimizer.Result b = optimise(model, p, Solver.PROXIMAL, 40, null);
            assertTrue(a.loss() < a.losses().get(0) - 0.1, "loss did not fall: " + a.losses());
            assertArrayEquals(a.delta(), b.delta());
            assertEquals(a.losses(), b.losses());
        }
    }

    @Test
    void largeGroupLassoSwitchesEveryHeadOffExactly() {
        try (DecoderModel model = tiny("m")) {
            Optimizer.Result r = optimise(model, new Penalty(0, 1000, 16), Solver.PROXIMAL, 20, null);
            assertEquals(0, r.activeGroups());
            for (float v : r.delta()) assertEquals(0f, v);
            Optimizer.Result some = optimise(model, new Penalty(0, 0.02, 16), Solver.PROXIMAL, 60, null);
            assertTrue(some.activeGroups() > 0, "a small λ should leave some heads on");
        }
    }

    @Test
    void subgradientAdamLeavesEntriesNearButNotAtZero() {
        try (DecoderModel model = tiny("m")) {
            Optimizer.Result r = optimise(model, new Penalty(0.01, 0.01, 16), Solver.SUBGRADIENT, 30, null);
            assertEquals(4, r.activeGroups(), "subgradient steps do not produce exact zeros");
        }
    }

    @Test
    void proximalMapSoftThresholdsThenShrinksGroups() {
        Penalty p = new Penalty(0.5, 1.0, 2);
        float[] u = {3f, -0.2f, 0.3f, 0.4f};
        p.prox(u, new double[] {1, 1, 1, 1});
        // entries: 3→2.5, −0.2→0; group 0 norm 2.5 → scale 1 − 1/2.5 = 0.6; group 1: 0, 0 (0.3, 0.4 below 0.5)
        assertArrayEquals(new float[] {1.5f, 0f, 0f, 0f}, u, 1e-6f);
    }

    @Test
    void nonFiniteLossStopsAndReportsTheStepKeepingTheBestDelta() {
        int[] calls = {0};
        LossPath path = new LossPath() {
            @Override
            public NDArray loss(NDArray delta) {
                calls[0]++;
                NDArray l = delta.sub(1f).square().sum();   // minimum at Δ = 1
                return calls[0] == 5 ? l.mul(Float.NaN) : l;
            }

            @Override
            public int[] shape() {
                return new int[] {1, 1};
            }

            @Override
            public void close() {}
        };
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Optimizer.Result r = new Optimizer(new Optimizer.Settings(50, 0.1, Solver.PROXIMAL, 100, 0),
                    new Penalty(0, 0, 1), null).minimise(path, m, 3);
            assertEquals(Optimizer.Stop.NON_FINITE, r.stop());
            assertTrue(r.stopReason().contains("non-finite loss") && r.stopReason().contains("step 5"), r.stopReason());
            assertEquals(4, r.bestStep());
            assertTrue(r.delta()[0] > 0.2f, "best Δ so far is kept: " + Arrays.toString(r.delta()));
        }
    }

    @Test
    void interruptStopsBetweenStepsAndReturnsTheBestDelta() throws Exception {
        try (DecoderModel model = tiny("m")) {
            Optimizer.Result[] out = new Optimizer.Result[1];
            Thread t = new Thread(() -> {
                Djl.noGradOnThisThread();
                out[0] = optimise(model, new Penalty(0, 0, 16), Solver.PROXIMAL, 500, (step, steps, loss, obj, heads) -> {
                    if (step == 7) Thread.currentThread().interrupt();
                });
            });
            t.start();
            t.join(60_000);
            assertEquals(Optimizer.Stop.INTERRUPTED, out[0].stop());
            assertTrue(out[0].stopReason().startsWith("interrupted"), out[0].stopReason());
            assertEquals(7, out[0].stepsRun());
            assertTrue(out[0].bestStep() >= 1 && out[0].bestStep() <= 7);
        }
    }

    @Test
    void manyStepsLeaveNoArraysBehind() {
        try (DecoderModel model = tiny("m")) {
            BaseNDManager manager = (BaseNDManager) model.manager();
            Objective objective = new Objective(PathsTest.answerExamples(6, 97, 3));
            try (FastPath path = new FastPath(model, objective, 0, Site.HEADS)) {
                Optimizer o = new Optimizer(new Optimizer.Settings(20, 0.05, Solver.PROXIMAL, 1000, 0), new Penalty(0.01, 0.01, 16), null);
                o.minimise(path, model.manager(), model.siteSize(Site.HEADS));
                int before = manager.getManagedArrays().size();
                o = new Optimizer(new Optimizer.Settings(300, 0.05, Solver.PROXIMAL, 1000, 0), new Penalty(0.01, 0.01, 16), null);
                o.minimise(path, model.manager(), model.siteSize(Site.HEADS));
                assertEquals(before, manager.getManagedArrays().size(), "arrays leaked over 300 steps");
            }
        }
    }

    @Test
    void fastPathGradientMatchesFiniteDifferencesInDoublePrecision() {
        Path dir = Fixtures.tinyLlama().write(tmp.resolve("m"), DType.F32, 0);
        ModelConfig config = ModelConfig.load(dir);
        try (Checkpoint c = Checkpoint.open(dir);
             NDManager m = NDManager.newBaseManager(Device.cpu());
             DecoderModel model = new DecoderModel(config, m, DataType.FLOAT64, (name, required) -> c.load(m, name, DataType.FLOAT64), null)) {
            for (List<Example> examples : List.of(PathsTest.answerExamples(4, 97, 5), PathsTest.distributionExamples(4, 97, 5))) {
                try (FastPath path = new FastPath(model, new Objective(examples), 0, Site.HEADS)) {
                    double[] v0 = new double[model.siteSize(Site.HEADS)];
                    for (int i = 0; i < v0.length; i++) v0[i] = 0.2 * Math.cos(i);
                    double[] grad;
                    try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray v = m.create(v0);
                        v.setRequiresGradient(true);
                        NDArray loss = path.loss(v);
                        gc.backward(loss);
                        grad = v.getGradient().toDoubleArray();
                    }
                    for (int i = 0; i < v0.length; i += 7) {
                        double h = 1e-5;
                        double[] plus = v0.clone(), minus = v0.clone();
                        plus[i] += h;
                        minus[i] -= h;
                        double fd;
                        try (NDScope s = new NDScope()) {
                            fd = (path.loss(m.create(plus)).getDouble() - path.loss(m.create(minus)).getDouble()) / (2 * h);
                        }
                        assertEquals(fd, grad[i], 1e-6 * Math.max(1, Math.abs(fd)), "entry " + i);
                    }
                }
            }
        }
    }
}
