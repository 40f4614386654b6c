package laai.kernel.eval;

import java.util.List;

/** The cell was stopped by an interrupt request from the frontend. */
public final class EvalInterruptedException extends CellFailure {

    public EvalInterruptedException(String message) {
        super(message);
    }

    @Override
    public List<String> report() {
        return List.of(getMessage());
    }
}
