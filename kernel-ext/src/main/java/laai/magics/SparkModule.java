package laai.magics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import laai.eval.DistributedSweep;
import laai.kernel.MagicException;

/**
 * The spark module, loaded only when a {@code %sweep --spark} asks for it: the kernel's classpath
 * carries no Spark (150 MB of jars, and libraries that would clash with a notebook's), so its jars
 * ({@code laai-spark.jar} and the {@code lib/} folder Maven copies next to it) go into a class
 * loader of their own whose parent has the engine, and {@link DistributedSweep} is found through
 * {@link ServiceLoader} on that loader. The engine's classes (and libtorch's one native library)
 * come from the parent, so the rows and Δs that come back are the kernel's own classes.
 *
 * <p>Where the jars are: the system property {@value #DIR_PROPERTY}, else the environment
 * variable {@value #DIR_ENV}, else {@code spark/target} of the repository the kernel was
 * installed from ({@link Repository}).
 */
final class SparkModule {

    static final String DIR_PROPERTY = "laai.spark.dir";
    static final String DIR_ENV = "LAAI_SPARK_DIR";
    static final String JAR = "laai-spark.jar";
    /** The property the spark module reads for the jars a cluster's executors fetch from the driver. */
    static final String APPLICATION_JARS = "laai.spark.jars";
    /**
     * One package of those Spark reflects into on Java 17: a JVM started without the spark
     * module's --add-opens options has none of them, so one stands for all.
     */
    private static final String OPENED_PACKAGE = "sun.nio.ch";

    /** One loader per folder for the kernel's life: loading Spark's classes again would only leak them. */
    private static final Map<Path, Loaded> LOADED = new HashMap<>();

    /** The runner, and the loader a thread that starts Spark must have as its context class loader. */
    record Loaded(DistributedSweep sweep, ClassLoader loader) {
    }

    private SparkModule() {
    }

    /** The folder with {@value #JAR} and {@code lib/}, as configured or by default. */
    static Path dir(Repository repository) {
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(DIR_ENV);
        }
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        return repository.root().resolve("spark").resolve("target");
    }

    /** The spark module's runner, loaded once per folder; one clear message when it cannot be. */
    static synchronized Loaded load(Repository repository) {
        Path dir = dir(repository);
        Path jar = dir.resolve(JAR);
        Path lib = dir.resolve("lib");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
            throw new MagicException("--spark needs the spark module's jars, and " + dir + " has no " + JAR + " and lib/: "
                    + "build them with `mvn -B -q -DskipTests package` in " + repository.root() + " (it builds spark/ too), "
                    + "or point -D" + DIR_PROPERTY + " or " + DIR_ENV + " at the folder that holds them");
        }
        Loaded loaded = LOADED.get(dir);
        if (loaded == null) {
            ClassLoader parent = DistributedSweep.class.getClassLoader();
            URLClassLoader loader = new URLClassLoader("laai-spark", urls(jar, lib), parent);
            DistributedSweep sweep = ServiceLoader.load(DistributedSweep.class, loader).findFirst()
                    .orElseThrow(() -> new MagicException(jar + " provides no " + DistributedSweep.class.getName()
                            + ": rebuild it with `mvn -B -q -DskipTests package`"));
            loaded = new Loaded(sweep, loader);
            LOADED.put(dir, loaded);
            applicationJars(jar);
        }
        checkOpened(loaded.loader());
        return loaded;
    }

    /**
     * Spark reflects into the JDK, which Java 17 allows only to a JVM started with --add-opens
     * options; the kernelspec passes them, an older kernelspec or another kernel may not.
     */
    private static void checkOpened(ClassLoader loader) {
        Module unnamed = loader.getUnnamedModule();
        if (!Object.class.getModule().isOpen(OPENED_PACKAGE, unnamed)) {
            throw new MagicException("--spark needs the kernel's JVM started with the --add-opens options Spark needs "
                    + "on Java 17 (--add-opens=java.base/" + OPENED_PACKAGE + "=ALL-UNNAMED and the others of "
                    + "bin/laai's spark_opts); the laai kernelspec passes them: reinstall it with bin/laai kernel install "
                    + "and restart the kernel");
        }
    }

    /**
     * For a cluster, the jars its executors fetch from this driver (as bin/laai sets them): the
     * engine's jar, its libraries but SLF4J's, and the spark module's jar. Found only where the
     * engine runs from a packaged jar with its lib/ next to it; a value already set wins.
     */
    private static void applicationJars(Path sparkJar) {
        if (System.getProperty(APPLICATION_JARS) != null) {
            return;
        }
        Path engine = codeSource(DistributedSweep.class);
        if (engine == null || !Files.isRegularFile(engine) || !Files.isDirectory(engine.resolveSibling("lib"))) {
            return;
        }
        List<String> jars = new ArrayList<>();
        jars.add(engine.toString());
        for (Path j : jarsIn(engine.resolveSibling("lib"))) {
            if (!j.getFileName().toString().startsWith("slf4j-")) {
                jars.add(j.toString());
            }
        }
        jars.add(sparkJar.toString());
        System.setProperty(APPLICATION_JARS, String.join(",", jars));
    }

    private static URL[] urls(Path jar, Path lib) {
        List<Path> entries = new ArrayList<>();
        entries.add(jar);
        entries.addAll(jarsIn(lib));
        URL[] urls = new URL[entries.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = entries.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }
        return urls;
    }

    private static List<Path> jarsIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path codeSource(Class<?> type) {
        try {
            var source = type.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (Exception e) {
            return null;
        }
    }
}
