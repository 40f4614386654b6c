package laai.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo model's tokenizer: a word-level vocabulary with a space-prefix convention, written as a
 * Hugging Face {@code tokenizer.json} (pre-tokenizer Split, model WordLevel, decoder Fuse) that
 * DJL's HuggingFaceTokenizer and transformers' PreTrainedTokenizerFast load offline.
 *
 * <p>Text is cut into pieces by {@link #PATTERN}: a newline; an optional single space followed by
 * a signed or unsigned number ({@code " +2"}); an optional space followed by a word (letters,
 * combining marks and inner apostrophes, so {@code " heiß"}, {@code " aujourd'hui"}); an optional
 * space followed by one other symbol ({@code ":"}, {@code " ,"}); a lone space; any other
 * whitespace character. Every piece is one token, and decoding concatenates the pieces, so any text
 * made of vocabulary pieces encodes and decodes losslessly. In particular the answer {@code " y"}
 * of every dataset word is a single token, and {@code "\n"} is a token of its own (the template's
 * end marker), never merged with a following newline.
 *
 * <p>Ids: {@code <unk>} 0, {@code <s>} 1 (BOS), {@code </s>} 2 (EOS), {@code <pad>} 3, then the
 * pieces in {@link String#compareTo} order, so the vocabulary depends only on the set of pieces.
 */
public final class WordTokenizer {
    public static final String UNK = "<unk>", BOS = "<s>", EOS = "</s>", PAD = "<pad>";
    public static final int UNK_ID = 0, BOS_ID = 1, EOS_ID = 2, PAD_ID = 3;
    private static final List<String> SPECIALS = List.of(UNK, BOS, EOS, PAD);

    /** The pre-tokenizer regex; the same text is used by Java here and by the Rust tokenizer (Oniguruma). */
    public static final String PATTERN =
            "\\n|[ ]?[+\\-]?[0-9]+|[ ]?\\p{L}[\\p{L}\\p{M}'’]*|[ ]?[^\\s\\p{L}\\p{N}]|[ ]|\\s";
    private static final Pattern SPLIT = Pattern.compile(PATTERN);

    private final Map<String, Integer> ids;
    private final String[] pieces;

    private WordTokenizer(Map<String, Integer> ids) {
        this.ids = ids;
        this.pieces = new String[ids.size()];
        ids.forEach((p, i) -> pieces[i] = p);
    }

    /** The pieces of a text, in order; concatenated they give the text back. */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = SPLIT.matcher(text);
        int at = 0;
        while (m.find()) {
            if (m.start() != at) out.add(text.substring(at, m.start())); // cannot happen: the pattern covers every character
            out.add(m.group());
            at = m.end();
        }
        if (at < text.length()) out.add(text.substring(at));
        return out;
    }

    /** A vocabulary of every piece of the given texts, plus the special tokens. */
    public static WordTokenizer fromTexts(Collection<String> texts) {
        TreeSet<String> set = new TreeSet<>();
        for (String t : texts) set.addAll(split(t));
        SPECIALS.forEach(set::remove);
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (String s : SPECIALS) ids.put(s, ids.size());
        for (String p : set) ids.put(p, ids.size());
        return new WordTokenizer(ids);
    }

    /** The vocabulary of a tokenizer.json this class wrote (its WordLevel model's vocab). */
    public static WordTokenizer read(Path dir) {
        try {
            JsonObject vocab = com.google.gson.JsonParser.parseString(
                    java.nio.file.Files.readString(dir.resolve("tokenizer.json"))).getAsJsonObject()
                    .getAsJsonObject("model").getAsJsonObject("vocab");
            Map<String, Integer> ids = new LinkedHashMap<>();
            vocab.entrySet().stream().sorted(java.util.Map.Entry.comparingByValue(
                            java.util.Comparator.comparingInt(com.google.gson.JsonElement::getAsInt)))
                    .forEach(e -> ids.put(e.getKey(), e.getValue().getAsInt()));
            for (int i = 0; i < SPECIALS.size(); i++) {
                if (!Integer.valueOf(i).equals(ids.get(SPECIALS.get(i)))) {
                    throw new IllegalArgumentException(dir.resolve("tokenizer.json") + " is not a demo tokenizer: "
                            + SPECIALS.get(i) + " is not id " + i);
                }
            }
            return new WordTokenizer(ids);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public int size() {
        return pieces.length;
    }

    public int id(String piece) {
        return ids.getOrDefault(piece, UNK_ID);
    }

    public boolean contains(String piece) {
        return ids.containsKey(piece);
    }

    public String piece(int id) {
        return pieces[id];
    }

    /** Token ids of the text (no special tokens); unknown pieces become {@link #UNK_ID}. */
    public int[] encode(String text) {
        List<String> p = split(text);
        int[] out = new int[p.size()];
        for (int i = 0; i < out.length; i++) out[i] = id(p.get(i));
        return out;
    }

    /** The pieces of the text that are not in the vocabulary. */
    public List<String> unknown(String text) {
        List<String> out = new ArrayList<>();
        for (String p : split(text)) if (!ids.containsKey(p)) out.add(p);
        return out;
    }

    /** Concatenated pieces, special tokens skipped. */
    public String decode(int[] tokens) {
        StringBuilder sb = new StringBuilder();
        for (int t : tokens) if (t >= SPECIALS.size()) sb.append(pieces[t]);
        return sb.toString();
    }

    /** Writes tokenizer.json, tokenizer_config.json and special_tokens_map.json into dir. */
    public void write(Path dir) {
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", null);
        root.add("padding", null);
        JsonArray added = new JsonArray();
        for (String s : SPECIALS) {
            JsonObject t = new JsonObject();
            t.addProperty("id", ids.get(s));
            t.addProperty("content", s);
            t.addProperty("single_word", false);
            t.addProperty("lstrip", false);
            t.addProperty("rstrip", false);
            t.addProperty("normalized", false);
            t.addProperty("special", true);
            added.add(t);
        }
        root.add("added_tokens", added);
        root.add("normalizer", null);
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "Split");
        JsonObject pattern = new JsonObject();
        pattern.addProperty("Regex", PATTERN);
        pre.add("pattern", pattern);
        pre.addProperty("behavior", "Isolated");
        pre.addProperty("invert", false);
        root.add("pre_tokenizer", pre);
        root.add("post_processor", postProcessor());
        JsonObject decoder = new JsonObject();
        decoder.addProperty("type", "Fuse");
        root.add("decoder", decoder);
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordLevel");
        JsonObject vocab = new JsonObject();
        for (int i = 0; i < pieces.length; i++) vocab.addProperty(pieces[i], i);
        model.add("vocab", vocab);
        model.addProperty("unk_token", UNK);
        root.add("model", model);

        Map<String, Object> special = new LinkedHashMap<>();
        special.put("bos_token", BOS);
        special.put("eos_token", EOS);
        special.put("unk_token", UNK);
        special.put("pad_token", PAD);
        Map<String, Object> config = new LinkedHashMap<>(special);
        config.put("add_bos_token", true);
        config.put("add_eos_token", false);
        config.put("clean_up_tokenization_spaces", false);
        config.put("model_max_length", 2048);
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        var gson = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"), gson.toJson(root) + "\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("tokenizer_config.json"), gson.toJson(config) + "\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("special_tokens_map.json"), gson.toJson(special) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** transformers adds BOS through the post-processor; DJL's encode(text, false, ...) skips it. */
    private JsonObject postProcessor() {
        JsonObject p = new JsonObject();
        p.addProperty("type", "TemplateProcessing");
        JsonArray single = new JsonArray();
        single.add(piece("SpecialToken", BOS));
        single.add(piece("Sequence", "A"));
        JsonArray pair = new JsonArray();
        pair.add(piece("SpecialToken", BOS));
        pair.add(piece("Sequence", "A"));
        pair.add(piece("SpecialToken", BOS));
        pair.add(piece("Sequence", "B"));
        p.add("single", single);
        p.add("pair", pair);
        JsonObject tokens = new JsonObject();
        JsonObject bos = new JsonObject();
        bos.addProperty("id", BOS);
        JsonArray bosIds = new JsonArray();
        bosIds.add(BOS_ID);
        bos.add("ids", bosIds);
        JsonArray bosTokens = new JsonArray();
        bosTokens.add(BOS);
        bos.add("tokens", bosTokens);
        tokens.add(BOS, bos);
        p.add("special_tokens", tokens);
        return p;
    }

    /** One item of a TemplateProcessing template: {kind: {id, type_id 0}}. */
    private static JsonObject piece(String kind, String id) {
        JsonObject inner = new JsonObject();
        inner.addProperty("id", id);
        inner.addProperty("type_id", 0);
        JsonObject o = new JsonObject();
        o.add(kind, inner);
        return o;
    }
}
