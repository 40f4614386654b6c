package laai.spark;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import laai.eval.Experiment;
import laai.eval.PromptEncoder;
import laai.eval.ResultRow;
import laai.eval.Sweep;
import laai.intervention.Delta;
import laai.model.DecoderModel;
import laai.model.TextTokenizer;
import laai.tasks.PromptTemplate;

import java.util.List;
import java.util.Map;

/**
 * The sweep of {@link SparkSweepTest#plan} run in this process, the reference every Spark run of
 * it must match bit for bit. Run once per JVM: the test classes of this module share one JVM, and
 * the sweep is the same for each.
 */
final class InProcessReference {
    private InProcessReference() {}

    record Result(List<ResultRow> rows, Map<String, Delta> deltas) {}

    private static Result result;

    static synchronized Result get() {
        if (result == null) {
            if (SparkSweepTest.antonym == null) SparkSweepTest.task();
            try (DecoderModel m = DecoderModel.load(SparkSweepTest.DEMO, Device.cpu(), DataType.FLOAT32);
                 TextTokenizer tok = TextTokenizer.load(SparkSweepTest.DEMO)) {
                Sweep sweep = new Sweep(new Experiment(m, new PromptEncoder(tok, PromptTemplate.DEFAULT), SparkSweepTest.demo().name()));
                List<ResultRow> rows = sweep.run(SparkSweepTest.plan(SparkSweepTest.demo()), null);
                result = new Result(rows, Map.copyOf(sweep.deltas()));
            }
        }
        return result;
    }
}
