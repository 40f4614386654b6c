package laai.model.family;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The registry of supported families by config.json's {@code model_type}. Adding a family is one
 * entry here, one {@link Family} class, and whatever numerics it needs in the forward.
 */
public final class Families {
    private Families() {}

    public static final Family LLAMA = new LlamaFamily();
    public static final Family MISTRAL = new MistralFamily();
    public static final Family QWEN2 = new Qwen2Family();
    public static final Family QWEN3 = new Qwen3Family();
    public static final Family GEMMA2 = new Gemma2Family();
    public static final Family GPT2 = new Gpt2Family();

    private static final Map<String, Family> BY_MODEL_TYPE = new LinkedHashMap<>();

    static {
        for (Family f : new Family[] {LLAMA, MISTRAL, QWEN2, QWEN3, GEMMA2, GPT2}) BY_MODEL_TYPE.put(f.modelType(), f);
    }

    /**
     * The {@code model_type} values this runtime runs, for messages and command help (a constant,
     * since annotations quote it; a test checks it against the registry).
     */
    public static final String SUPPORTED = "llama, mistral, qwen2, qwen3, gemma2, gpt2";

    /** The family of a model_type, case-insensitively; null when unsupported. */
    public static Family of(String modelType) {
        return BY_MODEL_TYPE.get(modelType.toLowerCase(Locale.ROOT));
    }

    /** The registered model_types in order, comma-separated. */
    static String registered() {
        return String.join(", ", BY_MODEL_TYPE.keySet());
    }
}
