package laai.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

class KernelSpecTest {

    @Test
    void argvLaunchesKernelMainWithTheStandardOptions() {
        KernelSpec spec = new KernelSpec("Java (laai)", KernelSpec.currentJava(), 17, "a.jar" + File.pathSeparator + "b.jar",
                List.of("-Xmx2g"));
        List<String> argv = spec.argv();
        assertTrue(Path.of(argv.get(0)).isAbsolute(), argv.get(0));
        assertTrue(Files.isExecutable(Path.of(argv.get(0))), "the running JVM's java: " + argv.get(0));
        List<String> expected = new java.util.ArrayList<>(List.of("-cp", "a.jar" + File.pathSeparator + "b.jar",
                "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8", "-Dai.djl.offline=true"));
        expected.addAll(KernelSpec.SPARK_JVM_OPTIONS);
        expected.addAll(List.of("-Xmx2g", "laai.kernel.KernelMain", "{connection_file}"));
        assertEquals(expected, argv.subList(1, argv.size()));
    }

    /** The kernel's options for Spark are those the spark module's tests and bin/laai run Spark with. */
    @Test
    void theSparkOptionsAreTheSparkModulesAndBinLaais() throws Exception {
        Path repo = Path.of(System.getProperty("laai.repo", "..")).toAbsolutePath().normalize();
        String pom = Files.readString(repo.resolve("spark/pom.xml"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<spark.addOpens>(.*?)</spark.addOpens>").matcher(pom);
        assertTrue(m.find(), "spark/pom.xml names spark.addOpens");
        assertEquals(List.of(m.group(1).trim().split("\\s+")), KernelSpec.SPARK_JVM_OPTIONS);
        String script = Files.readString(repo.resolve("bin/laai"));
        for (String option : KernelSpec.SPARK_JVM_OPTIONS) {
            assertTrue(script.contains(option), "bin/laai passes " + option);
        }
    }

    @Test
    void theSecurityManagerIsAllowedWhereTheJavaVersionNeedsIt() {
        for (int version : new int[] {17, 18, 21, 23, 24, 25}) {
            List<String> argv = new KernelSpec("J", Path.of("java"), version, "x.jar", List.of()).argv();
            // 17 allows one by default; 24 and later have none and refuse to start with the option.
            assertEquals(version >= 18 && version <= 23, argv.contains("-Djava.security.manager=allow"),
                    "Java " + version + ": " + argv);
        }
    }

    @Test
    void jsonHasEnvInterruptModeAndLanguage() {
        JsonObject json = JsonParser.parseString(
                new KernelSpec("Java (laai)", KernelSpec.currentJava(), "x.jar", List.of()).toJson()).getAsJsonObject();
        assertEquals("message", json.get("interrupt_mode").getAsString());
        assertEquals("java", json.get("language").getAsString());
        assertEquals("Java (laai)", json.get("display_name").getAsString());
        JsonObject env = json.getAsJsonObject("env");
        assertEquals("true", env.get("OPT_OUT_TRACKING").getAsString());
        assertEquals("true", env.get("DJL_OFFLINE").getAsString());
    }

    @Test
    void classpathEntriesAreAbsoluteAndDeduplicated() {
        String cp = KernelClasspath.join(List.of(Path.of("lib/a.jar")), List.of("lib/a.jar", "", "extra"));
        String[] entries = cp.split(File.pathSeparator);
        assertEquals(2, entries.length, cp);
        for (String entry : entries) {
            assertTrue(Path.of(entry).isAbsolute(), entry);
        }
    }

    @Test
    void runningFromClassDirectoriesUsesTheJvmClasspath() {
        List<Path> entries = KernelClasspath.current();
        assertTrue(entries.stream().allMatch(Path::isAbsolute), entries.toString());
        assertTrue(entries.stream().anyMatch(p -> p.endsWith(Path.of("target", "classes"))), entries.toString());
        assertTrue(entries.stream().anyMatch(p -> p.getFileName().toString().startsWith("jjava-jupyter")), entries.toString());
    }

    @Test
    void installerOptions() {
        KernelInstaller.Options o = KernelInstaller.parse(new String[] {"install", "--prefix", "p", "--name", "laai2",
                "--display-name", "Java 2", "--classpath", "x.jar" + File.pathSeparator + "y", "--jvm-option", "-Xmx1g",
                "--jupyter", "jup"});
        assertEquals("laai2", o.name());
        assertEquals("Java 2", o.displayName());
        assertTrue(o.prefix().isAbsolute());
        assertEquals(List.of("x.jar", "y"), o.extraClasspath());
        assertEquals(List.of("-Xmx1g"), o.jvmOptions());
        assertEquals(List.of("jup", "kernelspec", "install", "--replace", "--name", "laai2", "--prefix",
                o.prefix().toString(), "dir"), KernelInstaller.command(o, Path.of("dir")));

        KernelInstaller.Options user = KernelInstaller.parse(new String[] {"install"});
        assertEquals("laai", user.name());
        assertEquals(null, user.prefix());
        assertTrue(KernelInstaller.command(user, Path.of("d")).contains("--user"));

        assertThrows(IllegalArgumentException.class, () -> KernelInstaller.parse(new String[] {"install", "--user", "--prefix", "p"}));
        assertThrows(IllegalArgumentException.class, () -> KernelInstaller.parse(new String[] {"install", "--name", "Bad Name"}));
        assertThrows(IllegalArgumentException.class, () -> KernelInstaller.parse(new String[] {"uninstall"}));
    }

    @Test
    @RequiresJupyter
    void installerWritesTheKernelspecWhereJupyterFindsIt() throws Exception {
        Path dir = InstalledKernel.specDir();
        assertTrue(InstalledKernel.installerOutput().contains("Installed kernelspec '" + JupyterTools.KERNEL_NAME + "' in " + dir),
                InstalledKernel.installerOutput());
        Map<?, ?> json = new com.google.gson.Gson().fromJson(Files.readString(dir.resolve("kernel.json")), Map.class);
        List<?> argv = (List<?>) json.get("argv");
        assertTrue(argv.contains("laai.kernel.KernelMain"), argv.toString());
        assertTrue(argv.contains("-Dlaai.test.marker=from-kernelspec"), argv.toString());
    }
}
