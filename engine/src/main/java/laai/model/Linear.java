package laai.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * A linear map in the Hugging Face [out, in] layout, with an optional bias (null for none). A
 * weight stored in a narrower type than x (half-precision storage on a CPU, see
 * {@link DecoderModel#load(java.nio.file.Path, ai.djl.Device, ai.djl.ndarray.types.DataType,
 * ai.djl.ndarray.types.DataType)}) is widened for this product only, in blocks of output rows when
 * large (the output head), so that no widened copy of it outlives the product's scope.
 */
public record Linear(NDArray weight, NDArray bias) {

    /** Elements widened at once from half-precision storage (64 Mi: 256 MiB as float32); tests lower it. */
    static volatile long WIDEN_BLOCK = 1L << 26;

    public Linear {
        if (weight == null) throw new IllegalArgumentException("a linear map needs a weight");
    }

    /** y = x·Wᵀ (+ b). */
    NDArray apply(NDArray x) {
        if (weight.getDataType() == x.getDataType()) {
            return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
        }
        long out = weight.getShape().get(0), in = weight.getShape().get(1);
        long block = Math.max(1, WIDEN_BLOCK / in);
        // Closing a widened block right after its product is safe under autograd too: the graph
        // holds its own reference to what backward needs.
        if (out <= block) {
            try (NDArray w = weight.toType(x.getDataType(), false)) {
                return x.getNDArrayInternal().linear(x, w, bias).singletonOrThrow();
            }
        }
        NDList parts = new NDList();
        for (long from = 0; from < out; from += block) {
            long to = Math.min(out, from + block);
            try (NDArray w = weight.get(from + ":" + to).toType(x.getDataType(), false)) {
                NDArray b = bias == null ? null : bias.get(from + ":" + to);
                parts.add(x.getNDArrayInternal().linear(x, w, b).singletonOrThrow());
            }
        }
        return NDArrays.concat(parts, -1);
    }

    /** dL/dx from dL/dy for y = x·Wᵀ (+ b), [.., out] → [.., in], widened block by block as {@link #apply}. */
    NDArray inputGradient(NDArray dy) {
        if (weight.getDataType() == dy.getDataType()) return dy.matMul(weight);
        long out = weight.getShape().get(0), in = weight.getShape().get(1);
        long block = Math.max(1, WIDEN_BLOCK / in);
        NDArray sum = null;
        for (long from = 0; from < out; from += block) {
            long to = Math.min(out, from + block);
            try (NDArray w = weight.get(from + ":" + to).toType(dy.getDataType(), false)) {
                NDArray part = dy.get("..., " + from + ":" + to).matMul(w);
                sum = sum == null ? part : sum.add(part);
            }
        }
        return sum;
    }
}
