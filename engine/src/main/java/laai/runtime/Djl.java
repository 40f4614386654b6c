package laai.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

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
