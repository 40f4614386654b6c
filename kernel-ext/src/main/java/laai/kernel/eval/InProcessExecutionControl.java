package laai.kernel.eval;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicReference;

import jdk.jshell.execution.DirectExecutionControl;

/**
 * Executes snippets in the kernel's own JVM, so notebook code, magics and extensions share classes
 * and static state, and keeps the real result objects and thrown exceptions instead of JShell's
 * string renderings of them.
 */
final class InProcessExecutionControl extends DirectExecutionControl {

    private final SnippetExecutor executor;
    private final ResultStash results = new ResultStash();
    private final AtomicReference<Throwable> lastThrown = new AtomicReference<>();
    private final ClassLoader snippetLoader;

    InProcessExecutionControl(SnippetExecutor executor) {
        super();
        // The default loader delegate installs its loader as the constructing thread's context
        // loader; that is the only way to reach it.
        this.snippetLoader = Thread.currentThread().getContextClassLoader();
        this.executor = executor;
    }

    /** Loads snippet classes; its parent is the system loader, so it sees the kernel's classpath. */
    ClassLoader snippetLoader() {
        return snippetLoader;
    }

    ResultStash results() {
        return results;
    }

    /** The throwable behind the most recent JShell {@code EvalException}, then forgets it. */
    Throwable takeLastThrown() {
        return lastThrown.getAndSet(null);
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        Object value;
        try {
            value = executor.run(() -> doit.invoke(null));
        } catch (EvalInterruptedException e) {
            // Route it like a user exception so JShell reports it and we find it in lastThrown.
            throw new InvocationTargetException(e);
        }
        return results.put(value);
    }

    @Override
    protected String throwConvertedInvocationException(Throwable cause)
            throws RunException, InternalException {
        lastThrown.set(cause);
        return super.throwConvertedInvocationException(cause);
    }
}
