package laai.cli;

import ai.djl.ndarray.types.DataType;
import laai.eval.ModelSpec;
import laai.model.DecoderModel;
import laai.model.ModelConfig;
import laai.runtime.MatmulPrecision;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options shared by every command that loads a model. */
final class ModelOptions {
    @Option(names = "--model", description = "Hugging Face model folder (config.json, *.safetensors, tokenizer.json). Default: models/demo.")
    Path model = defaultModel();

    @Option(names = "--device", defaultValue = "auto", description = "auto (CUDA when DJL finds a GPU), cpu, cuda, cuda:N. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--dtype", defaultValue = "f32", description = "f32, or f16: half the memory (on a GPU f16 arithmetic; on a CPU weights kept in f16, arithmetic in f32). Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--matmul-precision", defaultValue = "auto", paramLabel = "P",
            description = "Float32 matrix products: highest (full F32), high (TF32 on CUDA), medium (also oneDNN "
                    + "on CPU, which may use bf16), or auto: highest below 100 M parameters, else medium on CPU and "
                    + "high on CUDA. Process-wide. Default: ${DEFAULT-VALUE}.")
    String matmulPrecision;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    /** The precision set by the last {@link #load}. */
    MatmulPrecision precision;

    DataType dataType() {
        return ModelSpec.parseDataType(dtype);
    }

    /** The model's one check of a layer ({@link ModelConfig#checkLayer}), its message naming the option. */
    static void checkLayer(ModelConfig config, int layer) {
        try {
            config.checkLayer(layer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
    }

    /** The demo model that ships in the repository, where bin/laai says the repository is. */
    static Path defaultModel() {
        String repo = System.getProperty("laai.repo");
        return Path.of(repo != null ? repo : ".", "models", "demo");
    }

    String name() {
        return model.toAbsolutePath().normalize().getFileName().toString();
    }

    DecoderModel load() {
        return load(model);
    }

    /** Loads {@code dir} with these options, after setting the matrix-product precision for its size. */
    DecoderModel load(Path dir) {
        ModelSpec spec = spec(dir, 0);
        precision = spec.applyPrecision();
        return spec.loadWeights();
    }

    /** These options as data, for {@code dir}: what a worker of a distributed sweep loads. */
    ModelSpec spec(Path dir, int torchThreads) {
        return new ModelSpec(dir.toAbsolutePath().normalize().toString(), device, dtype, matmulPrecision, torchThreads);
    }
}
