package laai.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import laai.eval.ResultRow;
import laai.report.ResultTables;
import laai.runtime.Interrupted;

/**
 * What a command prints when an interrupt stopped it: the rows it finished, as it would have
 * printed all of them, then what stopped it (with {@code --json}: {@code "rows"} and
 * {@code "error"}), and exit status 130, as a shell reports a Ctrl-C.
 */
final class Stopped {

    static final int EXIT_STATUS = 130;

    private Stopped() {}

    /**
     * Clears the thread's interrupt flag first: the engine leaves it set, and a write through a
     * channel (saving a Δ) from an interrupted thread would fail.
     */
    static void clearInterrupt() {
        Thread.interrupted();
    }

    /** @param note what happened to the outputs (a saved Δ, skipped plots), or null */
    static int report(Interrupted e, List<ResultRow> rows, boolean json, String note) {
        clearInterrupt();
        String message = e.getMessage() + "; " + rows.size() + (rows.size() == 1 ? " row" : " rows") + " finished"
                + (note == null ? "" : "; " + note);
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("rows", rows.stream().map(ResultRow::asMap).toList());
            out.put("error", message);
            Json.print(out);
        } else {
            System.out.print(ResultTables.text(rows));
        }
        System.err.println("laai: " + message);
        return EXIT_STATUS;
    }
}
