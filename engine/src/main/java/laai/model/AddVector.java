package laai.model;

import ai.djl.ndarray.NDArray;

/**
 * Adds a vector to the activations at one layer and site, at chosen positions: x[b, p] += v for
 * (b, p) in the set. Differentiable in v, which may be [size] (one vector for all sequences) or
 * [batch, size].
 */
public final class AddVector implements SiteHook {
    private final int layer;
    private final Site site;
    private final NDArray vector;
    private final Positions positions;

    public AddVector(int layer, Site site, NDArray vector, Positions positions) {
        this.layer = layer;
        this.site = site;
        this.vector = vector;
        this.positions = positions;
    }

    @Override
    public NDArray apply(int layer, Site site, NDArray x, Chunk chunk) {
        if (layer != this.layer || site != this.site) return x;
        NDArray v = Tensors.cast(vector, x.getDataType());
        if (v.getShape().dimension() == 2) v = v.expandDims(1); // [batch, 1, size]
        return x.add(positions.mask(chunk, x).mul(v));
    }
}
