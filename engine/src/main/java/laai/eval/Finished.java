package laai.eval;

import java.util.ArrayList;
import java.util.List;

import laai.intervention.Delta;

/**
 * What a run has finished so far, in the order it finished: Δs trained and result rows. Pass it
 * as the run's listener; when the run is interrupted, its caller reads here what to print, save
 * or keep. Everything else is passed on to {@code next} (a progress display).
 */
public final class Finished extends StepsPassedOn {

    /** A Δ trained for {@code job}; {@link #complete()} says whether its training ran to its end. */
    public record TrainedDelta(Experiment.Job job, Experiment.Trained trained) {
        public Delta delta() {
            return trained.delta();
        }

        /** False when the interrupt cut its training short (it is then the best Δ seen until then). */
        public boolean complete() {
            return trained.result().stop() != laai.intervention.Optimizer.Stop.INTERRUPTED;
        }
    }

    private final RunListener next;
    private final List<TrainedDelta> deltas = new ArrayList<>();
    private final List<ResultRow> rows = new ArrayList<>();

    public Finished(RunListener next) {
        super(next);
        this.next = RunListener.orNone(next);
    }

    @Override
    public void deltaTrained(Experiment.Job job, Experiment.Trained trained) {
        deltas.add(new TrainedDelta(job, trained));
        next.deltaTrained(job, trained);
    }

    @Override
    public void rowStarted(Method method, Experiment.Settings settings) {
        next.rowStarted(method, settings);
    }

    @Override
    public void rowFinished(ResultRow row) {
        rows.add(row);
        next.rowFinished(row);
    }

    /** The Δs trained so far, in the order their trainings ended. */
    public List<TrainedDelta> deltas() {
        return List.copyOf(deltas);
    }

    /** The rows finished so far, in the order they finished. */
    public List<ResultRow> rows() {
        return List.copyOf(rows);
    }
}
