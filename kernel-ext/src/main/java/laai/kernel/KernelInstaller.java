package laai.kernel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Installs the laai kernelspec with {@code jupyter kernelspec install}.
 *
 * <pre>
 * java -cp 'kernel-ext/target/laai-kernel-ext.jar:kernel-ext/target/lib/*' laai.kernel.KernelInstaller \
 *      install [--user | --prefix DIR] [--name laai] [--display-name TEXT] [--classpath A:B]
 *      [--jvm-option OPT]... [--jupyter CMD]
 * </pre>
 */
public final class KernelInstaller {

    static final String USAGE = String.join("\n",
            "usage: KernelInstaller install [--user | --prefix DIR] [--name NAME] [--display-name TEXT]",
            "                               [--classpath A:B] [--jvm-option OPT]... [--jupyter CMD]",
            "  --user           install for the current user (the default)",
            "  --prefix DIR     install into DIR/share/jupyter/kernels/NAME (use JUPYTER_PATH=DIR/share/jupyter)",
            "  --name NAME      kernelspec name, [a-z0-9._-] (default: laai)",
            "  --display-name   name shown in notebook frontends (default: Java (laai))",
            "  --classpath      extra jars or directories for the kernel, e.g. the engine's",
            "  --jvm-option     an extra option for the kernel JVM, e.g. -Xmx8g; repeatable",
            "  --jupyter CMD    the jupyter executable (default: the system one, else jupyter on PATH)",
            "The installing JVM's -Dlaai.repo (bin/laai sets it) is passed on to the kernel, so that the",
            "magics find the repository's models/ and datasets/; a --jvm-option -Dlaai.repo=DIR wins.");

    /** Where the magics find models/ and datasets/ (see laai.magics.Repository). */
    static final String REPO_PROPERTY = "laai.repo";
    private static final Pattern VALID_NAME = Pattern.compile("[a-z0-9._-]+");
    private static final Pattern INSTALLED_IN = Pattern.compile("Installed kernelspec \\S+ in (.+)");
    /** Debian's jupyter; the python3 first on PATH may be another interpreter without Jupyter. */
    private static final Path SYSTEM_JUPYTER = Path.of("/usr/bin/jupyter");

    /** What to install where. {@code prefix == null} means a per-user install. */
    public record Options(String name, String displayName, Path prefix, List<String> extraClasspath,
                          List<String> jvmOptions, String jupyter) {
    }

    private KernelInstaller() {
    }

    public static void main(String[] args) {
        try {
            install(parse(args), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        } catch (IOException e) {
            System.err.println("laai kernel install failed: " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(130);
        }
    }

    public static Options parse(String[] args) {
        if (args.length == 0 || !args[0].equals("install")) {
            throw new IllegalArgumentException("expected the command 'install'");
        }
        String name = "laai";
        String displayName = "Java (laai)";
        Path prefix = null;
        boolean user = false;
        List<String> classpath = new ArrayList<>();
        List<String> jvmOptions = new ArrayList<>();
        String jupyter = null;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--user": user = true; break;
                case "--prefix": prefix = Path.of(value(args, ++i, arg)).toAbsolutePath().normalize(); break;
                case "--name": name = value(args, ++i, arg); break;
                case "--display-name": displayName = value(args, ++i, arg); break;
                case "--classpath": classpath.addAll(List.of(value(args, ++i, arg).split(java.io.File.pathSeparator))); break;
                case "--jvm-option": jvmOptions.add(value(args, ++i, arg)); break;
                case "--jupyter": jupyter = value(args, ++i, arg); break;
                default: throw new IllegalArgumentException("unknown option: " + arg);
            }
        }
        if (user && prefix != null) {
            throw new IllegalArgumentException("--user and --prefix exclude each other");
        }
        if (!VALID_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid kernelspec name '" + name + "': use [a-z0-9._-]");
        }
        return new Options(name, displayName, prefix, classpath, jvmOptions, jupyter != null ? jupyter : defaultJupyter());
    }

    /** Installs the kernelspec and returns the directory Jupyter put it in. */
    public static Path install(Options options, PrintStream out) throws IOException, InterruptedException {
        String classpath = KernelClasspath.join(KernelClasspath.current(), options.extraClasspath());
        KernelSpec spec = new KernelSpec(options.displayName(), KernelSpec.currentJava(), classpath,
                withRepository(options.jvmOptions(), System.getProperty(REPO_PROPERTY)));

        Path staging = Files.createTempDirectory("laai-kernelspec");
        try {
            Path specDir = staging.resolve(options.name());
            spec.writeTo(specDir);
            String output = runJupyter(command(options, specDir));
            Path installed = installedDir(output, options);
            out.println("Installed kernelspec '" + options.name() + "' in " + installed);
            return installed;
        } finally {
            deleteTree(staging);
        }
    }

    /** The kernel's JVM options plus {@code -Dlaai.repo=repo}, unless they name a repository already. */
    static List<String> withRepository(List<String> jvmOptions, String repo) {
        boolean named = jvmOptions.stream().anyMatch(o -> o.startsWith("-D" + REPO_PROPERTY + "="));
        if (repo == null || repo.isBlank() || named) {
            return jvmOptions;
        }
        List<String> options = new ArrayList<>();
        options.add("-D" + REPO_PROPERTY + "=" + Path.of(repo).toAbsolutePath().normalize());
        options.addAll(jvmOptions);
        return options;
    }

    static List<String> command(Options options, Path specDir) {
        List<String> cmd = new ArrayList<>(List.of(options.jupyter(), "kernelspec", "install", "--replace",
                "--name", options.name()));
        if (options.prefix() != null) {
            cmd.add("--prefix");
            cmd.add(options.prefix().toString());
        } else {
            cmd.add("--user");
        }
        cmd.add(specDir.toString());
        return cmd;
    }

    private static String runJupyter(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = process.waitFor();
        if (rc != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + rc + ":\n" + output);
        }
        return output;
    }

    private static Path installedDir(String jupyterOutput, Options options) {
        Matcher m = INSTALLED_IN.matcher(jupyterOutput);
        if (m.find()) {
            return Path.of(m.group(1).strip());
        }
        // Older jupyter_client versions print nothing; the prefix layout is fixed.
        return options.prefix() != null
                ? options.prefix().resolve("share/jupyter/kernels").resolve(options.name())
                : Path.of(options.name());
    }

    private static String defaultJupyter() {
        return Files.isExecutable(SYSTEM_JUPYTER) ? SYSTEM_JUPYTER.toString() : "jupyter";
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
