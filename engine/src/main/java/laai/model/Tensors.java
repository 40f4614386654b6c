package laai.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

/** Small tensor helpers that DJL lacks. */
public final class Tensors {
    private Tensors() {}

    /**
     * A dtype cast that autograd can see through. DJL's toType runs without gradient; a cumulative
     * product over a new axis of size one is the identity and takes a dtype, with a gradient.
     */
    public static NDArray cast(NDArray x, DataType dtype) {
        if (x.getDataType() == dtype) return x;
        return x.expandDims(-1).cumProd(-1, dtype).squeeze(-1);
    }

    /**
     * Whether every element is finite. torch's max and min propagate NaN, and an infinity is its
     * own max or min, so two reductions tell, reading the tensor twice and writing nothing (a sum
     * would read it once but can overflow in half precision).
     */
    public static boolean allFinite(NDArray x) {
        if (x.isEmpty()) return true;
        try (NDArray max = x.max(); NDArray min = x.min()) {
            return Double.isFinite(max.toType(DataType.FLOAT64, false).getDouble())
                    && Double.isFinite(min.toType(DataType.FLOAT64, false).getDouble());
        }
    }

    /**
     * Lets {@code a} outlive the innermost {@link NDScope}: for what lives as long as its owner (a
     * model's derived weights, a loss path's cached activations), closed by that owner.
     */
    public static NDArray keep(NDArray a) {
        NDScope.unregister(a);
        return a;
    }

    /** Half precision widened to float32 (softmax, norms and logits); other types unchanged. */
    public static NDArray widen(NDArray x) {
        return x.getDataType() == DataType.FLOAT16 ? cast(x, DataType.FLOAT32) : x;
    }
}
