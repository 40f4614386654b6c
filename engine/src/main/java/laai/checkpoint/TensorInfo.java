package laai.checkpoint;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where one tensor lives: its dtype and shape, the file holding it, and its byte range
 * [{@code begin}, {@code end}) as absolute offsets in that file (header already accounted for).
 */
public record TensorInfo(String name, DType dtype, long[] shape, Path file, long begin, long end) {

    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(file, "file");
        shape = shape.clone(); // records are shallowly immutable; keep the shape from changing under us
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements; 1 for a scalar (empty shape). Header validation guarantees no overflow. */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long byteSize() {
        return end - begin;
    }

    public int rank() {
        return shape.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t
                && name.equals(t.name)
                && dtype == t.dtype
                && Arrays.equals(shape, t.shape)
                && file.equals(t.file)
                && begin == t.begin
                && end == t.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), file, begin, end);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @" + file.getFileName() + "[" + begin + ", " + end + ")";
    }
}
