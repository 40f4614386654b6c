package laai.magics;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;

import ai.djl.ndarray.types.DataType;
import laai.eval.ModelSpec;

/** {@code %model load [DIR] | info | unload}: the session's one model. */
final class ModelMagic extends MagicCommand {

    ModelMagic() {
        super(Syntax.of("model",
                String.join(System.lineSeparator(),
                        "usage: %model load [DIR] [--device auto|cpu|cuda|cuda:N] [--dtype f32|f16]",
                        "                  [--matmul-precision auto|highest|high|medium]",
                        "       %model info",
                        "       %model unload"),
                String.join(System.lineSeparator(),
                        "Loads a Hugging Face model folder (config.json, *.safetensors, tokenizer.json) into the",
                        "kernel's session; magics and Java cells (Laai.session().model()) then share it. Loading",
                        "another folder replaces the model and frees its memory; a folder that cannot be loaded",
                        "(missing, a config.json that disagrees with the tensors, a NaN weight) leaves the current",
                        "model in place, reloading it from its folder if it had to be freed first.",
                        "  DIR                  the folder; relative paths are looked up in the repository first",
                        "                       (default: models/demo)",
                        "  --device             auto (CUDA when DJL finds a GPU, else CPU), cpu, cuda, cuda:N (default auto)",
                        "  --dtype              f32, or f16: half the memory (GPU: f16 arithmetic; CPU: weights kept in f16,",
                        "                       arithmetic in f32) (default f32)",
                        "  --matmul-precision   float32 matrix products, for the whole kernel: highest (full F32),",
                        "                       high (TF32 on CUDA), medium (also oneDNN on CPU, which may use bf16), or",
                        "                       auto: highest below 100 M parameters, else medium on CPU, high on",
                        "                       CUDA (default auto)",
                        "info shows the loaded model; unload frees it."),
                MagicsArgs.builder().required("ACTION").optional("DIR"), List.of("device", "dtype", "matmul-precision"),
                Set.of()));
    }

    @Override
    public Object run(Args a, Host host) {
        Session session = Laai.session();
        String action = a.choice("ACTION", null, List.of("load", "info", "unload"));
        if (!action.equals("load") && (a.has("DIR") || a.has("device") || a.has("dtype") || a.has("matmul-precision"))) {
            throw a.problem("%model " + action + " takes no folder or options");
        }
        switch (action) {
            case "load": {
                Path dir = a.has("DIR") ? session.repository().resolve(a.string("DIR", null))
                        : session.repository().defaultModel();
                String device = a.string("device", "auto");
                DataType dtype = ModelSpec.parseDataType(a.choice("dtype", "f32", List.of("f32", "f16")));
                String precision = a.choice("matmul-precision", "auto", List.of("auto", "highest", "high", "medium"));
                return session.load(dir, device, dtype, precision).info();
            }
            case "info":
                return session.loaded().info();
            default: {
                String name = session.unload();
                return name == null ? "no model was loaded" : "unloaded " + name;
            }
        }
    }
}
