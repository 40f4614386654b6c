package laai.kernel;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** See {@link RequiresJupyter}. */
final class JupyterCondition implements ExecutionCondition {

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (JupyterTools.available()) {
            return ConditionEvaluationResult.enabled("Jupyter is installed");
        }
        // Surefire only counts skipped tests; say once, on the console, why.
        if (WARNED.compareAndSet(false, true)) {
            System.err.println("[laai] " + JupyterTools.MISSING);
        }
        return ConditionEvaluationResult.disabled(JupyterTools.MISSING);
    }
}
