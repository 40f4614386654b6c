package laai.runtime;

import ai.djl.Device;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * libtorch's precision for float32 matrix products ({@code torch.set_float32_matmul_precision}),
 * which DJL does not expose. {@code HIGHEST} is full F32 (libtorch's default; MKL on CPU);
 * {@code HIGH} lets CUDA use TF32 tensor cores; {@code MEDIUM} also hands the CPU's F32 products
 * to oneDNN (on CPUs with AVX-512), allowed to compute them in bfloat16 (tensors stay F32). Where
 * oneDNN has no bf16 kernel for that (AVX-512 without AMX, as on the development machines) it runs
 * its own F32 kernel: F32 arithmetic, and faster than MKL's there. The setting is process-wide
 * and applies to the forward and the backward products alike.
 *
 * <p>Reached through JNA: libtorch exports {@code at::globalContext()} and the member functions
 * of {@code at::Context} as plain C++ symbols of {@code libtorch_cpu}, in the folder DJL loaded it
 * from. The constants' order is that of {@code at::Float32MatmulPrecision}.
 */
public enum MatmulPrecision {
    HIGHEST, HIGH, MEDIUM;

    /**
     * {@code auto} keeps models below this size at full F32 (the demo model, TinyStories and every
     * test then compute exactly what they did before the switch existed); larger models get the
     * faster products, whose rounding is at worst bf16's, what the paper's checkpoints are stored in.
     */
    public static final long AUTO_THRESHOLD_PARAMETERS = 100_000_000L;

    static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    static final String SETTER = "_ZN2at7Context25setFloat32MatmulPrecisionENS_22Float32MatmulPrecisionE";
    static final String GETTER = "_ZNK2at7Context22float32MatmulPrecisionEv";

    private static Path library; // null: libtorch_cpu in the folder DJL loaded it from
    private static Switch torch;
    private static IllegalStateException unavailable;

    /** The lower-case name used on the command line and in magics. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code highest}, {@code high} or {@code medium}, in any case. */
    public static MatmulPrecision parse(String name) {
        for (MatmulPrecision p : values()) {
            if (p.label().equalsIgnoreCase(name == null ? "" : name.strip())) return p;
        }
        throw new IllegalArgumentException("--matmul-precision: expected auto, highest, high or medium, got '" + name + "'");
    }

    /** What {@code auto} means for a model of this many parameters on this device. */
    public static MatmulPrecision auto(long parameters, Device device) {
        if (parameters < AUTO_THRESHOLD_PARAMETERS) return HIGHEST;
        return device.isGpu() ? HIGH : MEDIUM;
    }

    /**
     * Resolves an option value ({@code auto}, {@code highest}, {@code high}, {@code medium}) for a
     * model and sets it; returns the precision in use. The value is checked before the parameter
     * count is asked for (a config read), so a typo is reported first. Where libtorch lacks the
     * switch, {@code auto} and {@code highest} stay at libtorch's default (full F32) instead of
     * failing, while an explicit {@code high} or {@code medium} is an
     * {@link IllegalArgumentException} saying why.
     */
    public static MatmulPrecision apply(String option, LongSupplier parameters, Device device) {
        boolean isAuto = option == null || option.strip().equalsIgnoreCase("auto");
        MatmulPrecision wanted = isAuto ? auto(parameters.getAsLong(), device) : parse(option);
        try {
            set(wanted);
            return wanted;
        } catch (IllegalStateException e) {
            // Without the switch nothing can have moved libtorch off its default, full F32.
            if (isAuto || wanted == HIGHEST) return HIGHEST;
            throw new IllegalArgumentException("--matmul-precision " + wanted.label() + ": " + e.getMessage(), e);
        }
    }

    /** Sets the process-wide precision; an {@link IllegalStateException} where libtorch has no switch. */
    public static void set(MatmulPrecision precision) {
        torch().set(precision.ordinal());
    }

    /** The process-wide precision libtorch reports. */
    public static MatmulPrecision current() {
        int value = torch().get();
        if (value < 0 || value >= values().length) {
            throw new IllegalStateException("libtorch reports an unknown float32 matmul precision " + value);
        }
        return values()[value];
    }

    /** Whether this libtorch has the switch (binds it on first use). */
    public static boolean available() {
        try {
            torch();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static synchronized Switch torch() {
        if (torch != null) return torch;
        if (unavailable != null) throw unavailable;
        try {
            Djl.engine(); // DJL extracts and loads libtorch here; before that there is no folder to ask for
            Path lib = library;
            if (lib == null) {
                String dir = LibUtils.getLibtorchPath();
                if (dir == null) throw new IllegalStateException("cannot reach libtorch's matmul precision: DJL reports no libtorch folder");
                lib = Path.of(dir).resolve(System.mapLibraryName("torch_cpu"));
            }
            torch = Switch.in(lib);
            return torch;
        } catch (IllegalStateException e) {
            unavailable = e;
            throw e;
        }
    }

    /** Looks the switch up in {@code lib} from now on ({@code null}: DJL's libtorch again); for tests. */
    static synchronized void bindTo(Path lib) {
        library = lib;
        torch = null;
        unavailable = null;
    }

    /** libtorch's getter and setter bound in one library; package-private so a test can bind another. */
    static final class Switch {
        private final Pointer context;
        private final Function setter;
        private final Function getter;

        private Switch(Pointer context, Function setter, Function getter) {
            this.context = context;
            this.setter = setter;
            this.getter = getter;
        }

        static Switch in(Path library) {
            if (!Files.isRegularFile(library)) {
                throw new IllegalStateException("cannot reach libtorch's matmul precision: no library " + library);
            }
            NativeLibrary lib;
            try {
                lib = NativeLibrary.getInstance(library.toString());
            } catch (UnsatisfiedLinkError e) {
                throw new IllegalStateException("cannot reach libtorch's matmul precision: cannot open " + library
                        + ": " + e.getMessage());
            }
            Function global = function(lib, library, GLOBAL_CONTEXT, "at::globalContext()");
            Function setter = function(lib, library, SETTER, "at::Context::setFloat32MatmulPrecision");
            Function getter = function(lib, library, GETTER, "at::Context::float32MatmulPrecision");
            Pointer context = global.invokePointer(new Object[0]);
            if (context == null) throw new IllegalStateException("at::globalContext() returned null in " + library);
            return new Switch(context, setter, getter);
        }

        private static Function function(NativeLibrary lib, Path library, String symbol, String what) {
            try {
                return lib.getFunction(symbol);
            } catch (UnsatisfiedLinkError e) {
                throw new IllegalStateException("cannot reach libtorch's matmul precision: " + library
                        + " does not export " + what + " (" + symbol + "); this libtorch build has no such switch"
                        + " (DJL's Linux build of libtorch 2.7.1 has)");
            }
        }

        void set(int value) {
            setter.invokeVoid(new Object[] {context, value});
        }

        int get() {
            return getter.invokeInt(new Object[] {context});
        }
    }
}
