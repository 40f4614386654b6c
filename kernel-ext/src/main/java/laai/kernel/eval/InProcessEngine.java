package laai.kernel.eval;

import java.util.Map;

import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/** Hands JShell our in-process execution control and remembers it for the evaluator. */
final class InProcessEngine implements ExecutionControlProvider {

    private final SnippetExecutor executor;
    private InProcessExecutionControl control;

    InProcessEngine(SnippetExecutor executor) {
        this.executor = executor;
    }

    @Override
    public String name() {
        return "laai-in-process";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        control = new InProcessExecutionControl(executor);
        return control;
    }

    InProcessExecutionControl control() {
        if (control == null) {
            throw new IllegalStateException("JShell has not created its execution control yet");
        }
        return control;
    }
}
