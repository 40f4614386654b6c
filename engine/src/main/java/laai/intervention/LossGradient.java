package laai.intervention;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

import java.util.ArrayList;
import java.util.List;

/**
 * A loss path evaluated at given Δs: each Δ's loss and, from one backward pass of their sum, each
 * Δ's gradient (Δ k's loss depends on Δ k alone: {@link LossPath#losses}). Every Δ is a fresh leaf
 * and every array goes with the call, so nothing accumulates from one step to the next.
 *
 * @param gradients one per Δ; null when a loss is not finite (no backward is taken: through the
 *                  shared attention its NaN rows would reach the other Δs' gradients)
 */
public record LossGradient(double[] losses, float[][] gradients) {

    /** Whether every loss was finite, and so the gradients were taken. */
    public boolean finite() {
        return gradients != null;
    }

    /** The Δs numbered {@code active} of {@code path} at the values {@code deltas} (in the same order). */
    public static LossGradient at(LossPath path, NDManager manager, int[] active, List<float[]> deltas) {
        try (NDScope ignored = new NDScope();
             GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            List<NDArray> leaves = new ArrayList<>();
            for (float[] d : deltas) {
                NDArray leaf = manager.create(d);
                leaf.setRequiresGradient(true);
                leaves.add(leaf);
            }
            NDArray l = path.losses(active, leaves);
            double[] losses = l.toType(DataType.FLOAT64, false).toDoubleArray();
            for (double v : losses) {
                if (!Double.isFinite(v)) return new LossGradient(losses, null);
            }
            gc.backward(l.sum());
            float[][] gradients = new float[leaves.size()][];
            for (int k = 0; k < gradients.length; k++) {
                gradients[k] = leaves.get(k).getGradient().toType(DataType.FLOAT32, false).toFloatArray();
            }
            return new LossGradient(losses, gradients);
        }
    }
}
