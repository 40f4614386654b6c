package laai.kernel.eval;

import java.util.List;

/**
 * A failure of a cell that the kernel explains itself, so its traceback in the notebook is the
 * explanation (diagnostics, a trimmed user stack) rather than the kernel's own stack.
 */
public abstract class CellFailure extends RuntimeException {

    protected CellFailure(String message) {
        super(message, null, false, false);
    }

    /** The traceback lines shown in the notebook, one line per element. */
    public abstract List<String> report();
}
