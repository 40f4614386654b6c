package laai.cli;

import laai.eval.LayerSelection;
import laai.eval.ResultRow;
import laai.eval.SeedAggregate;
import laai.report.ResultTables;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code sweep --select} prints: the validation table (every run on the validation pairs), the
 * setting chosen per N, and the chosen setting's test row, apart and labelled, so that no
 * validation number is read as a test score. Rows over several seeds are aggregated: the
 * validation exact match shown is then the one the choice compared.
 *
 * <p>With --json: {"scorer", "intervals", "validation_pairs", "validation_rows", "selected", "rows"}
 * ("rows" holds only the {@link laai.eval.Method#DELTA_SELECTED} rows), "per_seed_rows" and
 * "validation_per_seed_rows" where rows were aggregated, "note" where one setting was swept.
 */
final class SelectionReport {
    private SelectionReport() {}

    static int print(LayerSelection.Validation validation, List<ResultRow> tested, int nValidation, boolean json,
                     String failed) {
        List<ResultRow> validationRows = SeedAggregate.aggregate(validation.rows());
        List<ResultRow> testRows = SeedAggregate.aggregate(tested);
        String note = validation.nothingToChoose()
                ? "one setting was swept, so --select had nothing to choose; its test score is reported once all the same"
                : null;
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("scorer", tested.stream().map(ResultRow::scorer).filter(s -> !s.isEmpty()).findFirst().orElse(null));
            out.put("intervals", ResultTables.legend(List.of()));
            out.put("validation_pairs", nValidation);
            out.put("validation_rows", validationRows.stream().map(ResultRow::asMap).toList());
            if (validationRows.size() != validation.rows().size()) {
                out.put("validation_per_seed_rows", validation.rows().stream().map(ResultRow::asMap).toList());
            }
            out.put("selected", validation.selected().stream().map(SelectionReport::asMap).toList());
            out.put("rows", testRows.stream().map(ResultRow::asMap).toList());
            if (testRows.size() != tested.size()) out.put("per_seed_rows", tested.stream().map(ResultRow::asMap).toList());
            if (note != null) out.put("note", note);
            if (failed != null) out.put("error", failed);
            Json.print(out);
        } else {
            System.out.println("Validation: every run on " + nValidation + " pairs per seed held out of the pairs outside "
                    + "the test split.");
            System.out.println(ResultTables.legend(validationRows, "validation"));
            System.out.print(ResultTables.text(validationRows));
            System.out.println();
            for (LayerSelection.Selected s : validation.selected()) System.out.println("Selected at " + s.describe() + ".");
            System.out.println();
            System.out.println("Test: the selected setting's Δ on the test pairs, scored once, after the choice.");
            System.out.println(ResultTables.legend(testRows));
            System.out.print(ResultTables.text(testRows));
        }
        if (note != null) System.err.println("laai: note: " + note);
        if (failed == null) return 0;
        System.err.println("laai: " + failed);
        return 1;
    }

    private static Map<String, Object> asMap(LayerSelection.Selected s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n_train", s.nTrain());
        m.put("layer", s.choice().layer());
        m.put("gamma", s.choice().gamma());
        m.put("lambda", s.choice().lambda());
        m.put("validation_exact_match", s.validationExactMatch());
        m.put("candidates", s.candidates());
        m.put("seeds", s.seeds());
        return m;
    }
}
