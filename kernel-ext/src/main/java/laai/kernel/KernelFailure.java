package laai.kernel;

import java.util.ArrayList;
import java.util.List;

import laai.kernel.eval.CellFailure;
import laai.kernel.eval.StackTraces;

/**
 * The kernel itself failed while serving a cell (rendering a result, compiling). Converts
 * {@code Error}s too: one escaping to jjava's Shell thread would kill it and hang every later cell.
 */
public final class KernelFailure extends CellFailure {

    private final List<String> report;

    KernelFailure(String what, Throwable cause) {
        super(what + ": " + StackTraces.describe(cause));
        List<String> lines = new ArrayList<>();
        lines.add(getMessage());
        lines.addAll(StackTraces.format(cause));
        this.report = List.copyOf(lines);
    }

    @Override
    public List<String> report() {
        return report;
    }
}
