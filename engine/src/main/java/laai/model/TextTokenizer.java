package laai.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import laai.checkpoint.CheckpointException;
import laai.runtime.Djl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The checkpoint's own {@code tokenizer.json} through DJL's Hugging Face tokenizer, with
 * truncation and padding off (DJL's defaults would cut prompts at 512 tokens), and the BOS and EOS
 * ids the checkpoint declares.
 */
public final class TextTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final int bos;
    private final int[] eos;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, int bos, int[] eos) {
        this.tokenizer = tokenizer;
        this.bos = bos;
        this.eos = eos;
    }

    public static TextTokenizer load(Path dir) {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("missing tokenizer.json in " + dir);
        }
        Djl.engine(); // offline settings first
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(file, Map.of(
                    "addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("cannot load tokenizer " + file + ": " + e.getMessage());
        }
        JsonObject config = json(dir.resolve("config.json"));
        JsonObject generation = json(dir.resolve("generation_config.json"));
        JsonObject tokenizerConfig = json(dir.resolve("tokenizer_config.json"));
        int bos = firstId(generation, "bos_token_id");
        if (bos < 0) bos = firstId(config, "bos_token_id");
        if (bos < 0) bos = tokenId(tokenizer, tokenizerConfig.get("bos_token"));
        Set<Integer> eos = new LinkedHashSet<>();
        for (JsonObject source : new JsonObject[] {generation, config}) {
            for (int id : ModelConfig.tokenIds(source.get("eos_token_id"))) eos.add(id);
            if (!eos.isEmpty()) break;
        }
        if (eos.isEmpty()) {
            int id = tokenId(tokenizer, tokenizerConfig.get("eos_token"));
            if (id >= 0) eos.add(id);
        }
        return new TextTokenizer(tokenizer, bos, eos.stream().mapToInt(Integer::intValue).toArray());
    }

    private static JsonObject json(Path file) {
        if (!Files.isRegularFile(file)) return new JsonObject();
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file + " is not a readable JSON object: " + e.getMessage());
        }
    }

    private static int firstId(JsonObject o, String key) {
        int[] ids = ModelConfig.tokenIds(o.get(key));
        return ids.length > 0 ? ids[0] : -1;
    }

    /** A token given as a string or as {"content": ...} in tokenizer_config.json. */
    private static int tokenId(HuggingFaceTokenizer tokenizer, JsonElement token) {
        if (token == null || token.isJsonNull()) return -1;
        String content = token.isJsonObject() ? token.getAsJsonObject().get("content").getAsString() : token.getAsString();
        long[] ids = tokenizer.encode(content, false, false).getIds();
        return ids.length == 1 ? (int) ids[0] : -1;
    }

    /** Token ids of the text, with no special tokens added. */
    public long[] encode(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    /** BOS (where the checkpoint has one) followed by the text's tokens. */
    public long[] encodeWithBos(String text) {
        long[] ids = encode(text);
        if (bos < 0) return ids;
        long[] out = new long[ids.length + 1];
        out[0] = bos;
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    /** The surface string of one token (special tokens included), for showing token-level detail. */
    public String token(long id) {
        return tokenizer.decode(new long[] {id}, false);
    }

    public int bos() {
        return bos;
    }

    public int[] eos() {
        return eos.clone();
    }

    public boolean isEos(int id) {
        return Arrays.stream(eos).anyMatch(e -> e == id);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
