package laai.kernel.render;

import java.util.List;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.columns.Column;
import tech.tablesaw.table.Relation;

/**
 * Writes a Tablesaw table or view as an escaped HTML table. Tablesaw core has no HTML writer (that
 * is tablesaw-html, with jsoup); this is all a notebook needs. Long or wide tables are cut, with a
 * note saying what is shown. A numeric column X followed by X_low and X_high (a value and its
 * interval, as result tables have them) shows as one column X reading {@code 0.840 [0.740, 0.920]};
 * the table itself keeps the three numeric columns.
 */
public final class TableHtml {

    public static final int DEFAULT_MAX_ROWS = 50;
    public static final int DEFAULT_MAX_COLUMNS = 40;

    private TableHtml() {
    }

    public static String write(Relation table) {
        return write(table, DEFAULT_MAX_ROWS, DEFAULT_MAX_COLUMNS);
    }

    public static String write(Relation table, int maxRows, int maxColumns) {
        List<Column<?>> all = table.columns();
        List<Column<?>> columns = new java.util.ArrayList<>();
        java.util.Map<Column<?>, Column<?>[]> bounds = new java.util.HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            Column<?> c = all.get(i);
            if (i + 2 < all.size() && c instanceof NumericColumn && all.get(i + 1) instanceof NumericColumn
                    && all.get(i + 2) instanceof NumericColumn && all.get(i + 1).name().equals(c.name() + "_low")
                    && all.get(i + 2).name().equals(c.name() + "_high")) {
                bounds.put(c, new Column<?>[] {all.get(i + 1), all.get(i + 2)});
                i += 2;
            }
            columns.add(c);
        }
        int rows = Math.min(table.rowCount(), maxRows);
        int cols = Math.min(columns.size(), maxColumns);

        StringBuilder html = new StringBuilder("<table class=\"laai-table\">\n");
        String name = table.name();
        if (name != null && !name.isBlank()) {
            html.append("<caption>").append(Html.escape(name)).append("</caption>\n");
        }
        html.append("<thead><tr>");
        for (Column<?> column : columns.subList(0, cols)) {
            html.append("<th title=\"").append(Html.escape(String.valueOf(column.type()))).append("\">")
                    .append(Html.escape(column.name())).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (int row = 0; row < rows; row++) {
            html.append("<tr>");
            for (Column<?> column : columns.subList(0, cols)) {
                Column<?>[] interval = bounds.get(column);
                String cell = interval == null ? column.getString(row) : withInterval(column, interval, row);
                html.append("<td>").append(Html.escape(cell)).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n");

        String note = truncationNote(table.rowCount(), rows, columns.size(), cols);
        if (!note.isEmpty()) {
            html.append("<p><em>").append(Html.escape(note)).append("</em></p>\n");
        }
        return html.toString();
    }

    /** "0.840 [0.740, 0.920]"; the value alone where the interval is missing, "" where the value is. */
    private static String withInterval(Column<?> value, Column<?>[] interval, int row) {
        double v = ((NumericColumn<?>) value).getDouble(row);
        double low = ((NumericColumn<?>) interval[0]).getDouble(row), high = ((NumericColumn<?>) interval[1]).getDouble(row);
        if (Double.isNaN(v)) return "";
        if (Double.isNaN(low) || Double.isNaN(high)) return String.format(java.util.Locale.ROOT, "%.3f", v);
        return String.format(java.util.Locale.ROOT, "%.3f [%.3f, %.3f]", v, low, high);
    }

    static String truncationNote(int totalRows, int shownRows, int totalColumns, int shownColumns) {
        StringBuilder note = new StringBuilder();
        if (shownRows < totalRows) {
            note.append("Showing the first ").append(shownRows).append(" of ").append(totalRows).append(" rows");
        }
        if (shownColumns < totalColumns) {
            note.append(note.length() == 0 ? "Showing" : " and").append(" the first ").append(shownColumns)
                    .append(" of ").append(totalColumns).append(" columns");
        }
        return note.length() == 0 ? "" : note.append('.').toString();
    }
}
