package laai.magics;

import java.util.LinkedHashMap;
import java.util.Map;

import org.knowm.xchart.internal.chartpart.Chart;

import laai.kernel.render.ChartRenderer;
import laai.kernel.render.TableHtml;
import tech.tablesaw.table.Relation;

/**
 * A value as Jupyter MIME data, for hosts whose renderer knows neither Tablesaw nor XChart
 * (IJava): the same HTML and PNG our kernel's renderers produce.
 */
final class MimeBundle {

    private MimeBundle() {
    }

    /** MIME type to data, text/plain always first. */
    static Map<String, String> of(Object value) {
        Map<String, String> data = new LinkedHashMap<>();
        if (value instanceof Relation) {
            Relation table = (Relation) value;
            data.put("text/plain", table.print(TableHtml.DEFAULT_MAX_ROWS));
            data.put("text/html", TableHtml.write(table));
        } else if (value instanceof Chart) {
            Chart<?, ?> chart = (Chart<?, ?>) value;
            data.put("text/plain", ChartRenderer.describe(chart));
            data.put("image/png", ChartRenderer.png(chart));
        } else {
            data.put("text/plain", String.valueOf(value));
        }
        return data;
    }
}
