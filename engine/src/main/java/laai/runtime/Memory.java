package laai.runtime;

import com.sun.jna.NativeLibrary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process, from /proc/self/status (Linux), for the benchmarks. */
public final class Memory {
    private Memory() {}

    /**
     * Hands the C heap's free pages back to the system (glibc's {@code malloc_trim}). libtorch
     * allocates every tensor with malloc; tensors below the mmap threshold, which glibc raises as
     * large ones are freed, live in arenas whose free holes stay resident. Over an hour of
     * training Gemma-2-2B's shape those holes grew the process by 0.6 GB. Trimming costs the
     * faults of refilling the pages it returns, so the optimiser does it every few dozen steps,
     * not every step. A no-op where there is no glibc.
     */
    public static void returnFreeHeap() {
        if (!TRIM_AVAILABLE) return;
        try {
            NativeLibrary.getInstance("c").getFunction("malloc_trim").invokeInt(new Object[] {0});
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            // Only memory is at stake.
        }
    }

    private static final boolean TRIM_AVAILABLE =
            System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");

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
