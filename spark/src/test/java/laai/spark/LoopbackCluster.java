package laai.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on loopback for tests: a master and workers as separate JVM
 * processes (Spark's own Master and Worker main classes), on this test's classpath. A worker
 * starts executors from SPARK_HOME/jars, so SPARK_HOME is a folder whose jars/ links every jar of
 * the classpath; the module's class folders go to the executors as spark.executor.extraClassPath.
 */
final class LoopbackCluster implements AutoCloseable {
    final Path home;
    final String master;
    final String classFolders;
    private final List<Process> processes = new ArrayList<>();
    final List<Process> workers = new ArrayList<>();

    LoopbackCluster(Path dir, int workerCount) throws IOException {
        home = dir.resolve("spark-home");
        Files.createDirectories(home.resolve("jars"));
        List<String> folders = new ArrayList<>();
        for (String entry : classPath()) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) folders.add(p.toString());
            else if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
                Path link = home.resolve("jars").resolve(p.getFileName());
                if (!Files.exists(link)) Files.createSymbolicLink(link, p.toAbsolutePath());
            }
        }
        classFolders = String.join(File.pathSeparator, folders);
        int port = freePort();
        master = "spark://127.0.0.1:" + port;
        start(dir.resolve("master.log"), "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", "0");
        for (int w = 0; w < workerCount; w++) {
            Path work = Files.createDirectories(dir.resolve("worker-" + w));
            workers.add(start(dir.resolve("worker-" + w + ".log"), "org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port", "0",
                    "--work-dir", work.toString(), master));
        }
    }

    /** Surefire runs tests from a manifest-only jar; it names the real class path in this property. */
    private static String[] classPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String[] entries = cp.split(File.pathSeparator);
        if (entries.length < 2) throw new IllegalStateException("cannot see the test class path (only " + cp + ")");
        return entries;
    }

    private Process start(Path log, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        for (String opt : System.getProperty("laai.spark.addOpens", "").split(" ")) if (!opt.isBlank()) cmd.add(opt);
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, classPath()));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().put("RUST_FLAVOR", "cpu");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Kills a worker and the executors it started, at once, as a lost machine would go. */
    void kill(Process worker) {
        worker.descendants().forEach(ProcessHandle::destroyForcibly);
        worker.destroyForcibly();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) p.waitFor(30, TimeUnit.SECONDS);
    }
}
