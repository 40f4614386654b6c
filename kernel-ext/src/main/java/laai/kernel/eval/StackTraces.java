package laai.kernel.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Formats a throwable for a notebook: only the frames that belong to the notebook's own call,
 * i.e. down to the outermost snippet frame, without the reflection and executor frames below it.
 */
public final class StackTraces {

    /** JShell compiles every snippet into a class of this package. */
    private static final String SNIPPET_PACKAGE = "REPL.";

    /** Cap for traces that never pass through a snippet (kernel-side failures). */
    private static final int MAX_FOREIGN_FRAMES = 25;

    /** Cap per throwable; a StackOverflowError in a recursive cell method has a thousand frames. */
    private static final int MAX_FRAMES = 60;

    private StackTraces() {
    }

    public static List<String> format(Throwable t) {
        List<String> lines = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        String prefix = "";
        for (Throwable cur = t; cur != null && seen.add(cur); cur = cur.getCause()) {
            lines.add(prefix + describe(cur));
            List<StackTraceElement> frames = notebookFrames(cur.getStackTrace());
            for (StackTraceElement frame : frames.subList(0, Math.min(frames.size(), MAX_FRAMES))) {
                lines.add("\tat " + frame);
            }
            if (frames.size() > MAX_FRAMES) {
                lines.add("\t... " + (frames.size() - MAX_FRAMES) + " more");
            }
            prefix = "Caused by: ";
        }
        return lines;
    }

    /** {@code Class: message}, surviving a user {@code getMessage()} that itself throws. */
    public static String describe(Throwable t) {
        String message;
        try {
            message = t.getLocalizedMessage();
        } catch (RuntimeException | LinkageError e) {
            message = "<message unavailable: " + e.getClass().getName() + ">";
        }
        String name = t.getClass().getName();
        return message == null ? name : name + ": " + message;
    }

    static List<StackTraceElement> notebookFrames(StackTraceElement[] frames) {
        int outermostSnippet = -1;
        for (int i = 0; i < frames.length; i++) {
            if (frames[i].getClassName().startsWith(SNIPPET_PACKAGE)) {
                outermostSnippet = i;
            }
        }
        int end = outermostSnippet >= 0 ? outermostSnippet + 1 : Math.min(frames.length, MAX_FOREIGN_FRAMES);
        return List.of(frames).subList(0, end);
    }
}
