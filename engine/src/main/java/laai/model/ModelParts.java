package laai.model;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * What a family's weight mapping ({@link laai.model.family.Family#parts}) makes of a checkpoint:
 * the token embeddings, the layers, the final norm and the output head, with GPT-2's learned
 * position table and Gemma-2's embedding scale where the family has them (null otherwise).
 */
public record ModelParts(NDArray embedTokens, NDArray positionEmbeddings, NDArray embedScale, List<Layer> layers,
                         Norm finalNorm, Linear lmHead) {

    public ModelParts {
        layers = List.copyOf(layers);
    }

    /** The parts every family has; the others are added with {@code with...}. */
    public static ModelParts of(NDArray embedTokens, List<Layer> layers, Norm finalNorm, Linear lmHead) {
        return new ModelParts(embedTokens, null, null, layers, finalNorm, lmHead);
    }

    /** Learned position embeddings added to the token embeddings (GPT-2's wpe). */
    public ModelParts withPositionEmbeddings(NDArray table) {
        return new ModelParts(embedTokens, table, embedScale, layers, finalNorm, lmHead);
    }

    /** A factor, in the compute type, the token embeddings are multiplied by (Gemma-2's √hidden). */
    public ModelParts withEmbedScale(NDArray scale) {
        return new ModelParts(embedTokens, positionEmbeddings, scale, layers, finalNorm, lmHead);
    }
}
