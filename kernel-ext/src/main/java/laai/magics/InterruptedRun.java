package laai.magics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import laai.eval.Finished;
import laai.eval.ResultRow;
import laai.eval.Sweep;
import laai.report.ResultTables;
import laai.runtime.Interrupted;
import tech.tablesaw.api.Table;

/**
 * What a magic does when an interrupt stops its run: keeps in the session exactly what the run
 * finished (see {@link Session}: its rows, and its Δs under their names + "-interrupted"), then
 * rethrows the interrupt with a message that says what was kept. It runs on the cell's own thread,
 * before the kernel reports the interrupt.
 */
final class InterruptedRun {

    static final String SUFFIX = "-interrupted";

    private InterruptedRun() {
    }

    /**
     * @param magic     the magic's name, e.g. "%intervene"
     * @param title     the title its table would have had
     * @param finished  what the run finished
     * @param deltaName the session name of a trained Δ, as a finished run names it (the suffix is added)
     */
    static Interrupted keep(Interrupted stop, String magic, String title, Finished finished, Session session,
                            Function<Finished.TrainedDelta, String> deltaName) {
        List<ResultRow> rows = finished.rows();
        Map<String, Finished.TrainedDelta> deltas = new LinkedHashMap<>();
        for (Finished.TrainedDelta d : finished.deltas()) {
            deltas.put(deltaName.apply(d) + SUFFIX, d);
        }
        session.keepInterrupted(table(title, rows), rows, deltas, null);
        return new Interrupted(magic + " " + stop.getMessage() + "; " + kept(rows, deltas.keySet(), null));
    }

    /** A sweep keeps its Δs in itself (lastSweep()), not under names. */
    static Interrupted keepSweep(Interrupted stop, String title, Finished finished, Session session, Sweep sweep) {
        List<ResultRow> rows = finished.rows();
        boolean trained = !sweep.deltas().isEmpty();
        session.keepInterrupted(table(title, rows), rows, Map.of(), trained ? sweep : null);
        return new Interrupted("%sweep " + stop.getMessage() + "; " + kept(rows, List.of(),
                trained ? "lastSweep() with the " + sweep.deltas().size() + " Δs trained" : null));
    }

    /**
     * A selection keeps its Δs (lastSweep()) and no rows: its validation rows are not test
     * results, and its test rows come only after every validation row.
     */
    static Interrupted keepSelection(Interrupted stop, Session session, Sweep sweep) {
        boolean trained = !sweep.deltas().isEmpty();
        session.keepInterrupted(null, List.of(), Map.of(), trained ? sweep : null);
        return new Interrupted("%sweep --select " + stop.getMessage() + "; no test score was reported; "
                + kept(List.of(), List.of(), trained ? "lastSweep() with the " + sweep.deltas().size() + " Δs trained" : null));
    }

    private static Table table(String title, List<ResultRow> rows) {
        return ResultTables.of(title + " (interrupted)", rows);
    }

    private static String kept(List<ResultRow> rows, Collection<String> deltas, String more) {
        List<String> parts = new ArrayList<>();
        if (!rows.isEmpty()) {
            parts.add(rows.size() + (rows.size() == 1 ? " row (" : " rows (")
                    + String.join(", ", rows.stream().map(r -> r.method().label()).toList()) + ")");
        }
        if (!deltas.isEmpty()) {
            parts.add((deltas.size() == 1 ? "the Δ " : "the Δs ") + String.join(", ", deltas));
        }
        if (more != null) {
            parts.add(more);
        }
        return parts.isEmpty() ? "nothing was finished, the session is unchanged"
                : "kept what was finished: " + String.join(" and ", parts);
    }
}
