package laai.kernel.eval;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Evaluates Java source with an in-process JShell: splits it into snippets, compiles each on the
 * calling thread, runs it on the {@link SnippetExecutor}, and returns the real value of the last
 * snippet if that snippet is an expression.
 */
public final class CellEvaluator implements AutoCloseable {

    /** Snippet kinds whose value a notebook shows; declarations and assignments stay silent. */
    private static final Set<Snippet.SubKind> SHOWN = Set.of(
            Snippet.SubKind.VAR_VALUE_SUBKIND,
            Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND,
            Snippet.SubKind.OTHER_EXPRESSION_SUBKIND);

    private final JShell shell;
    private final InProcessExecutionControl control;
    private final SnippetExecutor executor;
    private final AtomicInteger depth = new AtomicInteger();

    private CellEvaluator(JShell shell, InProcessExecutionControl control, SnippetExecutor executor) {
        this.shell = shell;
        this.control = control;
        this.executor = executor;
    }

    /**
     * Creates the JShell. Call it on the thread that later starts the Jupyter channels: JShell's
     * loader becomes that thread's context loader, which the channel threads then inherit.
     */
    public static CellEvaluator start(List<String> compilerOptions) {
        SnippetExecutor executor = new SnippetExecutor();
        InProcessEngine engine = new InProcessEngine(executor);
        JShell shell = JShell.builder()
                .executionEngine(engine, Map.of())
                .compilerOptions(compilerOptions.toArray(String[]::new))
                .build();
        InProcessExecutionControl control = engine.control();
        executor.setContextLoader(control.snippetLoader());
        return new CellEvaluator(shell, control, executor);
    }

    /**
     * Evaluates {@code code} and returns the value of its last snippet, or null when that snippet is
     * not an expression (or its value is null).
     *
     * @throws CompilationException     if a snippet does not compile; later snippets are not run
     * @throws UserCodeException        if a snippet throws
     * @throws EvalInterruptedException if {@link #interrupt()} stopped it
     */
    public Object eval(String code) {
        boolean outermost = depth.getAndIncrement() == 0;
        try {
            if (outermost) {
                control.results().clear();
                control.takeLastThrown();
                executor.clearInterrupt();
            }
            return evalSnippets(code);
        } finally {
            depth.decrementAndGet();
        }
    }

    /** Runs kernel-side work that calls into user objects (rendering) on the executor thread too. */
    public <T> T onExecutor(Callable<T> task) throws Exception {
        return executor.run(task);
    }

    /** Interrupts the running cell; also stops the threads of earlier cells that ignored theirs. */
    public void interrupt() {
        executor.requestInterrupt();
    }

    /** Stops the threads of cells that ignored their interrupt; one line per thread. */
    public List<String> stopAbandonedThreads() throws InterruptedException {
        return executor.stopAbandoned();
    }

    public void addToClasspath(String path) {
        shell.addToClasspath(path);
    }

    public ClassLoader snippetLoader() {
        return control.snippetLoader();
    }

    public SourceCodeAnalysis analysis() {
        return shell.sourceCodeAnalysis();
    }

    private Object evalSnippets(String code) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        Object last = null;
        String remaining = code;
        while (true) {
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            Completeness completeness = info.completeness();
            if (completeness == Completeness.EMPTY) {
                return last;
            }
            if (!completeness.isComplete()) {
                throw CompilationException.incomplete(remaining);
            }
            executor.throwIfInterrupted();
            last = evalSnippet(info.source());
            remaining = info.remaining();
        }
    }

    private Object evalSnippet(String source) {
        Object value = null;
        for (SnippetEvent event : shell.eval(source)) {
            if (event.causeSnippet() != null) {
                continue; // a dependent definition changed status; not this snippet's outcome
            }
            if (!event.status().isDefined()) {
                throw CompilationException.rejected(shell, event.snippet());
            }
            if (event.exception() != null) {
                throw failure(event.exception());
            }
            value = shownValue(event);
        }
        return value;
    }

    private Object shownValue(SnippetEvent event) {
        Snippet.SubKind kind = event.snippet().subKind();
        if (!kind.hasValue()) {
            return null;
        }
        Object value = control.results().take(event.value());
        return SHOWN.contains(kind) ? value : null;
    }

    private RuntimeException failure(JShellException exception) {
        if (exception instanceof UnresolvedReferenceException) {
            return CompilationException.unresolved(shell, ((UnresolvedReferenceException) exception).getSnippet());
        }
        Throwable thrown = control.takeLastThrown();
        if (thrown instanceof EvalInterruptedException) {
            return (EvalInterruptedException) thrown;
        }
        // Without the original (should not happen) JShell's copy still has class, message and stack.
        return UserCodeException.of(thrown != null ? thrown : exception);
    }

    @Override
    public void close() {
        try {
            shell.close();
        } finally {
            executor.close();
        }
    }
}
