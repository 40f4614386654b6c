package laai.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process, from /proc/self/status (Linux), for the benchmarks. */
public final class Memory {
    private Memory() {}

    /** Current resident set (VmRSS), bytes. */
    public static long resident() {
        return status("VmRSS");
    }

    /** Peak resident set since the process started (VmHWM), bytes. */
    public static long peakResident() {
        return status("VmHWM");
    }

    private static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key + ":")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(key + " is not in /proc/self/status (not Linux?)");
    }
}
