package laai.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import static laai.model.Tensors.keep;

/**
 * A checkpoint's tensors read as the pieces {@link DecoderModel}'s forward runs: linear maps, norms,
 * embeddings. A family's weight mapping ({@link laai.model.family.Family#parts}) names the tensors;
 * this class knows how each kind of piece is kept. Everything derived here (GPT-2's split and
 * transposed projections, Gemma-2's 1 + w, widened norm weights) belongs to the model's manager and
 * lives as long as the model, whatever scope is open.
 */
public final class Weights {
    private final WeightSource source;
    private final NDManager manager;
    private final DataType dtype;

    /** {@code dtype}: what the model computes in. */
    Weights(WeightSource source, NDManager manager, DataType dtype) {
        this.source = source;
        this.manager = manager;
        this.dtype = dtype;
    }

    /** A tensor that must be there, as stored. */
    public NDArray tensor(String name) {
        return source.tensor(name, true);
    }

    /** A tensor, or null when the checkpoint lacks it. */
    public NDArray optionalTensor(String name) {
        return source.tensor(name, false);
    }

    /** {@code NAME.weight}, and {@code NAME.bias} when {@code bias}. */
    public Linear linear(String name, boolean bias) {
        return new Linear(tensor(name + ".weight"), bias ? tensor(name + ".bias") : null);
    }

    /** GPT-2's Conv1D: y = x·W + b with W stored [in, out], i.e. a Linear with W transposed (a view). */
    public Linear conv1d(String name) {
        return new Linear(keep(tensor(name + ".weight").transpose()), tensor(name + ".bias"));
    }

    /**
     * A Conv1D whose output axis holds {@code parts} maps of equal size side by side (GPT-2's
     * c_attn: q, k and v), as that many Linears over views of its weight and bias.
     */
    public Linear[] conv1dSplit(String name, int parts) {
        NDArray weight = tensor(name + ".weight");   // [in, parts·out]
        NDArray bias = tensor(name + ".bias");       // [parts·out]
        long out = weight.getShape().get(1) / parts;
        Linear[] split = new Linear[parts];
        for (int i = 0; i < parts; i++) {
            String range = i * out + ":" + (i + 1) * out;
            split[i] = new Linear(keep(weight.get(":, " + range).transpose()), keep(bias.get(range)));
        }
        return split;
    }

    /** RMSNorm scaled by w (Llama; Qwen3's per-head q and k norms). */
    public Norm rms(String name) {
        return new Norm(Norm.Kind.RMS, tensor(name), null);
    }

    /** Gemma-2's RMSNorm scaled by (1 + w), 1 + w kept in (at least) float32. */
    public Norm onePlusRms(String name) {
        return new Norm(Norm.Kind.RMS_ONE_PLUS, keep(wide(tensor(name)).add(1f)), null);
    }

    /** LayerNorm with {@code NAME.weight} and {@code NAME.bias}, both in (at least) float32. */
    public Norm layerNorm(String name) {
        return new Norm(Norm.Kind.LAYER, wide(tensor(name + ".weight")), wide(tensor(name + ".bias")));
    }

    /** The output projection: the token embeddings when tied (as transformers ties them), else lm_head. */
    public Linear head(ModelConfig c, NDArray embedTokens) {
        return new Linear(c.tieWordEmbeddings() ? embedTokens : tensor("lm_head.weight"), null);
    }

    /**
     * A number as a 0-d tensor in the compute type: rounded to it first, as transformers' Gemma2Model
     * does with {@code torch.tensor(hidden_size**0.5, dtype=hidden_states.dtype)} (55.5, not
     * 55.4256, for 3072 in half).
     */
    public NDArray scalar(double value) {
        NDArray a = manager.create((float) value);
        return keep(a.getDataType() == dtype ? a : a.toType(dtype, false));
    }

    /** A frozen weight in the type norms compute in: float32 for a half-precision model. */
    private static NDArray wide(NDArray w) {
        return w.getDataType() == DataType.FLOAT16 ? keep(w.toType(DataType.FLOAT32, false)) : w;
    }
}
