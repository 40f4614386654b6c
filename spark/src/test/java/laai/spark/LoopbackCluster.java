package laai.spark;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on loopback for tests: a master and workers as separate JVM
 * processes (Spark's own Master and Worker main classes), on this test's classpath. A worker
 * starts executors from SPARK_HOME/jars, so SPARK_HOME is a folder whose jars/ links every jar of
 * the classpath; the module's class folders go to the executors as spark.executor.extraClassPath.
 * The constructor returns once every worker has registered with the master, so that a driver
 * finds the whole cluster; the folder keeps every log (executors' under worker-N/APP/EXECUTOR/).
 */
final class LoopbackCluster implements AutoCloseable {
    /** A daemon that exits is noticed at once; this only bounds one that hangs, on a machine that may be busy. */
    private static final Duration STARTUP = Duration.ofMinutes(10);

    /**
     * For the short-lived JVMs of a test cluster: the quick compiler only and one GC thread spend
     * less CPU on start-up (the model's arithmetic is in libtorch, untouched by either).
     */
    static final String LEAN_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    final Path dir;
    final Path home;
    final String master;
    final String classFolders;
    private final int uiPort;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();

    /** Starts a master and {@code workerCount} workers of one core each in {@code dir}, emptied first. */
    LoopbackCluster(Path dir, int workerCount) throws IOException, InterruptedException {
        this.dir = dir;
        empty(dir);
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
        uiPort = freePort();
        master = "spark://127.0.0.1:" + port;
        try {
            start(dir.resolve("master.log"), "org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", String.valueOf(uiPort));
            // A worker that finds no master retries only after 5 to 15 s, so start workers once it listens.
            long deadline = System.nanoTime() + STARTUP.toNanos();
            awaitListening(port, deadline);
            for (int w = 0; w < workerCount; w++) {
                Path work = Files.createDirectories(workDir(w));
                workers.add(start(dir.resolve("worker-" + w + ".log"), "org.apache.spark.deploy.worker.Worker",
                        "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port", "0",
                        "--work-dir", work.toString(), master));
            }
            awaitWorkers(workerCount, deadline);
        } catch (IOException | InterruptedException | RuntimeException e) {
            try {
                close();
            } catch (RuntimeException | InterruptedException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    private Path workDir(int worker) {
        return dir.resolve("worker-" + worker);
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
        cmd.addAll(List.of(LEAN_JVM.split(" ")));
        cmd.add("-Dai.djl.offline=true");
        for (String opt : System.getProperty("laai.spark.addOpens", "").split(" ")) if (!opt.isBlank()) cmd.add(opt);
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, classPath()));
        cmd.add(ExitWithParent.class.getName());
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        // Spark's scripts set this (load-spark-env.sh); without it a worker cannot build an executor's
        // command line from SPARK_HOME/jars ("Cannot find any build directories").
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().put("RUST_FLAVOR", "cpu");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private void awaitListening(int port, long deadline) throws IOException, InterruptedException {
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                checkTime(deadline, "the master to listen on port " + port);
                Thread.sleep(250);
            }
        }
    }

    private static final Pattern ALIVE = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

    /** Polls the master's status page (its JSON) until it counts {@code count} live workers. */
    private void awaitWorkers(int count, long deadline) throws IOException, InterruptedException {
        URI status = URI.create("http://127.0.0.1:" + uiPort + "/json/");
        while (true) {
            try (InputStream in = status.toURL().openStream()) {
                Matcher m = ALIVE.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                if (m.find() && Integer.parseInt(m.group(1)) >= count) return;
            } catch (IOException notYet) {
                // The page comes up a moment after the port.
            }
            checkTime(deadline, count + " workers to register");
            Thread.sleep(250);
        }
    }

    private void checkTime(long deadline, String what) {
        for (Process p : processes) {
            if (!p.isAlive()) throw new IllegalStateException("a Spark daemon exited (" + p.exitValue() + "); see the logs in " + dir);
        }
        if (System.nanoTime() > deadline) throw new IllegalStateException("waited " + STARTUP + " for " + what + "; see the logs in " + dir);
    }

    /**
     * Kills, at once, the worker that runs {@code executor} of application {@code app} and the
     * executors it started, as a lost machine goes. A worker keeps each executor's folder under
     * its work folder, which tells them apart. Returns the worker's number.
     */
    int killWorkerRunning(String app, String executor) {
        for (int w = 0; w < workers.size(); w++) {
            if (Files.isDirectory(workDir(w).resolve(app).resolve(executor))) {
                Process worker = workers.get(w);
                worker.descendants().forEach(ProcessHandle::destroyForcibly);
                worker.destroyForcibly();
                return w;
            }
        }
        throw new IllegalStateException("no worker runs executor " + executor + " of " + app);
    }

    boolean workerAlive(int worker) {
        return workers.get(worker).isAlive();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void empty(Path dir) throws IOException {
        if (Files.exists(dir)) {
            // Files.walk does not follow the links in spark-home/jars: only the links go.
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        Files.createDirectories(dir);
    }

    /** Kills every daemon and executor of the cluster and waits for them to be gone. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : processes) {
            p.descendants().forEach(all::add);
            all.add(p.toHandle());
        }
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("process " + p.pid() + " of the test cluster did not exit", e);
            }
        }
    }
}
