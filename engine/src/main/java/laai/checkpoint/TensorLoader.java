package laai.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Set;

/**
 * Turns tensor bytes into DJL arrays without ever showing DJL a dtype its PyTorch engine aborts on
 * (bfloat16, int16, unsigned ints: std::terminate, not an exception).
 *
 * <ul>
 *   <li>F32, F16, F64 loaded as themselves on CPU, aligned, within one buffer: a read-only mapping
 *       wrapped by {@code from_blob}, zero-copy: the array reads the page cache directly, and the
 *       mapped pages are the weight's only copy.</li>
 *   <li>Everything else (BF16, F8, any conversion, misaligned data, other devices, tensors above
 *       one buffer): read chunk by chunk with plain file reads, not through a mapping (mapped pages
 *       stay resident, and count against the process, until the collector happens to unmap them),
 *       widened in Java where DJL cannot hold the dtype, staged in a reused direct buffer, and
 *       copied into a torch-owned array with {@code set}. Staging keeps direct memory bounded: DJL
 *       pins a buffer passed to {@code create} for the array's whole life. The buffers are freed
 *       by {@link #release} once a model is loaded.</li>
 * </ul>
 */
final class TensorLoader {

    static final int DEFAULT_STAGING_BYTES = 64 << 20;

    private static final Set<DataType> TARGETS = Set.of(DataType.FLOAT32, DataType.FLOAT16, DataType.FLOAT64);

    /** Largest mapping or {@code from_blob} buffer; lowered in tests to exercise chunking cheaply. */
    private final long maxBufferBytes;
    private final int stagingBytes;
    private ByteBuffer staging;  // guarded by this
    private ByteBuffer raw;      // guarded by this: bytes as read, before widening

    static TensorLoader standard() {
        return new TensorLoader(Integer.MAX_VALUE, DEFAULT_STAGING_BYTES);
    }

    TensorLoader(long maxBufferBytes, int stagingBytes) {
        if (maxBufferBytes < 8 || maxBufferBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxBufferBytes must be in [8, 2^31-1]: " + maxBufferBytes);
        }
        if (stagingBytes < 8 || stagingBytes > maxBufferBytes) { // 8: room for one F64 element
            throw new IllegalArgumentException("stagingBytes must be in [8, maxBufferBytes]: " + stagingBytes);
        }
        this.maxBufferBytes = maxBufferBytes;
        this.stagingBytes = stagingBytes;
    }

