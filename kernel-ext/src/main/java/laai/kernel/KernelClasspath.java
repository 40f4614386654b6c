package laai.kernel;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The classpath a kernelspec should launch the kernel with, as absolute paths.
 *
 * <p>From a packaged build that is this module's jar plus the jars Maven copied next to it into
 * {@code lib/}. Run from class directories (IDE, Maven tests) it is the running JVM's own
 * classpath, which then also carries test classes and test extensions.
 */
public final class KernelClasspath {

    private KernelClasspath() {
    }

    public static List<Path> current() {
        Path codeSource = codeSource();
        if (codeSource != null && Files.isRegularFile(codeSource)) {
            Path lib = codeSource.getParent().resolve("lib");
            if (Files.isDirectory(lib)) {
                List<Path> entries = new ArrayList<>();
                entries.add(codeSource);
                entries.addAll(jarsIn(lib));
                return entries;
            }
        }
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(s -> !s.isBlank())
                .map(s -> Path.of(s).toAbsolutePath().normalize())
                .collect(Collectors.toList());
    }

    /** {@code base} followed by {@code extra}, absolute, without duplicates, joined for {@code -cp}. */
    public static String join(List<Path> base, List<String> extra) {
        Set<String> entries = new LinkedHashSet<>();
        base.forEach(p -> entries.add(p.toAbsolutePath().normalize().toString()));
        extra.stream().filter(s -> !s.isBlank())
                .forEach(s -> entries.add(Path.of(s).toAbsolutePath().normalize().toString()));
        return String.join(File.pathSeparator, entries);
    }

    private static Path codeSource() {
        try {
            var source = KernelClasspath.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | SecurityException e) {
            return null;
        }
    }

    private static List<Path> jarsIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .map(p -> p.toAbsolutePath().normalize())
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
