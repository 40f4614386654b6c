package laai.magics;

import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import laai.eval.Experiment;
import laai.eval.ModelSpec;
import laai.eval.PromptEncoder;
import laai.kernel.MagicException;
import laai.model.DecoderModel;
import laai.model.ModelConfig;
import laai.model.TextTokenizer;
import laai.runtime.Djl;
import laai.runtime.MatmulPrecision;
import laai.tasks.PromptTemplate;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** A model folder loaded for the session: the model, its tokenizer, and an experiment on them. */
public final class LoadedModel implements AutoCloseable {

    /** What {@code %model load} asked for; enough to load the same model again. */
    record Request(Path dir, String device, DataType dtype, String matmulPrecision) {
    }

    private final Request request;
    private final Path dir;
    private final DecoderModel model;
    private final TextTokenizer tokenizer;
    private final Experiment experiment;
    private final MatmulPrecision precision;

    private LoadedModel(Request request, DecoderModel model, TextTokenizer tokenizer, MatmulPrecision precision) {
        this.request = request;
        this.dir = request.dir();
        this.model = model;
        this.tokenizer = tokenizer;
        this.precision = precision;
        this.experiment = new Experiment(model, new PromptEncoder(tokenizer, PromptTemplate.DEFAULT), name());
    }

    /**
     * Reads what can be read cheaply (config, tensor headers and their shapes against the config,
     * the tokenizer file) so that a wrong folder is reported before the session gives up the
     * model it has. What only reading the data finds (a NaN weight) is left to {@link #load}.
     */
    static void check(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new MagicException("no model folder at " + dir
                    + " (a Hugging Face folder with config.json, *.safetensors and tokenizer.json)");
        }
        DecoderModel.checkFolder(dir);
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new MagicException("missing tokenizer.json in " + dir);
        }
    }

    static LoadedModel load(Request request) {
        Path dir = request.dir();
        Device d = Djl.device(request.device());
        MatmulPrecision precision = MatmulPrecision.apply(request.matmulPrecision(),
                () -> ModelConfig.load(dir).parameterCount(), d);
        DecoderModel model = DecoderModel.load(dir, d, DecoderModel.computeType(d, request.dtype()), request.dtype());
        try {
            return new LoadedModel(request, model, TextTokenizer.load(dir), precision);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    Request request() {
        return request;
    }

    public Path dir() {
        return dir;
    }

    /** The folder's name, also the "model" of every saved Δ's metadata. */
    public String name() {
        return dir.getFileName().toString();
    }

    public DecoderModel model() {
        return model;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public Experiment experiment() {
        return experiment;
    }

    /**
     * How another JVM loads this same model (a Spark executor): the folder, device, dtype and
     * precision asked for here, with libtorch's thread count {@code torchThreads} (0: that JVM's own).
     */
    ModelSpec spec(int torchThreads) {
        return new ModelSpec(dir.toAbsolutePath().normalize().toString(), request.device(),
                request.dtype() == DataType.FLOAT16 ? "f16" : "f32", request.matmulPrecision(), torchThreads);
    }

    /** The float32 matmul precision set when this model was loaded (process-wide). */
    public MatmulPrecision matmulPrecision() {
        return precision;
    }

    /** What {@code %model info} shows. */
    public Table info() {
        ModelConfig c = model.config();
        StringColumn property = StringColumn.create("property");
        StringColumn value = StringColumn.create("value");
        Object[][] rows = {
                {"name", name()},
                {"family", c.family().modelType()},
                {"layers", c.numLayers()},
                {"attention heads", c.numHeads()},
                {"key/value heads", c.numKvHeads()},
                {"head size", c.headDim()},
                {"hidden size", c.hiddenSize()},
                {"vocabulary", c.vocabSize()},
                {"device", model.device()},
                {"dtype", model.dtype()},
                {"weights kept in", model.storage()},
                {"matmul precision", precision.label()},
        };
        for (Object[] row : rows) {
            property.append(String.valueOf(row[0]));
            value.append(String.valueOf(row[1]));
        }
        return Table.create("model: " + name(), property, value);
    }

    @Override
    public void close() {
        try {
            tokenizer.close();
        } finally {
            model.close();
        }
    }
}
