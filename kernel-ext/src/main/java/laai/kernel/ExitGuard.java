package laai.kernel;

import java.io.PrintStream;
import java.security.Permission;
import java.util.List;

/**
 * Refuses {@code System.exit} and {@code Runtime.halt} from notebook code: cells run in the
 * kernel's JVM, so either would end the kernel, and the session's variables, model and results
 * with it. The refusal is a {@link SecurityException} thrown where the call was made, so the cell
 * fails with a message and the kernel goes on; the kernel's own exit ({@link #exitKernel}) passes.
 *
 * <p>A security manager is the only hook the JVM offers for this. It permits everything else
 * (both {@code checkPermission}s are no-ops), so nothing but exits changes for any code. Java 17
 * allows one by default; Java 18 to 23 need {@code -Djava.security.manager=allow} on the command
 * line ({@link #jvmOptions}); Java 24 and later have none, and there the kernel runs unguarded.
 */
@SuppressWarnings("removal") // SecurityManager: see above for the Java versions that have it
final class ExitGuard extends SecurityManager {

    private static volatile boolean kernelExiting;

    private ExitGuard() {
    }

    /**
     * Installs the guard. Where the JVM does not allow it, prints one line saying so on
     * {@code log} and returns false: the kernel works without it.
     */
    static boolean install(PrintStream log) {
        // Java 17 to 23 print a four-line deprecation warning into the kernel's log here (to the
        // JVM's first stderr, so it cannot be silenced); it is addressed to the maintainers.
        try {
            System.setSecurityManager(new ExitGuard());
            return true;
        } catch (UnsupportedOperationException | SecurityException e) {
            log.println("laai kernel: warning: System.exit in a cell cannot be refused on Java "
                    + Runtime.version().feature() + " (" + e.getMessage() + "); it would end the kernel");
            return false;
        }
    }

    /**
     * The options a kernel JVM of this Java version needs for {@link #install} to succeed. Java 24
     * and later refuse to start with them, so they get none.
     */
    static List<String> jvmOptions(int javaFeatureVersion) {
        return javaFeatureVersion >= 18 && javaFeatureVersion <= 23
                ? List.of("-Djava.security.manager=allow")
                : List.of();
    }

    /** The kernel's own exit, once its connection has closed. */
    static void exitKernel(int status) {
        kernelExiting = true;
        System.exit(status);
    }

    @Override
    public void checkExit(int status) {
        if (!kernelExiting) {
            throw new SecurityException(call(status) + " is refused: it would end the kernel, and this session's "
                    + "variables, model and results with it. To start afresh, restart the kernel from Jupyter "
                    + "instead (Kernel > Restart).");
        }
    }

    /** How the code asked to exit, as it would have written it. */
    private static String call(int status) {
        boolean halt = StackWalker.getInstance().walk(frames -> frames.anyMatch(
                f -> f.getClassName().equals("java.lang.Runtime") && f.getMethodName().equals("halt")));
        return (halt ? "Runtime.getRuntime().halt(" : "System.exit(") + status + ")";
    }

    @Override
    public void checkPermission(Permission perm) {
        // everything else is allowed, as without a security manager
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
        // everything else is allowed, as without a security manager
    }
}
