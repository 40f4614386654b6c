package laai.magics;

/**
 * What a magic needs from the notebook it runs in, so the magics work the same in our kernel, a
 * user's JJava and a user's IJava: show a value now, show progress, evaluate a Java expression.
 */
public interface Host {

    /** Displays {@code value} (a table, a chart, text) as its own output, before the magic returns. */
    void show(Object value);

    /** A progress display for {@code total} units of work. */
    Progress progress(String label, long total);

    /** Evaluates a Java expression in the notebook, for {@code {expr}} in magic arguments. */
    Object eval(String expression) throws Exception;

    /** A progress display that a long magic moves forward. */
    interface Progress {

        void update(long done, String detail);

        /**
         * A change of phase (baselines, evaluation): rare, so never dropped by the throttling that
         * {@link #update} may apply to steps.
         */
        default void note(long done, String detail) {
            update(done, detail);
        }

        void finish(String detail);
    }
}
