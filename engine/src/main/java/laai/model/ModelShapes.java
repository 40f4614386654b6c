package laai.model;

import laai.model.family.Gpt2Family;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The names and shapes of every tensor a {@link ModelConfig} calls for, in Hugging Face naming and
 * in the order of its family's {@link laai.model.family.Family#tensors}. One place for both
 * random-checkpoint writers and the loader's shape check, so that what they write is what
 * {@link DecoderModel} reads: shapes follow the parsed config, with each family's defaults
 * (Gemma-2's head size and tied head when config.json leaves them out) already applied.
 */
public final class ModelShapes {
    private ModelShapes() {}

    /** Tensors of the config; GPT-2 names carry the {@code transformer.} prefix. */
    public static Map<String, long[]> of(ModelConfig c) {
        return c.family().tensors(c);
    }

    /**
     * Tensors of the config; {@code gpt2Prefixed} picks GPT-2's {@code transformer.} prefix (as
     * GPT2LMHeadModel saves them) or bare names (GPT2Model, openai-community/gpt2). No other
     * family's names carry that prefix.
     */
    public static Map<String, long[]> of(ModelConfig c, boolean gpt2Prefixed) {
        Map<String, long[]> named = of(c);
        if (gpt2Prefixed) return named;
        Map<String, long[]> bare = new LinkedHashMap<>();
        named.forEach((name, shape) -> bare.put(name.startsWith(Gpt2Family.PREFIX)
                ? name.substring(Gpt2Family.PREFIX.length()) : name, shape));
        return bare;
    }

    /** Elements of a shape. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }
}
