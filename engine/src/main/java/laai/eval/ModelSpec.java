package laai.eval;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import laai.model.DecoderModel;
import laai.model.ModelConfig;
import laai.model.TextTokenizer;
import laai.runtime.Djl;
import laai.runtime.MatmulPrecision;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which model, loaded how: the folder and the options of {@code --model}, {@code --device},
 * {@code --dtype} and {@code --matmul-precision}, plus libtorch's intra-op thread count. Plain
 * data, so that another JVM can load the same model the same way; equal specs mean one model.
 *
 * @param torchThreads libtorch's intra-op threads, or 0 for the loading JVM's own setting. Batched
 *                     products may add in another order with another count, so a sweep whose
 *                     tables must match bit for bit across JVMs pins it.
 */
public record ModelSpec(String path, String device, String dtype, String matmulPrecision, int torchThreads)
        implements Serializable {

    public ModelSpec {
        parseDataType(dtype); // an unknown dtype fails where the spec is made
        if (torchThreads < 0) throw new IllegalArgumentException("torch threads must be ≥ 0, got " + torchThreads);
    }

    public static DataType parseDataType(String dtype) {
        return switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> DataType.FLOAT32;
            case "f16", "float16", "half" -> DataType.FLOAT16;
            default -> throw new IllegalArgumentException("unknown --dtype " + dtype + " (f32 or f16)");
        };
    }

    public Path dir() {
        return Path.of(path);
    }

    /** The folder's name: the "model" of every Δ's metadata. */
    public String name() {
        return dir().toAbsolutePath().normalize().getFileName().toString();
    }

    /** Its config.json alone: enough to check layers, without the weights. */
    public ModelConfig config() {
        return ModelConfig.load(dir());
    }

    /** Sets the (process-wide) precision of float32 products for this model's size. */
    public MatmulPrecision applyPrecision() {
        return MatmulPrecision.apply(matmulPrecision, () -> config().parameterCount(), Djl.device(device));
    }

    /** The weights, on the device and in the dtype asked for. */
    public DecoderModel loadWeights() {
        Device d = Djl.device(device);
        DataType type = parseDataType(dtype);
        return DecoderModel.load(dir(), d, DecoderModel.computeType(d, type), type);
    }

    /** Thread count and precision set, then the weights: what a worker does once per JVM. */
    public DecoderModel load() {
        Djl.engine();
        if (torchThreads > 0) JniUtils.setNumThreads(torchThreads);
        applyPrecision();
        return loadWeights();
    }

    public TextTokenizer tokenizer() {
        return TextTokenizer.load(dir());
    }
}
