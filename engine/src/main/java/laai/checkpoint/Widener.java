package laai.checkpoint;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Decodes any float dtype into float32, in Java. Used for the formats DJL's PyTorch engine cannot
 * hold (bfloat16, float8) and for {@link Checkpoint#readFloats}.
 */
final class Widener {

    /** Below this many elements the fork/join overhead outweighs a second core. */
    static final int PARALLEL_THRESHOLD = 1 << 18;

    private Widener() {}

    /**
     * Decodes {@code count} elements of {@code dtype} from {@code src} (little-endian, element 0 at
     * index 0) into {@code dst} indices {@code [0, count)}. Large ranges are split across the common
     * pool; only absolute get/put are used, so the shared buffers are never mutated concurrently.
     */
    static void widen(DType dtype, ByteBuffer src, FloatBuffer dst, int count) {
        if (!dtype.isFloat()) {
            throw new IllegalArgumentException("not a float dtype: " + dtype);
        }
        int parts = count < PARALLEL_THRESHOLD ? 1 : 4 * (ForkJoinPool.getCommonPoolParallelism() + 1);
        if (parts == 1) {
            range(dtype, src, dst, 0, count);
            return;
        }
        IntStream.range(0, parts).parallel().forEach(p -> range(dtype, src, dst,
                (int) ((long) count * p / parts), (int) ((long) count * (p + 1) / parts)));
    }

    private static void range(DType dtype, ByteBuffer src, FloatBuffer dst, int from, int to) {
        switch (dtype) {
            case F32 -> {
                for (int i = from; i < to; i++) {
                    dst.put(i, src.getFloat(i * 4));
                }
            }
            case F64 -> {
                for (int i = from; i < to; i++) {
                    dst.put(i, (float) src.getDouble(i * 8));
                }
            }
            case F16 -> {
                for (int i = from; i < to; i++) {
                    dst.put(i, FloatFormats.halfToFloat(src.getShort(i * 2)));
                }
            }
            case BF16 -> {
                for (int i = from; i < to; i++) {
                    dst.put(i, FloatFormats.bf16ToFloat(src.getShort(i * 2)));
                }
            }
            case F8_E4M3 -> {
                for (int i = from; i < to; i++) {
                    dst.put(i, FloatFormats.e4m3ToFloat(src.get(i)));
                }
            }
            case F8_E5M2 -> {
                for (int i = from; i < to; i++) {
                    dst.put(i, FloatFormats.e5m2ToFloat(src.get(i)));
                }
            }
            default -> throw new IllegalArgumentException("not a float dtype: " + dtype);
        }
    }
}