    synchronized NDArray load(NDManager manager, SafeTensorsFile file, TensorInfo info, DataType target) {
        if (!TARGETS.contains(target)) {
            throw new IllegalArgumentException("target dtype must be FLOAT32, FLOAT16 or FLOAT64, got " + target
                    + " (loading '" + info.name() + "')");
        }
        requireFloat(info);
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new CheckpointException("safetensors data is little-endian; this CPU is not (loading '"
                    + info.name() + "' from " + info.file() + ")");
        }
        Device device = manager.getDevice();
        try (NDManager scratch = manager.newSubManager(Device.cpu())) {
            boolean cpu = Device.Type.CPU.equals(device.getDeviceType());
            NDArray onCpu = buildOnCpu(scratch, file, info, target, cpu);
            NDArray result = cpu ? onCpu : onCpu.toDevice(device, false);
            result.attach(manager);
            result.setName(info.name());
            return result;
        }
    }

    float[] readFloats(SafeTensorsFile file, TensorInfo info) {
        requireFloat(info);
        long n = info.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw CheckpointException.forTensor(info.file(), info.name(),
                    "readFloats cannot hold " + n + " elements in a float[] (use load())");
        }
        float[] out = new float[(int) n];
        int bytes = info.dtype().bytes();
        long window = maxBufferBytes / bytes;
        for (long from = 0; from < n; from += window) {
            int count = (int) Math.min(window, n - from);
            ByteBuffer src = file.map(info, from * bytes, (long) count * bytes);
            Widener.widen(info.dtype(), src, FloatBuffer.wrap(out, (int) from, count).slice(), count);
        }
        return out;
    }

    private static void requireFloat(TensorInfo info) {
        if (!info.dtype().isFloat()) {
            throw new CheckpointException("unsupported dtype " + info.dtype() + " for tensor '" + info.name()
                    + "' in " + info.file() + " (only F64, F32, F16, BF16, F8_E4M3 and F8_E5M2 load as floats)");
        }
    }

    private NDArray buildOnCpu(NDManager scratch, SafeTensorsFile file, TensorInfo info, DataType target, boolean cpu) {
        Shape shape = new Shape(info.shape());
        long n = info.numel();
        if (n == 0) {
            return scratch.create(shape, target);
        }
        DataType onDisk = nativeType(info.dtype());
        int bytes = info.dtype().bytes();
        // Torch kernels assume element-aligned data; a mapping is aligned exactly like its file offset.
        boolean zeroCopy = cpu && onDisk == target && info.begin() % bytes == 0 && info.byteSize() <= maxBufferBytes;
        if (zeroCopy) {
            return mapped(scratch, file, info, shape, onDisk);
        }
        NDArray flat = scratch.create(new Shape(n), target);
        long chunk = stagingBytes / Math.max(bytes, 4);
        for (long from = 0; from < n; from += chunk) {
            int count = (int) Math.min(chunk, n - from);
            try (NDArray converted = convert(staged(scratch, file, info, from, count, onDisk), target)) {
                flat.set(new NDIndex().addSliceDim(from, from + count), converted);
            }
        }
        return shape.equals(flat.getShape()) ? flat : flat.reshape(shape);
    }

    /** The DJL type that can wrap the on-disk bytes as they are, or null when Java must widen them. */
    private static DataType nativeType(DType dtype) {
        return switch (dtype) {
            case F32 -> DataType.FLOAT32;
            case F16 -> DataType.FLOAT16;
            case F64 -> DataType.FLOAT64;
            default -> null;
        };
    }

    private static NDArray mapped(NDManager scratch, SafeTensorsFile file, TensorInfo info, Shape shape, DataType onDisk) {
        ByteBuffer buf = file.map(info, 0, info.byteSize());
        return scratch.create(buf, shape, onDisk);
    }

    /**
     * Reads a chunk into the aligned staging buffer: raw when DJL can hold the dtype ({@code onDisk}
     * non-null), widened to float32 otherwise.
     */
    private NDArray staged(NDManager scratch, SafeTensorsFile file, TensorInfo info, long from, int count,
                           DataType onDisk) {
        int bytes = info.dtype().bytes();
        int stagedBytes = count * (onDisk != null ? bytes : 4);
        staging = capacity(staging, stagedBytes);
        if (onDisk != null) {
            file.read(info, from * bytes, staging.clear().limit(stagedBytes));
        } else {
            raw = capacity(raw, count * bytes);
            file.read(info, from * bytes, raw.clear().limit(count * bytes));
            Widener.widen(info.dtype(), raw.flip(), staging.clear().asFloatBuffer(), count);
        }
        // from_blob ignores the position, so hand over an exact slice starting at byte 0.
        return scratch.create(staging.slice(0, stagedBytes).order(ByteOrder.nativeOrder()), new Shape(count),
                onDisk != null ? onDisk : DataType.FLOAT32);
    }

    /** A direct buffer of at least {@code bytes}; the array wrapping it is closed (after {@code set} copied it) before reuse. */
    private ByteBuffer capacity(ByteBuffer buf, int bytes) {
        if (buf != null && buf.capacity() >= bytes) return buf;
        free(buf);
        int capacity = Math.max(bytes, Math.min(1 << 20, stagingBytes));
        return ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
    }

    /** Frees the staging buffers now (a model is loaded); a later load allocates them again. */
    synchronized void release() {
        free(staging);
        free(raw);
        staging = null;
        raw = null;
    }

    /** Direct buffers are otherwise freed only when the collector notices them. */
    private static void free(ByteBuffer buf) {
        if (buf == null) return;
        try {
            java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            ((sun.misc.Unsafe) f.get(null)).invokeCleaner(buf);
        } catch (ReflectiveOperationException e) {
            // left to the collector
        }
    }

    private static NDArray convert(NDArray array, DataType target) {
        if (array.getDataType() == target) {
            return array;
        }
        NDArray converted = array.toType(target, false);
        array.close();
        return converted;
    }
}
