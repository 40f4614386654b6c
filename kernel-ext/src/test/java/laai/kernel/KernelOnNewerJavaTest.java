package laai.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Java 24 and later have no security manager, so the kernel cannot refuse a cell's System.exit
 * there; it must still start and run cells. Needs such a JDK: {@code -Dlaai.test.java24=JAVA_HOME},
 * else one beside the running JDK (e.g. in /usr/lib/jvm); skipped, saying so, where there is none.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@RequiresJupyter
class KernelOnNewerJavaTest {

    private static final Pattern VERSION = Pattern.compile("JAVA_VERSION=\"(\\d+)");

    @Test
    void theKernelStartsWithoutASecurityManagerOnJava24AndLater() throws Exception {
        Optional<Path> jdk = newerJdk();
        assumeTrue(jdk.isPresent(), "no JDK 24 or later found (set -Dlaai.test.java24=JAVA_HOME); skipping");
        int version = featureVersion(jdk.get());
        Path spec = InstalledKernel.jupyterPath().resolve("kernels").resolve("laai-test-java" + version);
        new KernelSpec("Java " + version + " (laai test)", jdk.get().resolve("bin").resolve("java"), version,
                KernelClasspath.join(KernelClasspath.current(), List.of()), List.of()).writeTo(spec);

        try (KernelSession kernel = KernelSession.start(spec.getFileName().toString())) {
            assertEquals(String.valueOf(version), kernel.execute("Runtime.version().feature()").plain());
            assertEquals("true", kernel.execute("System.getSecurityManager() == null").plain());
            assertEquals("ok", kernel.execute("int y = 6;").status());
            assertEquals("42", kernel.execute("y * 7").plain());
        }
    }

    private static Optional<Path> newerJdk() throws IOException {
        String configured = System.getProperty("laai.test.java24");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured));
        }
        Path siblings = Path.of(System.getProperty("java.home")).toRealPath().getParent();
        try (Stream<Path> dirs = Files.list(siblings)) {
            return dirs.filter(d -> Files.isExecutable(d.resolve("bin").resolve("java")) && featureVersion(d) >= 24)
                    .sorted().findFirst();
        }
    }

    /** From the JDK's release file; 0 where it has none. */
    private static int featureVersion(Path jdk) {
        try {
            Matcher m = VERSION.matcher(Files.readString(jdk.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
