package laai.checkpoint;

import static laai.checkpoint.CheckpointBytes.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading into DJL NDArrays: every float dtype, targets, chunking, zero-copy, refusals. */
class CheckpointLoadTest {

    @TempDir
    Path tmp;

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** One tensor of every float dtype, shape [7, 13] (91 elements: chunk sizes in the tests do not divide it). */
    private Path everyFloatDtype() {
        float[] v = CheckpointBytes.randomFloats(91, 5);
        ByteBuffer f64 = ByteBuffer.allocate(91 * 8).order(ByteOrder.LITTLE_ENDIAN);
        byte[] e4m3 = new byte[91];
        byte[] e5m2 = new byte[91];
        for (int i = 0; i < 91; i++) {
            f64.putDouble(v[i] * 1.0000001);
            e4m3[i] = (byte) (i == 90 ? 0x7E : i); // skips 0x7F (NaN) except as data: 0..89 are finite
            e5m2[i] = (byte) (i + 10);
        }
        Path file = tmp.resolve("all.safetensors");
        new SafeTensorsWriter()
                .add("f32", DType.F32, shape(7, 13), v)
                .add("f16", DType.F16, shape(7, 13), v)
                .add("bf16", DType.BF16, shape(7, 13), v)
                .addRaw("f64", DType.F64, shape(7, 13), f64.array())
                .addRaw("e4m3", DType.F8_E4M3, shape(7, 13), e4m3)
                .addRaw("e5m2", DType.F8_E5M2, shape(7, 13), e5m2)
                .add("scalar", DType.BF16, shape(), new float[] {-1.5f})
                .add("vector", DType.F32, shape(37), CheckpointBytes.randomFloats(37, 6))
                .add("empty", DType.F16, shape(0, 3), new float[0])
                .write(file);
        return file;
    }

    @Test
    void everyFloatDtypeLoadsAsFloat32() {
        float[] original = CheckpointBytes.randomFloats(91, 5);
        try (Checkpoint ckpt = Checkpoint.open(everyFloatDtype())) {
            for (String name : ckpt.names()) {
                NDArray a = ckpt.load(manager, name);
                assertEquals(DataType.FLOAT32, a.getDataType(), name);
                assertEquals(new Shape(ckpt.info(name).shape()), a.getShape(), name);
                assertArrayEquals(ckpt.readFloats(name), a.toFloatArray(), name);
                assertSame(manager, a.getManager());
                assertEquals(name, a.getName());
            }
            assertArrayEquals(original, ckpt.load(manager, "f32").toFloatArray());
            float[] bf16 = ckpt.load(manager, "bf16").toFloatArray();
            for (int i = 0; i < 91; i++) {
                assertEquals(FloatFormats.bf16ToFloat(FloatFormats.floatToBf16(original[i])), bf16[i]);
                assertEquals((float) (original[i] * 1.0000001), ckpt.readFloats("f64")[i]);
            }
            assertEquals(448f, ckpt.readFloats("e4m3")[90]);
            assertEquals(0x1p-9f * 3, ckpt.readFloats("e4m3")[3]);
            assertEquals(-1.5f, ckpt.load(manager, "scalar").getFloat());
            assertEquals(new Shape(0, 3), ckpt.load(manager, "empty").getShape());
        }
    }

