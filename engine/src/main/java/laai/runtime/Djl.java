package laai.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.sun.jna.NativeLibrary;

import java.util.Locale;

/**
 * The one place that starts DJL. DJL contacts an outside address at start-up unless offline mode
 * and tracking opt-out are set before its first class initialises, so every entry point of the
 * project touches this class first.
 */
public final class Djl {
    static {
        if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
        // DJL reads OPT_OUT_TRACKING from the environment or from a system property of that name.
        if (System.getProperty("OPT_OUT_TRACKING") == null) System.setProperty("OPT_OUT_TRACKING", "true");
        // The tokenizer native would otherwise pick a CUDA flavour on GPU hosts and try to download it.
        if (System.getProperty("RUST_FLAVOR") == null && System.getenv("RUST_FLAVOR") == null) {
            System.setProperty("RUST_FLAVOR", "cpu");
        }
        askForHugePages();
    }

    /** The environment variable libtorch reads, once, at its first CPU allocation. */
    static final String HUGE_PAGES = "THP_MEM_ALLOC_ENABLE";

    /**
     * Makes libtorch back each CPU allocation of 2 MB and more with transparent huge pages. Without
     * it every fresh large tensor (a weight widened from half precision, a [rows, vocab] logits
     * array) is faulted in 4 KB page by page, which in a virtual machine of this kind costs about
     * 6 µs a page: widening a 58.7 M-element matrix from F16 took 370 ms, with huge pages 18 ms;
     * the fast step on the Llama-3.2-1B shape went from 0.95 to 0.71 s. Set in the process
     * environment before DJL loads libtorch, so every entry point (CLI, tests, the kernel, a
     * user's JJava) gets it; a value already there (say 0) is kept.
     */
    private static void askForHugePages() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) return;
        try {
            NativeLibrary.getInstance("c").getFunction("setenv").invokeInt(new Object[] {HUGE_PAGES, "1", 0});
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            // Only speed is at stake.
        }
    }

    /** The value of {@link #HUGE_PAGES} libtorch sees (the process environment, not Java's copy of it). */
    static String hugePagesSetting() {
        return NativeLibrary.getInstance("c").getFunction("getenv").invokeString(new Object[] {HUGE_PAGES}, false);
    }

    private Djl() {}

    /** Loads the PyTorch engine (idempotent) and returns it. */
    public static Engine engine() {
        return Engine.getEngine("PyTorch");
    }

    public static NDManager newManager(Device device) {
        return NDManager.newBaseManager(device, "PyTorch");
    }

    /**
     * Picks the device: {@code "auto"} (CUDA when DJL finds a GPU, else CPU), {@code "cpu"},
     * {@code "cuda"} or {@code "cuda:N"}.
     */
    public static Device device(String name) {
        Engine engine = engine();
        String n = name == null ? "auto" : name.toLowerCase(Locale.ROOT);
        if (n.equals("auto")) return engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        if (n.equals("cpu")) return Device.cpu();
        if (n.startsWith("cuda") || n.startsWith("gpu")) {
            if (engine.getGpuCount() == 0) {
                throw new IllegalArgumentException("device " + name + " requested but DJL finds no GPU "
                        + "(the CPU build of libtorch is on the classpath; see README, section GPU)");
            }
            int colon = n.indexOf(':');
            return Device.gpu(colon < 0 ? 0 : Integer.parseInt(n.substring(colon + 1)));
        }
        throw new IllegalArgumentException("unknown device '" + name + "' (auto, cpu, cuda, cuda:N)");
    }

    /**
     * Grad mode is per thread in DJL and off only on the thread that loaded the engine; any other
     * thread that runs the model must call this before its first forward pass.
     */
    public static void noGradOnThisThread() {
        engine();
        JniUtils.setGradMode(false);
    }
}
