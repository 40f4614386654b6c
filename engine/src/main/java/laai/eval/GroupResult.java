package laai.eval;

import laai.intervention.Delta;

import java.io.Serializable;
import java.util.List;

/**
 * What running one {@link RunGroup} gave: a row per run and a Δ per trained run, both in the
 * group's order. Serialisable, so that it travels back from a worker to whoever assembles the table.
 */
public record GroupResult(int group, List<ResultRow> rows, List<TrainedRun> deltas) implements Serializable {

    /** One trained Δ with its loss per step, for the files and the loss-per-step plot. */
    public record TrainedRun(int run, String key, Delta delta, List<Double> losses) implements Serializable {
        public TrainedRun {
            losses = List.copyOf(losses);
        }
    }

    public GroupResult {
        rows = List.copyOf(rows);
        deltas = List.copyOf(deltas);
    }
}
