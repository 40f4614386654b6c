package laai.kernel.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TableHtmlTest {

    @Test
    void escapesNamesHeadersAndCells() {
        Table t = Table.create("a<b>", StringColumn.create("x&y", "<script>", "\"q\""));
        String html = TableHtml.write(t);
        assertTrue(html.contains("<caption>a&lt;b&gt;</caption>"), html);
        assertTrue(html.contains("<th title=\"STRING\">x&amp;y</th>"), html);
        assertTrue(html.contains("<td>&lt;script&gt;</td>"), html);
        assertTrue(html.contains("<td>&quot;q&quot;</td>"), html);
        assertFalse(html.contains("Showing"), html);
    }

    @Test
    void truncatesRowsAndColumnsWithANote() {
        Table t = Table.create("t", IntColumn.create("a", new int[10]), IntColumn.create("b", new int[10]),
                IntColumn.create("c", new int[10]));
        String html = TableHtml.write(t, 4, 2);
        assertEquals(4, html.split("<tr><td>", -1).length - 1, html);
        assertFalse(html.contains(">c</th>"), html);
        assertTrue(html.contains("Showing the first 4 of 10 rows and the first 2 of 3 columns."), html);
    }

    @Test
    void aValueWithItsLowAndHighColumnsShowsAsOneCell() {
        Table t = Table.create("rows", tech.tablesaw.api.StringColumn.create("method", "delta", "zero-shot"),
                tech.tablesaw.api.DoubleColumn.create("exact_match", 0.84, Double.NaN),
                tech.tablesaw.api.DoubleColumn.create("exact_match_low", 0.74, Double.NaN),
                tech.tablesaw.api.DoubleColumn.create("exact_match_high", 0.92, Double.NaN),
                tech.tablesaw.api.DoubleColumn.create("kl_low", 0.1, 0.2));
        String html = TableHtml.write(t);
        assertTrue(html.contains("<td>0.840 [0.740, 0.920]</td>"), html);
        assertTrue(html.contains("<tr><td>zero-shot</td><td></td>"), html);
        assertFalse(html.contains(">exact_match_low</th>"), html);
        assertTrue(html.contains(">kl_low</th>"), "a lone bound column stays: " + html);
        assertEquals(0.84, t.doubleColumn("exact_match").get(0), "the table keeps its numbers");
    }

    @Test
    void plainTextFallbackOfHtml() {
        assertEquals("a < b & c", Html.toPlainText("<p>a &lt; b &amp; c</p>"));
    }
}
