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
import laai.tasks.PromptTemplate;
import laai.tasks.Split;
import laai.tasks.Task;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TransferTest {
    static { Djl.engine(); }

    @Test
    void eachDeltaOnEveryTaskWithItsOwnScoreOnTheDiagonal() {
        Path dir = Fixtures.demoModel();
        Path datasets = Fixtures.repo().resolve("datasets");
        Experiment.Settings s = new Experiment.Settings(1, Site.HEADS, 0.01, 0.01, 5, 8, 2, 3,
                new Optimizer.Settings(12, 0.05, Solver.PROXIMAL, 50, 1e-4), false, false, PromptTemplate.DEFAULT);
        try (DecoderModel m = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32); TextTokenizer tok = TextTokenizer.load(dir)) {
            Experiment e = new Experiment(m, new PromptEncoder(tok, PromptTemplate.DEFAULT), "demo");
            List<Task> tasks = List.of(Task.resolve("antonym", datasets), Task.resolve("english-french", datasets),
                    Task.resolve("synonym", datasets));
            Transfer.Matrix matrix = new Transfer(e).run(tasks, s, null);
            assertEquals(List.of("antonym", "english-french", "synonym"), matrix.tasks());
            for (int i = 0; i < tasks.size(); i++) {
                // trained alone, evaluated on its own test pairs: the diagonal
                Split own = e.split(tasks.get(i), s);
                Experiment.Trained alone = e.train(own, s, null);
                assertArrayEquals(alone.delta().values(), matrix.deltas().get(i).values(), 1e-5f);
                assertEquals(e.evaluateDelta(own.test(), matrix.deltas().get(i), false).exactMatch(), matrix.exactMatch()[i][i], 1e-12);
                // and on another task's test pairs
                int j = (i + 1) % tasks.size();
                assertEquals(e.evaluateDelta(e.split(tasks.get(j), s).test(), matrix.deltas().get(i), false).exactMatch(),
                        matrix.get(tasks.get(i).name(), tasks.get(j).name()), 1e-12);
            }
            Table t = matrix.table();
            assertEquals(3, t.rowCount());
            assertEquals(4, t.columnCount());
            assertEquals(matrix.exactMatch()[0][1], t.doubleColumn("english-french").get(0), 0);
            assertThrows(IllegalArgumentException.class, () -> new Transfer(e).run(tasks.subList(0, 1), s, null));
            assertThrows(IllegalArgumentException.class, () -> new Transfer(e).run(List.of(tasks.get(0), tasks.get(0)), s, null));
        }
    }
}
