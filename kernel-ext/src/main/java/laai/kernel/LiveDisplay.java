package laai.kernel;

import java.util.Objects;
import java.util.UUID;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

import laai.kernel.render.Html;

/**
 * An output area that can be replaced while a cell runs, e.g. a progress bar: {@link #show} publishes
 * {@code display_data} with a {@code display_id}, and each {@link #update} publishes
 * {@code update_display_data} for that id.
 *
 * <pre>{@code
 * LiveDisplay d = LiveDisplay.show("<b>starting</b>");
 * for (...) d.update("<b>step " + i + "</b>");
 * }</pre>
 *
 * <p>Works from Java cells and from magics, on the thread running the cell, also while that cell
 * is being interrupted (see {@link DisplayPublisher}). Jupyter only accepts output while a cell
 * executes, so updates sent after the cell has finished are dropped.
 */
public final class LiveDisplay {

    private final String id;

    private LiveDisplay(String id) {
        this.id = id;
    }

    /** Shows {@code html} (with a tag-stripped text/plain fallback). */
    public static LiveDisplay show(String html) {
        return show(htmlData(html));
    }

    /** Shows whatever the kernel's renderer makes of {@code value} (a table, a chart, ...). */
    public static LiveDisplay showRendered(Object value) {
        return show(kernel().getRenderer().render(value));
    }

    public static LiveDisplay show(DisplayData data) {
        LiveDisplay display = new LiveDisplay(UUID.randomUUID().toString());
        DisplayData copy = new DisplayData(data);
        copy.setDisplayId(display.id);
        BaseKernel kernel = kernel();
        DisplayPublisher.send(() -> kernel.display(copy));
        return display;
    }

    public void update(String html) {
        update(htmlData(html));
    }

    public void updateRendered(Object value) {
        update(kernel().getRenderer().render(value));
    }

    public void update(DisplayData data) {
        DisplayData copy = new DisplayData(data);
        BaseKernel kernel = kernel();
        DisplayPublisher.send(() -> kernel.getIO().display.updateDisplay(id, copy));
    }

    /** The Jupyter display_id. */
    public String id() {
        return id;
    }

    private static DisplayData htmlData(String html) {
        Objects.requireNonNull(html, "html");
        DisplayData data = new DisplayData(Html.toPlainText(html));
        data.putHTML(html);
        return data;
    }

    private static BaseKernel kernel() {
        return BaseKernel.notebookKernel();
    }
}
