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
 *   <li>F32, F16, F64 that fit one buffer: a read-only mapping wrapped by {@code from_blob}. Loaded
 *       as the same type on CPU this is zero-copy: the array reads the page cache directly.</li>
 *   <li>BF16, F8 (and misaligned F32/F16/F64): widened (or copied) in Java into a reused
 *       per-thread staging buffer, then copied into a torch-owned array chunk by chunk. Staging
 *       keeps direct memory bounded: DJL pins a buffer passed to {@code create} for the array's
 *       whole life, which would otherwise charge every widened weight to the JVM's direct-memory
 *       limit (by default the heap size).</li>
 *   <li>Anything above one buffer (2 GiB, or 2^31-1 elements): a torch-owned flat array filled in
 *       chunks with {@code set}, then reshaped (a view, no copy).</li>
 * </ul>
 */
final class TensorLoader {

    static final int DEFAULT_STAGING_BYTES = 64 << 20;
    static final TensorLoader DEFAULT = new TensorLoader(Integer.MAX_VALUE, DEFAULT_STAGING_BYTES);

    private static final Set<DataType> TARGETS = Set.of(DataType.FLOAT32, DataType.FLOAT16, DataType.FLOAT64);

    /** Largest mapping or {@code from_blob} buffer; lowered in tests to exercise chunking cheaply. */
    private final long maxBufferBytes;
    private final int stagingBytes;
    private final ThreadLocal<ByteBuffer> staging = new ThreadLocal<>();

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

    NDArray load(NDManager manager, SafeTensorsFile file, TensorInfo info, DataType target) {
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
            NDArray onCpu = buildOnCpu(scratch, file, info, target);
            NDArray result = Device.Type.CPU.equals(device.getDeviceType()) ? onCpu : onCpu.toDevice(device, false);
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

    private NDArray buildOnCpu(NDManager scratch, SafeTensorsFile file, TensorInfo info, DataType target) {
        Shape shape = new Shape(info.shape());
        long n = info.numel();
        if (n == 0) {
            return scratch.create(shape, target);
        }
        DataType onDisk = nativeType(info.dtype());
        int bytes = info.dtype().bytes();
        // Torch kernels assume element-aligned data; a mapping is aligned exactly like its file offset.
        boolean wrappable = onDisk != null && info.begin() % bytes == 0;
        if (wrappable && info.byteSize() <= maxBufferBytes) {
            return convert(mapped(scratch, file, info, 0, (int) n, shape, onDisk), target);
        }
        NDArray flat = scratch.create(new Shape(n), target);
        long chunk = wrappable ? maxBufferBytes / bytes : stagingBytes / Math.max(bytes, 4);
        for (long from = 0; from < n; from += chunk) {
            int count = (int) Math.min(chunk, n - from);
            NDArray part = wrappable
                    ? mapped(scratch, file, info, from, count, new Shape(count), onDisk)
                    : staged(scratch, file, info, from, count, onDisk);
            try (NDArray converted = convert(part, target)) {
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

    private static NDArray mapped(NDManager scratch, SafeTensorsFile file, TensorInfo info,
                                  long from, int count, Shape shape, DataType onDisk) {
        int bytes = info.dtype().bytes();
        ByteBuffer buf = file.map(info, from * bytes, (long) count * bytes);
        return scratch.create(buf, shape, onDisk);
    }

    /**
     * Copies a chunk into the aligned staging buffer: raw when DJL can hold the dtype ({@code onDisk}
     * non-null, only misaligned data gets here), widened to float32 otherwise.
     */
    private NDArray staged(NDManager scratch, SafeTensorsFile file, TensorInfo info, long from, int count,
                           DataType onDisk) {
        int bytes = info.dtype().bytes();
        ByteBuffer src = file.map(info, from * bytes, (long) count * bytes);
        int stagedBytes = count * (onDisk != null ? bytes : 4);
        ByteBuffer stage = stagingBuffer(stagedBytes);
        if (onDisk != null) {
            stage.put(0, src, 0, stagedBytes);
        } else {
            Widener.widen(info.dtype(), src, stage.asFloatBuffer(), count);
        }
        // from_blob ignores the position, so hand over an exact slice starting at byte 0.
        return scratch.create(stage.slice(0, stagedBytes).order(ByteOrder.nativeOrder()), new Shape(count),
                onDisk != null ? onDisk : DataType.FLOAT32);
    }

    /** Reused across calls: the array wrapping it is closed (after {@code set} copied it) before reuse. */
    private ByteBuffer stagingBuffer(int bytes) {
        ByteBuffer buf = staging.get();
        if (buf == null || buf.capacity() < bytes) {
            int capacity = Math.max(bytes, Math.min(1 << 20, stagingBytes));
            buf = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
            staging.set(buf);
        }
        return buf;
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
