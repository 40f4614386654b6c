package laai.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.GsonBuilder;

/**
 * The content of kernel.json. Paths are filled in only here, at install time, from the JVM doing
 * the installing; nothing machine-specific lives in the sources.
 */
public final class KernelSpec {

    /** Always passed to the kernel JVM; the ones a notebook depends on regardless of environment. */
    public static final List<String> STANDARD_JVM_OPTIONS = List.of(
            "-Djava.awt.headless=true",
            "-Dfile.encoding=UTF-8",
            "-Dai.djl.offline=true");

    /**
     * What Spark needs of a Java 17 JVM that runs its driver or a local executor: it reflects into
     * the JDK. Passed always, so that {@code %sweep --spark} works in any kernel; they only open
     * packages, and the kernel carries no Spark until that magic loads it. The same list as
     * bin/laai's spark_opts and the spark module's {@code spark.addOpens} (a test compares them).
     */
    public static final List<String> SPARK_JVM_OPTIONS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false");

    private final String displayName;
    private final Path java;
    private final int javaVersion;
    private final String classpath;
    private final List<String> jvmOptions;

    /** A spec for {@code java} of the running JVM's version (see {@link #currentJava()}). */
    public KernelSpec(String displayName, Path java, String classpath, List<String> jvmOptions) {
        this(displayName, java, Runtime.version().feature(), classpath, jvmOptions);
    }

    /** @param javaVersion the feature version of {@code java} (17, 21, ...): some options depend on it */
    public KernelSpec(String displayName, Path java, int javaVersion, String classpath, List<String> jvmOptions) {
        this.displayName = displayName;
        this.java = java;
        this.javaVersion = javaVersion;
        this.classpath = classpath;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** The {@code java} launcher of the running JVM, so the kernel runs on the JDK that installed it. */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toAbsolutePath().normalize();
    }

    public List<String> argv() {
        List<String> argv = new ArrayList<>();
        argv.add(java.toString());
        argv.add("-cp");
        argv.add(classpath);
        argv.addAll(STANDARD_JVM_OPTIONS);
        argv.addAll(ExitGuard.jvmOptions(javaVersion)); // so that a cell's System.exit can be refused
        argv.addAll(SPARK_JVM_OPTIONS);
        argv.addAll(jvmOptions); // after the standard ones, so a user -D wins
        argv.add(KernelMain.class.getName());
        argv.add("{connection_file}");
        return argv;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("argv", argv());
        json.put("display_name", displayName);
        json.put("language", "java");
        json.put("interrupt_mode", "message");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OPT_OUT_TRACKING", "true"); // DJL's usage tracking
        env.put("DJL_OFFLINE", "true");
        json.put("env", env);
        json.put("metadata", Map.of());
        return json;
    }

    public String toJson() {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(toMap());
    }

    /** Writes {@code dir/kernel.json}, creating {@code dir}. */
    public Path writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("kernel.json"), toJson() + "\n", StandardCharsets.UTF_8);
    }
}
