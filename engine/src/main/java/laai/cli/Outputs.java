package laai.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Output paths checked before any work, so that a run of minutes does not end in "cannot write". */
final class Outputs {
    private Outputs() {}

    /** A file to be written (replaced if it exists): not a folder, in a folder that exists and is writable. */
    static void checkFile(Path file, String option) {
        if (file == null) return;
        Path absolute = file.toAbsolutePath();
        if (Files.isDirectory(absolute)) throw new IllegalArgumentException(option + " " + file + " is a folder; give a file name");
        Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException(option + " " + file + ": the folder " + parent + " does not exist");
        }
        if (!Files.isWritable(parent) || (Files.exists(absolute) && !Files.isWritable(absolute))) {
            throw new IllegalArgumentException(option + " " + file + " is not writable");
        }
    }

    /** A folder to write into: created now when missing, and writable. */
    static void checkFolder(Path dir, String option) {
        if (dir == null) return;
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IllegalArgumentException(option + " " + dir + " is a file, not a folder");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + dir + ": cannot create the folder (" + e.getMessage() + ")");
        }
        if (!Files.isWritable(dir)) throw new IllegalArgumentException(option + " " + dir + " is not writable");
    }

    /** Runs a write after the work is done; its failure is returned as a message rather than thrown, so results still print. */
    static String attempt(String what, Runnable write) {
        try {
            write.run();
            return null;
        } catch (UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            return what + " failed: " + e.getMessage();
        }
    }
}
