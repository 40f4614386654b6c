package laai.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.LibUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** libtorch's float32 matmul precision through JNA: the switch, its effect on products, {@code auto}, failures. */
class MatmulPrecisionTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    /** The setting is process-wide: every other test of this JVM must find full F32 again. */
    @AfterEach
    void restore() {
        MatmulPrecision.set(MatmulPrecision.HIGHEST);
    }

    @Test
    void setterAndGetterRoundTripThroughLibtorch() {
        assertTrue(MatmulPrecision.available());
        assertEquals(MatmulPrecision.HIGHEST, MatmulPrecision.current(), "libtorch's default, and every test's");
        MatmulPrecision.set(MatmulPrecision.MEDIUM);
        assertEquals(MatmulPrecision.MEDIUM, MatmulPrecision.current());
        MatmulPrecision.Switch raw = MatmulPrecision.Switch.in(
                Path.of(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("torch_cpu")));
        assertEquals(2, raw.get(), "at::Float32MatmulPrecision::MEDIUM");
        MatmulPrecision.set(MatmulPrecision.HIGH);
        assertEquals(1, raw.get());
        MatmulPrecision.set(MatmulPrecision.HIGHEST);
        assertEquals(0, raw.get());
    }

    /**
     * libtorch hands MEDIUM's F32 products to oneDNN (allowed to compute in bf16) on CPUs with
     * AVX-512, and keeps MKL's product elsewhere. On the development machines (AVX-512 without
     * AMX) oneDNN's choice is its own F32 kernel: nearly every entry changes, by F32 rounding
     * (about 1e-6 of the largest entry), so the test asks for changed entries, not for bf16 error.
     */
    @Test
    void mediumChangesALargeProductAndHighestRestoresItBitForBit() throws Exception {
        Assumptions.assumeTrue(hasAvx512(), "libtorch sends F32 products to oneDNN only on CPUs with AVX-512");
        try (NDManager m = Djl.newManager(Device.cpu())) {
            m.getEngine().setRandomSeed(7);
            NDArray a = m.randomUniform(-1, 1, new Shape(64, 2048));
            NDArray b = m.randomUniform(-1, 1, new Shape(2048, 2048));
            float[] highest = a.matMul(b).toFloatArray();
            MatmulPrecision.set(MatmulPrecision.MEDIUM);
            float[] medium = a.matMul(b).toFloatArray();
            MatmulPrecision.set(MatmulPrecision.HIGHEST);
            float[] again = a.matMul(b).toFloatArray();

            int changed = 0;
            double worst = 0, scale = 0;
            for (int i = 0; i < highest.length; i++) {
                if (medium[i] != highest[i]) changed++;
                worst = Math.max(worst, Math.abs(medium[i] - highest[i]));
                scale = Math.max(scale, Math.abs(highest[i]));
            }
            assertTrue(changed > highest.length / 2, "medium should run another kernel; entries changed: " + changed);
            assertTrue(worst / scale < 1e-2, "but compute the same product, relative difference " + worst / scale);
            assertArrayEquals(highest, again, "back at highest: MKL's F32 product again, bit for bit");
        }
    }

    private static boolean hasAvx512() throws java.io.IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) return false;
        String flags = Files.readString(cpuinfo);
        return flags.contains(" avx512bw") && flags.contains(" avx512vl") && flags.contains(" avx512dq");
    }

    @Test
    void autoIsHighestForSmallModelsThenMediumOnCpuAndHighOnCuda() {
        long demo = 2_900_000, llama3 = 8_030_000_000L;
        assertEquals(MatmulPrecision.HIGHEST, MatmulPrecision.auto(demo, Device.cpu()));
        assertEquals(MatmulPrecision.HIGHEST, MatmulPrecision.auto(demo, Device.gpu()));
        assertEquals(MatmulPrecision.HIGHEST, MatmulPrecision.auto(99_999_999, Device.cpu()));
        assertEquals(MatmulPrecision.MEDIUM, MatmulPrecision.auto(100_000_000, Device.cpu()));
        assertEquals(MatmulPrecision.MEDIUM, MatmulPrecision.auto(llama3, Device.cpu()));
        assertEquals(MatmulPrecision.HIGH, MatmulPrecision.auto(llama3, Device.gpu()));

        assertEquals(MatmulPrecision.HIGHEST, MatmulPrecision.apply("auto", () -> demo, Device.cpu()));
        assertEquals(MatmulPrecision.HIGHEST, MatmulPrecision.current());
        assertEquals(MatmulPrecision.MEDIUM, MatmulPrecision.apply("AUTO", () -> llama3, Device.cpu()));
        assertEquals(MatmulPrecision.MEDIUM, MatmulPrecision.current());
        assertEquals(MatmulPrecision.HIGH, MatmulPrecision.apply("high", () -> demo, Device.cpu()), "an explicit value wins");
        assertEquals(MatmulPrecision.HIGH, MatmulPrecision.current());
    }

    @Test
    void aBadValueIsOneMessageBeforeTheModelIsRead() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MatmulPrecision.apply("fast", () -> { throw new AssertionError("config read"); }, Device.cpu()));
        assertEquals("--matmul-precision: expected auto, highest, high or medium, got 'fast'", e.getMessage());
    }

    @Test
    void aLibraryWithoutTheSwitchIsAClearErrorNotACrash() throws Exception {
        // libc10 ships beside libtorch_cpu and is loaded, but at::Context lives in libtorch_cpu.
        Path c10 = Path.of(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("c10"));
        assertTrue(Files.isRegularFile(c10), c10.toString());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MatmulPrecision.Switch.in(c10));
        assertTrue(e.getMessage().contains("does not export at::globalContext()"), e.getMessage());
        assertTrue(e.getMessage().contains(c10.toString()), e.getMessage());

        Path none = tmp.resolve(System.mapLibraryName("torch_cpu"));
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> MatmulPrecision.Switch.in(none));
        assertTrue(missing.getMessage().contains("no library " + none), missing.getMessage());

        try {
            MatmulPrecision.bindTo(c10);
            assertFalse(MatmulPrecision.available());
            assertThrows(IllegalStateException.class, () -> MatmulPrecision.set(MatmulPrecision.MEDIUM));
            assertEquals(MatmulPrecision.HIGHEST, MatmulPrecision.apply("auto", () -> 8_000_000_000L, Device.cpu()),
                    "auto stays at libtorch's default where there is no switch");
            assertEquals(MatmulPrecision.HIGHEST, MatmulPrecision.apply("highest", () -> 0, Device.cpu()));
            IllegalArgumentException asked = assertThrows(IllegalArgumentException.class,
                    () -> MatmulPrecision.apply("medium", () -> 0, Device.cpu()));
            assertTrue(asked.getMessage().startsWith("--matmul-precision medium: cannot reach libtorch's matmul precision: "),
                    asked.getMessage());
        } finally {
            MatmulPrecision.bindTo(null);
        }
        assertTrue(MatmulPrecision.available());

        Path notALibrary = Files.writeString(tmp.resolve("libfake.so"), "not an ELF file");
        IllegalStateException broken = assertThrows(IllegalStateException.class, () -> MatmulPrecision.Switch.in(notALibrary));
        assertTrue(broken.getMessage().contains("cannot open " + notALibrary), broken.getMessage());
        assertFalse(broken.getMessage().isBlank());
    }
}
