package laai.model;

import ai.djl.ndarray.NDArray;

/**
 * Called by {@link DecoderModel#forward} at every layer and {@link Site} with the activations of the
 * chunk being computed, [batch, chunk, size]; returns them, possibly changed. Changes must be
 * built from differentiable ops so that gradients reach whatever the hook adds.
 */
@FunctionalInterface
public interface SiteHook {
    NDArray apply(int layer, Site site, NDArray x, Chunk chunk);
}