    @Test
    void otherTargetTypes() {
        try (Checkpoint ckpt = Checkpoint.open(everyFloatDtype())) {
            for (String name : List.of("f32", "f16", "bf16", "f64", "e5m2")) {
                NDArray half = ckpt.load(manager, name, DataType.FLOAT16);
                assertEquals(DataType.FLOAT16, half.getDataType());
                float[] expected = ckpt.readFloats(name);
                float[] got = half.toType(DataType.FLOAT32, false).toFloatArray();
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(FloatFormats.halfToFloat(FloatFormats.floatToHalf(expected[i])), got[i], name + "[" + i + "]");
                }
                NDArray dbl = ckpt.load(manager, name, DataType.FLOAT64);
                assertEquals(DataType.FLOAT64, dbl.getDataType());
            }
            double[] f64 = ckpt.load(manager, "f64", DataType.FLOAT64).toDoubleArray();
            assertEquals(CheckpointBytes.randomFloats(91, 5)[4] * 1.0000001, f64[4], 0.0, "FLOAT64 target keeps F64 exactly");
            assertThrows(IllegalArgumentException.class, () -> ckpt.load(manager, "f32", DataType.BFLOAT16));
            assertThrows(IllegalArgumentException.class, () -> ckpt.load(manager, "f32", DataType.INT16));
        }
    }

    /** The writer's F16 rounding must agree with torch's, or F16 fixtures would not mean what tests assume. */
    @Test
    void javaHalfRoundingMatchesTorch() {
        float[] v = new float[20_000];
        java.util.Random r = new java.util.Random(11);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * Math.pow(2, r.nextInt(50) - 30)); // subnormal to overflow range
        }
        float[] torch = manager.create(v).toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false).toFloatArray();
        for (int i = 0; i < v.length; i++) {
            assertEquals(torch[i], FloatFormats.halfToFloat(FloatFormats.floatToHalf(v[i])), "for " + v[i]);
        }
    }

    @Test
    void integerDtypesAreRefusedBeforeDjlSeesThem() {
        Path file = tmp.resolve("ints.safetensors");
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (DType t : DType.values()) {
            if (!t.isFloat()) {
                w.addRaw(t.name().toLowerCase(), t, shape(2, 2), new byte[4 * t.bytes()]);
            }
        }
        w.add("ok", DType.F32, shape(1), new float[] {1});
        w.write(file);
        try (Checkpoint ckpt = Checkpoint.open(file)) {
            for (DType t : DType.values()) {
                if (t.isFloat()) {
                    continue;
                }
                String name = t.name().toLowerCase();
                assertEquals(t, ckpt.info(name).dtype());
                assertArrayEquals(shape(2, 2), ckpt.info(name).shape());
                CheckpointException ex = assertThrows(CheckpointException.class, () -> ckpt.load(manager, name));
                assertTrue(ex.getMessage().startsWith("unsupported dtype " + t + " for tensor '" + name + "' in "
                        + file.toAbsolutePath()), ex.getMessage());
                assertThrows(CheckpointException.class, () -> ckpt.load(manager, name, DataType.FLOAT16));
                assertThrows(CheckpointException.class, () -> ckpt.readFloats(name));
            }
            assertEquals(1f, ckpt.load(manager, "ok").getFloat(), "the JVM and engine are still fine");
        }
    }

    /** With a tiny buffer limit every path goes through chunked mapping or staging; results must not change. */
    @Test
    void chunkedPathEqualsPlainPath() {
        Path file = everyFloatDtype();
        TensorLoader tiny = new TensorLoader(40, 24); // 10 F32 / 20 F16 / 5 F64 per mapping, 6 per staging round
        try (Checkpoint plain = Checkpoint.open(file); Checkpoint chunked = Checkpoint.open(file, tiny)) {
            for (String name : plain.names()) {
                for (DataType target : List.of(DataType.FLOAT32, DataType.FLOAT16)) {
                    NDArray a = plain.load(manager, name, target);
                    NDArray b = chunked.load(manager, name, target);
                    assertEquals(a.getShape(), b.getShape(), name);
                    assertEquals(a.getDataType(), b.getDataType(), name);
                    assertTrue(a.contentEquals(b), name + " as " + target);
                }
                assertArrayEquals(plain.readFloats(name), chunked.readFloats(name), name);
            }
        }
    }

    /** A third-party file may put F32 data at an odd offset; torch must not get a misaligned pointer. */
    @Test
    void misalignedDataIsCopiedNotWrapped() throws IOException {
        StringBuilder header = new StringBuilder("{\"pad\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[1,17]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[17,23]}}");
        while (header.length() % 8 != 0) {
            header.append(' '); // data section 8-aligned, so "w" starts at an address = 1 (mod 8)
        }
        Path file = CheckpointBytes.rawFile(tmp.resolve("odd.safetensors"), header.toString(), 23);
        try (Checkpoint ckpt = Checkpoint.open(file); FileChannel rw = FileChannel.open(file, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            TensorInfo wi = ckpt.info("w");
            assertEquals(1, wi.begin() % 8, "the fixture really is misaligned");
            ByteBuffer data = ByteBuffer.allocate(23).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 23; i++) {
                data.put((byte) i);
            }
            NDArray w = ckpt.load(manager, "w");
            for (int i = 0; i < 4; i++) {
                assertEquals(data.getFloat(1 + 4 * i), w.toFloatArray()[i]);
            }
            float[] h = ckpt.load(manager, "h").toFloatArray();
            assertEquals(FloatFormats.halfToFloat(data.getShort(17)), h[0]);
            assertArrayEquals(ckpt.readFloats("h"), h);

            // staged, not wrapped: a later change to the file does not reach the array
            rw.map(FileChannel.MapMode.READ_WRITE, wi.begin(), wi.byteSize()).order(ByteOrder.LITTLE_ENDIAN)
                    .putFloat(0, 99f);
            assertEquals(99f, ckpt.readFloats("w")[0]);
            assertEquals(data.getFloat(1), w.toFloatArray()[0]);
        }
    }

    /**
     * Zero-copy check: the loaded F32 array must read the same pages as the file. A write through a
     * separate READ_WRITE mapping of the tensor's bytes shows up in the array; for BF16 (converted, a
     * copy) it must not, which shows the check can fail.
     */
    @Test
    void f32LoadIsZeroCopy() throws IOException {
        Path file = tmp.resolve("zc.safetensors");
        new SafeTensorsWriter()
                .add("w", DType.F32, shape(4, 4), CheckpointBytes.randomFloats(16, 1))
                .add("b", DType.BF16, shape(4, 4), CheckpointBytes.randomFloats(16, 1))
                .write(file);
        try (Checkpoint ckpt = Checkpoint.open(file); FileChannel rw = FileChannel.open(file, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            NDArray w = ckpt.load(manager, "w");
            NDArray b = ckpt.load(manager, "b");
            float bBefore = b.toFloatArray()[5];

            TensorInfo wi = ckpt.info("w");
            MappedByteBuffer wBytes = rw.map(FileChannel.MapMode.READ_WRITE, wi.begin(), wi.byteSize());
            wBytes.order(ByteOrder.LITTLE_ENDIAN).putFloat(5 * 4, 123.5f);
            TensorInfo bi = ckpt.info("b");
            MappedByteBuffer bBytes = rw.map(FileChannel.MapMode.READ_WRITE, bi.begin(), bi.byteSize());
            bBytes.order(ByteOrder.LITTLE_ENDIAN).putShort(5 * 2, FloatFormats.floatToBf16(123.5f));

            assertEquals(123.5f, w.toFloatArray()[5], "F32 array shares the file's pages");
            assertEquals(bBefore, b.toFloatArray()[5], "BF16 array is a converted copy");
            assertNotEquals(bBefore, 123.5f);
        }
    }

    @Test
    void loadedArraysOutliveTheCheckpoint() {
        Path file = everyFloatDtype();
        NDArray w;
        float[] expected;
        try (Checkpoint ckpt = Checkpoint.open(file)) {
            w = ckpt.load(manager, "f32");
            expected = ckpt.readFloats("f32");
        }
        System.gc();
        assertArrayEquals(expected, w.toFloatArray());
        assertEquals(sum(expected), w.sum().getFloat(), 1e-3);
    }

    /** Parallel callers, and tensors large enough for the parallel widening path. */
    @Test
    void concurrentLoadsAgree() throws Exception {
        Path file = tmp.resolve("big.safetensors");
        int n = Widener.PARALLEL_THRESHOLD + 12_345;
        new SafeTensorsWriter()
                .add("bf16", DType.BF16, shape(n), CheckpointBytes.randomFloats(n, 1))
                .add("f16", DType.F16, shape(n), CheckpointBytes.randomFloats(n, 2))
                .add("f32", DType.F32, shape(n), CheckpointBytes.randomFloats(n, 3))
                .write(file);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Checkpoint ckpt = Checkpoint.open(file)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String name = List.of("bf16", "f16", "f32").get(t % 3);
                results.add(pool.submit(() -> {
                    try (NDManager own = manager.newSubManager()) {
                        return java.util.Arrays.equals(ckpt.readFloats(name), ckpt.load(own, name).toFloatArray());
                    }
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f;
        }
        return s;
    }
}
