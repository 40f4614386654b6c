package laai.kernel.eval;

import java.util.List;

import org.dflib.jjava.jupyter.kernel.BaseNotebookStatics;
import org.dflib.jjava.jupyter.kernel.magic.UndefinedMagicException;

import laai.kernel.MagicException;
import laai.kernel.MagicUsageException;
import laai.runtime.Interrupted;

/**
 * Notebook code (or a magic it called) threw. Carries a kernel-side snapshot of the throwable, so
 * reporting it never calls back into user classes from a channel thread.
 */
public final class UserCodeException extends CellFailure {

    private final List<String> report;

    private UserCodeException(String message, List<String> report) {
        super(message);
        this.report = report;
    }

    static UserCodeException of(Throwable thrown) {
        Throwable shown = unwrapMagicCall(thrown);
        Throwable brief = briefCause(shown);
        if (brief != null) {
            String message = brief.getMessage();
            return new UserCodeException(message, List.of(message.split("\\R")));
        }
        String headline = StackTraces.describe(shown);
        return new UserCodeException(headline, StackTraces.format(shown));
    }

    @Override
    public List<String> report() {
        return report;
    }

    /**
     * jjava's {@code lineMagic}/{@code cellMagic} wrap whatever a magic throws in a RuntimeException
     * that only repeats the message; the magic's own exception is what the user needs to see.
     */
    private static Throwable unwrapMagicCall(Throwable t) {
        StackTraceElement[] frames = t.getStackTrace();
        boolean wrapper = t.getClass() == RuntimeException.class
                && t.getCause() != null
                && frames.length > 0
                && frames[0].getClassName().equals(BaseNotebookStatics.class.getName());
        return wrapper ? t.getCause() : t;
    }

    /** Usage errors, explained magic failures and the engine's interrupts are answers, not crashes: no stack trace. */
    private static Throwable briefCause(Throwable t) {
        int depth = 0;
        for (Throwable cur = t; cur != null && depth++ < 32; cur = cur.getCause()) {
            if (cur instanceof MagicUsageException || cur instanceof MagicException
                    || cur instanceof UndefinedMagicException || cur instanceof Interrupted) {
                return cur;
            }
        }
        return null;
    }
}
