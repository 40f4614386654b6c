package laai.intervention;

import ai.djl.ndarray.NDArray;

import java.util.List;

/** Computes the smooth objective for a Δ, differentiably in Δ; a fast and a naive way. */
public interface LossPath extends AutoCloseable {
    /** Δ is [size] on the model's device, in any float type. Returns a scalar. */
    NDArray loss(NDArray delta);

    /**
     * [batch, width] of the positions each step runs through the layers: what a step costs, and
     * the shape in which the bench times a plain forward for comparison.
     */
    int[] shape();

    /** How many Δs the path trains at once, one per objective. */
    default int deltas() {
        return 1;
    }

    /**
     * The objectives of the Δs numbered {@code active} (ascending; the ones still training), at the
     * values {@code deltas} (in the same order): a vector [active.length] whose entry k depends on
     * {@code deltas.get(k)} alone, so that the gradient of its sum is each Δ's own gradient.
     */
    default NDArray losses(int[] active, List<NDArray> deltas) {
        if (active.length != 1 || active[0] != 0 || deltas.size() != 1) {
            throw new IllegalArgumentException("this path trains one Δ");
        }
        return loss(deltas.get(0)).reshape(1);
    }

    @Override
    void close();
}
