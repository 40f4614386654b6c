package laai.kernel;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;

import laai.kernel.render.Html;

/**
 * A progress bar in a {@link LiveDisplay}, with an optional detail line (e.g. the loss). Updates
 * are throttled so a tight loop does not flood the frontend; the final state is always sent.
 *
 * <pre>{@code
 * ProgressBar bar = ProgressBar.show("steering", layers);
 * for (...) { ...; bar.step(); }
 * bar.set(done, "loss 0.42");
 * }</pre>
 */
public final class ProgressBar {

    private static final long MIN_UPDATE_INTERVAL_NANOS = 100_000_000L;
    private static final int TEXT_WIDTH = 30;

    private final String label;
    private final long total;
    private final LiveDisplay display;
    private long done;
    private String detail = "";
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
        set(value, detail);
    }

    /** Moves the bar and replaces the detail line, e.g. {@code "step 37 · loss 2.31"}. */
    public void set(long value, String detail) {
        done = Math.max(0, Math.min(value, total));
        this.detail = detail == null ? "" : detail;
        long now = System.nanoTime();
        if (done == total || now - lastUpdate >= MIN_UPDATE_INTERVAL_NANOS) {
            lastUpdate = now;
            display.update(data());
        }
    }

    /** As {@link #set(long, String)}, but always sent: for a change of phase that must not be throttled away. */
    public void announce(long value, String detail) {
        done = Math.max(0, Math.min(value, total));
        this.detail = detail == null ? "" : detail;
        lastUpdate = System.nanoTime();
        display.update(data());
    }

    /** Marks the bar complete, whatever the count was. */
    public void finish() {
        set(total);
    }

    /** Marks the bar complete with a final detail line (always shown, never throttled). */
    public void finish(String detail) {
        set(total, detail);
    }

    public long done() {
        return done;
    }

    public String detail() {
        return detail;
    }

    /** Text form, also the text/plain fallback: {@code label [#####.....] 5/10 detail}. */
    public String text() {
        int filled = total == 0 ? TEXT_WIDTH : (int) (TEXT_WIDTH * done / total);
        return label + " [" + "#".repeat(filled) + ".".repeat(TEXT_WIDTH - filled) + "] " + done + "/" + total
                + (detail.isEmpty() ? "" : " " + detail);
    }

    private DisplayData data() {
        DisplayData data = new DisplayData(text());
        data.putHTML(html());
        return data;
    }

    private String html() {
        return "<div class=\"laai-progress\"><progress value=\"" + done + "\" max=\"" + total + "\"></progress> "
                + Html.escape(label) + " " + done + "/" + total
                + (detail.isEmpty() ? "" : " <span class=\"laai-progress-detail\">" + Html.escape(detail) + "</span>")
                + "</div>";
    }
}
