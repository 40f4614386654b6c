package laai.kernel;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;

import laai.kernel.render.Html;

/**
 * A progress bar in a {@link LiveDisplay}. Updates are throttled so a tight loop does not flood the
 * frontend; the final state is always sent.
 *
 * <pre>{@code
 * ProgressBar bar = ProgressBar.show("steering", layers);
 * for (...) { ...; bar.step(); }
 * }</pre>
 */
public final class ProgressBar {

    private static final long MIN_UPDATE_INTERVAL_NANOS = 100_000_000L;
    private static final int TEXT_WIDTH = 30;

    private final String label;
    private final long total;
    private final LiveDisplay display;
    private long done;
    private long lastUpdate;

    private ProgressBar(String label, long total) {
        this.label = label;
        this.total = Math.max(total, 0);
        this.display = LiveDisplay.show(data());
        this.lastUpdate = System.nanoTime();
    }

    public static ProgressBar show(String label, long total) {
        return new ProgressBar(label, total);
    }

    public void step() {
        set(done + 1);
    }

    public void set(long value) {
        done = Math.max(0, Math.min(value, total));
        long now = System.nanoTime();
        if (done == total || now - lastUpdate >= MIN_UPDATE_INTERVAL_NANOS) {
            lastUpdate = now;
            display.update(data());
        }
    }

    /** Marks the bar complete, whatever the count was. */
    public void finish() {
        set(total);
    }

    public long done() {
        return done;
    }

    /** Text form, also the text/plain fallback: {@code label [#####.....] 5/10}. */
    public String text() {
        int filled = total == 0 ? TEXT_WIDTH : (int) (TEXT_WIDTH * done / total);
        return label + " [" + "#".repeat(filled) + ".".repeat(TEXT_WIDTH - filled) + "] " + done + "/" + total;
    }

    private DisplayData data() {
        DisplayData data = new DisplayData(text());
        data.putHTML(html());
        return data;
    }

    private String html() {
        return "<div class=\"laai-progress\"><progress value=\"" + done + "\" max=\"" + total + "\"></progress> "
                + Html.escape(label) + " " + done + "/" + total + "</div>";
    }
}
