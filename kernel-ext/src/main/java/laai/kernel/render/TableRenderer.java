package laai.kernel.render;

import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;

import tech.tablesaw.table.Relation;

/** Tablesaw tables and views as HTML, with Tablesaw's own text layout as text/plain. */
public final class TableRenderer {

    private TableRenderer() {
    }

    public static void register(Renderer renderer) {
        renderer.createRegistration(Relation.class)
                .preferring(MIMEType.TEXT_HTML)
                .register((table, ctx) -> {
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> TableHtml.write(table));
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> table.print(TableHtml.DEFAULT_MAX_ROWS));
                });
    }
}
