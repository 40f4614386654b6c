package laai.intervention;

import ai.djl.ndarray.NDArray;

/** Computes the smooth objective for a Δ, differentiably in Δ; a fast and a naive way. */
public interface LossPath extends AutoCloseable {
    /** Δ is [size] on the model's device, in any float type. Returns a scalar. */
    NDArray loss(NDArray delta);

    @Override
    void close();
}
