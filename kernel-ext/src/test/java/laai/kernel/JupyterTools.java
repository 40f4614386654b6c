package laai.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the tests find Jupyter: Debian's packages (jupyter-client, nbclient, nbconvert). The
 * python3 first on PATH may be another interpreter without them, hence the fixed locations.
 */
public final class JupyterTools {

    public static final Path JUPYTER = Path.of("/usr/bin/jupyter");
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    /** The kernelspec name the tests install, distinct from a user's "laai". */
    public static final String KERNEL_NAME = "laai-test";

    private JupyterTools() {
    }

    static final String MISSING = "Jupyter not installed: " + JUPYTER + " and " + PYTHON + " are needed "
            + "(Debian: apt-get install jupyter-nbconvert python3-nbclient jupyter-client); "
            + "skipping the kernel protocol tests";

    static boolean available() {
        return Files.isExecutable(JUPYTER) && Files.isExecutable(PYTHON);
    }

    /** Test-local Jupyter directories, so tests neither read nor litter the user's. */
    public static Path workDir() throws IOException {
        return Files.createDirectories(Path.of("target", "jupyter-test").toAbsolutePath());
    }

    public static void configure(Map<String, String> env, Path jupyterPath) throws IOException {
        Path work = workDir();
        env.put("JUPYTER_PATH", jupyterPath.toString());
        env.put("JUPYTER_RUNTIME_DIR", Files.createDirectories(work.resolve("runtime")).toString());
        env.put("JUPYTER_CONFIG_DIR", Files.createDirectories(work.resolve("config")).toString());
        env.put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
    }
}
