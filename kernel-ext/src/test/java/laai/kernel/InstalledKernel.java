package laai.kernel;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Installs the test kernelspec once per test JVM with the real installer (into a prefix under
 * target/), and remembers where. The kernel's classpath is the test JVM's: test classes included,
 * so the test extension is discovered by ServiceLoader like any other.
 */
public final class InstalledKernel {

    private static Path jupyterPath;
    private static Path specDir;
    private static String installerOutput;

    private InstalledKernel() {
    }

    /** The directory to put on JUPYTER_PATH. */
    public static synchronized Path jupyterPath() throws Exception {
        if (jupyterPath == null) {
            Path prefix = JupyterTools.workDir().resolve("prefix");
            KernelInstaller.Options options = new KernelInstaller.Options(JupyterTools.KERNEL_NAME, "Java (laai test)",
                    prefix, List.of(), List.of("-Dlaai.test.marker=from-kernelspec"), JupyterTools.JUPYTER.toString());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            specDir = KernelInstaller.install(options, new PrintStream(out, true, StandardCharsets.UTF_8));
            installerOutput = out.toString(StandardCharsets.UTF_8);
            jupyterPath = prefix.resolve("share").resolve("jupyter");
        }
        return jupyterPath;
    }

    static synchronized Path specDir() throws Exception {
        jupyterPath();
        return specDir;
    }

    static synchronized String installerOutput() throws Exception {
        jupyterPath();
        return installerOutput;
    }
}
