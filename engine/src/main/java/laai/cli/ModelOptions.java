package laai.cli;

import ai.djl.ndarray.types.DataType;
import laai.model.Llama;
import laai.runtime.Djl;
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

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    DataType dataType() {
        return switch (dtype.toLowerCase(java.util.Locale.ROOT)) {
            case "f32", "float32" -> DataType.FLOAT32;
            case "f16", "float16", "half" -> DataType.FLOAT16;
            default -> throw new IllegalArgumentException("unknown --dtype " + dtype + " (f32 or f16)");
        };
    }

    /** The demo model that ships in the repository, where bin/laai says the repository is. */
    static Path defaultModel() {
        String repo = System.getProperty("laai.repo");
        return Path.of(repo != null ? repo : ".", "models", "demo");
    }

    String name() {
        return model.toAbsolutePath().normalize().getFileName().toString();
    }

    Llama load() {
        ai.djl.Device d = Djl.device(device);
        return Llama.load(model, d, Llama.computeType(d, dataType()), dataType());
    }
}
