package laai.eval;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import laai.intervention.Optimizer;
import laai.intervention.Solver;
import laai.model.Fixtures;
import laai.model.DecoderModel;
import laai.model.Site;
import laai.model.TextTokenizer;
import laai.report.Plots;
import laai.report.ResultTables;
import laai.runtime.Djl;
import laai.tasks.PromptTemplate;
import laai.tasks.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompositionSweepTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    private static Experiment.Settings quick() {
        return new Experiment.Settings(1, Site.HEADS, 0.01, 0.01, 4, 6, 3, 2,
                new Optimizer.Settings(8, 0.05, Solver.PROXIMAL, 50, 1e-4), false, false, PromptTemplate.DEFAULT);
    }

    @Test
    void composedVectorIsTheWeightedSumAndIsComparedOnTheChainedTask() {
        Path dir = Fixtures.demoModel();
        Path datasets = Fixtures.repo().resolve("datasets");
        try (DecoderModel m = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32); TextTokenizer tok = TextTokenizer.load(dir)) {
            Experiment e = new Experiment(m, new PromptEncoder(tok, PromptTemplate.DEFAULT), "demo");
            Task a = Task.resolve("antonym", datasets), b = Task.resolve("english-french", datasets);
            Composition.Outcome out = new Composition(e).run(a, b, 1.0, 0.5, quick(), null);
            assertEquals(List.of("zero-shot", "delta-sum", "delta-reoptimized"), out.rows().stream().map(r -> r.method().label()).toList());
            assertTrue(out.rows().stream().allMatch(r -> r.task().equals("antonym->english-french")));
            float[] expected = new float[out.sum().size()];
            for (int i = 0; i < expected.length; i++) expected[i] = (float) (out.deltaA().values()[i] + 0.5 * out.deltaB().values()[i]);
            assertArrayEquals(expected, out.sum().values(), 1e-7f);
            Table t = ResultTables.of("composition", out.rows());
            assertEquals(3, t.rowCount());
            // Every column of a row but the scorer, which the caption names.
            assertEquals(java.util.Arrays.stream(ResultRow.COLUMNS).filter(c -> !c.equals("scorer")).toList(), t.columnNames());
            assertTrue(t.name().contains("fv"), t.name());
        }
    }

    @Test
    void sweepCoversTheGridAndWritesPlots() throws Exception {
        Path dir = Fixtures.demoModel();
        try (DecoderModel m = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32); TextTokenizer tok = TextTokenizer.load(dir)) {
            Experiment e = new Experiment(m, new PromptEncoder(tok, PromptTemplate.DEFAULT), "demo");
            Sweep sweep = new Sweep(e);
            Task task = Task.resolve("synonym", Fixtures.repo().resolve("datasets"));
            List<ResultRow> rows = sweep.run(task, quick(), new int[] {0, 1}, new double[] {0, 0.01}, new double[] {0.01},
                    new int[] {3}, new long[] {0, 1}, true, null);
            // per seed: 2 baselines + 2 layers × 2 γ
            assertEquals(2 * (2 + 4), rows.size());
            assertEquals(8, sweep.losses().size());
            Plots.save(Plots.exactMatchPerLayer(rows), tmp.resolve("layers"));
            Plots.save(Plots.lossPerStep(sweep.losses()), tmp.resolve("loss"));
            Plots.save(Plots.headNorms(sweep.deltas().values().iterator().next()), tmp.resolve("heads"));
            for (String name : List.of("layers", "loss", "heads")) {
                byte[] png = Files.readAllBytes(tmp.resolve(name + ".png"));
                assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', name + ".png");
                assertTrue(Files.readString(tmp.resolve(name + ".svg")).contains("<svg"), name + ".svg");
            }
        }
    }
}
