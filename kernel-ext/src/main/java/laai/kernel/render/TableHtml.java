package laai.kernel.render;

import java.util.List;

import tech.tablesaw.columns.Column;
import tech.tablesaw.table.Relation;

/**
 * Writes a Tablesaw table or view as an escaped HTML table. Tablesaw core has no HTML writer (that
 * is tablesaw-html, with jsoup); this is all a notebook needs. Long or wide tables are cut, with a
 * note saying what is shown.
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
        List<Column<?>> columns = table.columns();
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
                html.append("<td>").append(Html.escape(column.getString(row))).append("</td>");
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
