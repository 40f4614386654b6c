package laai.eval;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import laai.intervention.Optimizer;
import laai.intervention.Solver;
import laai.model.Fixtures;
import laai.model.DecoderModel;
import laai.model.Site;
import laai.model.TextTokenizer;
import laai.runtime.Djl;
import laai.tasks.DistributionTask;
import laai.tasks.PromptTemplate;
import laai.tasks.TaskFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Distribution targets (opinion dynamics): loading, and Δ lowering KL(q‖p) on a real model. */
class DistributionTaskTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    private Path write(int n) throws Exception {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < n; i++) {
            double a = 0.1 + 0.8 * ((i * 37) % 11) / 10.0;
            sb.append(String.format(Locale.ROOT,
                    "{\"input\": \"Tim has %d friends. Does he like the park?\", \"options\": [\"red\", \"blue\", \"green\"], \"target\": [%.4f, %.4f, %.4f]}%s%n",
                    i, a * 0.8, a * 0.2, 1 - a, i + 1 < n ? "," : ""));
        }
        Path f = tmp.resolve("opinion.json");
        Files.writeString(f, sb.append("]").toString());
        return f;
    }

    @Test
    void deltaLowersKlOnTinyStories() throws Exception {
        Path file = write(24);
        assertTrue(DistributionTask.isDistributionFile(file));
        DistributionTask task = DistributionTask.load(file);
        assertEquals(List.of("red", "blue", "green"), task.options());
        Path dir = Fixtures.sharedModel("TinyStories-656K");
        try (DecoderModel m = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32); TextTokenizer tok = TextTokenizer.load(dir)) {
            Experiment e = new Experiment(m, new PromptEncoder(tok, PromptTemplate.DEFAULT), "TinyStories-656K");
            Experiment.Settings s = new Experiment.Settings(1, Site.HEADS, 0.001, 0.001, 10, 10, 0, 3,
                    new Optimizer.Settings(60, 0.05, Solver.PROXIMAL, 60, 1e-4), false, false, PromptTemplate.DEFAULT);
            List<ResultRow> rows = e.interveneDistribution(task, s, null).rows();
            assertEquals(List.of("zero-shot", "few-shot", "delta-unregularized", "delta"), rows.stream().map(r -> r.method().label()).toList());
            double zero = rows.get(0).kl(), delta = rows.get(3).kl();
            assertTrue(Double.isNaN(rows.get(0).exactMatch()));
            assertTrue(delta < zero, "Δ should lower KL: zero-shot " + zero + ", Δ " + delta);
        }
    }

    @Test
    void rejectsMalformedDistributionFiles() throws Exception {
        Path f = tmp.resolve("bad.json");
        Files.writeString(f, "[{\"input\": \"q\", \"options\": [\"a\", \"b\"], \"target\": [0.5, 0.6]}]");
        assertTrue(assertThrows(TaskFormatException.class, () -> DistributionTask.load(f)).getMessage().contains("sums to"));
        Files.writeString(f, "[{\"input\": \"q\", \"options\": [\"a\", \"b\"]}]");
        assertTrue(assertThrows(TaskFormatException.class, () -> DistributionTask.load(f)).getMessage().contains("missing key \"target\""));
    }
}
