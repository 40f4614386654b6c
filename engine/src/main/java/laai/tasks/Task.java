package laai.tasks;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A rule task in the Function Vectors format (Todd et al., ICLR 2024): a JSON array of objects
 * with exactly the keys "input" and "output". Loading is strict, because a silently skipped or
 * duplicated pair would bias both the training split and the reported accuracy.
 */
public record Task(String name, List<Pair> pairs) implements java.io.Serializable {

    public Task {
        pairs = List.copyOf(pairs);
    }

    public int size() {
        return pairs.size();
    }

    /** A task by name from a datasets folder ({@code NAME.json}), or from a path to a .json file. */
    public static Task resolve(String nameOrFile, Path datasets) {
        Path file = Path.of(nameOrFile);
        if (nameOrFile.endsWith(".json") || Files.isRegularFile(file)) return load(file);
        Path named = datasets.resolve(nameOrFile + ".json");
        if (!Files.isRegularFile(named)) {
            throw new TaskFormatException("no task '" + nameOrFile + "': neither a file nor " + named
                    + " (available: " + available(datasets) + ")");
        }
        return load(named);
    }

    public static List<String> available(Path datasets) {
        try (var files = Files.list(datasets)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    public static Task load(Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        return parse(name, file.toString(), readUtf8(file));
    }

    static String readUtf8(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TaskFormatException(file + ": no such file");
        } catch (IOException e) {
            throw new TaskFormatException(file + ": cannot read (" + e.getMessage() + ")");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            int offset = firstInvalidUtf8(bytes);
            int line = 1;
            for (int i = 0; i < offset; i++) if (bytes[i] == '\n') line++;
            throw new TaskFormatException(file + ":" + line + ": not UTF-8 (invalid byte 0x"
                    + String.format("%02x", bytes[offset] & 0xff) + " at byte " + offset + ")");
        }
    }

    private static int firstInvalidUtf8(byte[] b) {
        for (int i = 0; i < b.length; ) {
            int c = b[i] & 0xff, n;
            if (c < 0x80) n = 0;
            else if (c >= 0xc2 && c < 0xe0) n = 1;
            else if (c >= 0xe0 && c < 0xf0) n = 2;
            else if (c >= 0xf0 && c < 0xf5) n = 3;
            else return i;
            if (i + n >= b.length) return i;
            for (int k = 1; k <= n; k++) if ((b[i + k] & 0xc0) != 0x80) return i;
            i += n + 1;
        }
        return 0;
    }

    /** Parses the text of a task file; {@code where} names it in error messages. */
    public static Task parse(String name, String where, String text) {
        List<Pair> pairs = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        try (JsonReader r = new JsonReader(new StringReader(text))) {
            if (r.peek() != JsonToken.BEGIN_ARRAY) {
                throw new TaskFormatException(where + ":" + line(r) + ": expected a JSON array of {\"input\", \"output\"} objects");
            }
            r.beginArray();
            while (r.hasNext()) {
                int line = line(r);
                if (r.peek() != JsonToken.BEGIN_OBJECT) {
                    throw new TaskFormatException(where + ":" + line + ": expected an object, found " + r.peek());
                }
                JsonObject o = com.google.gson.JsonParser.parseReader(r).getAsJsonObject();
                String input = field(o, "input", where, line);
                List<String> answers = answers(o, where, line);
                for (String key : o.keySet()) {
                    if (!key.equals("input") && !key.equals("output")) {
                        throw new TaskFormatException(where + ":" + line + ": unexpected key \"" + key + "\" (only \"input\" and \"output\")");
                    }
                }
                if (input.isBlank()) throw new TaskFormatException(where + ":" + line + ": empty input");
                for (String answer : answers) {
                    if (answer.isBlank()) throw new TaskFormatException(where + ":" + line + ": empty output for input \"" + input + "\"");
                }
                Integer first = seen.putIfAbsent(input.toLowerCase(Locale.ROOT), line);
                if (first != null) {
                    throw new TaskFormatException(where + ":" + line + ": duplicate input \"" + input + "\" (first at line " + first + ")");
                }
                pairs.add(Pair.of(input, answers));
            }
            r.endArray();
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new TaskFormatException(where + ":" + line(r) + ": unexpected content after the array");
            }
        } catch (IOException | IllegalStateException | com.google.gson.JsonParseException e) {
            // MalformedJsonException, and EOFException for a file cut short, are IOExceptions here
            throw new TaskFormatException(where + ": malformed JSON: " + laai.checkpoint.StrictJson.reason(e));
        }
        if (pairs.isEmpty()) throw new TaskFormatException(where + ": the task has no pairs");
        return new Task(name, pairs);
    }

    private static String field(JsonObject o, String key, String where, int line) {
        JsonElement e = o.get(key);
        if (e == null) throw new TaskFormatException(where + ":" + line + ": missing key \"" + key + "\"");
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new TaskFormatException(where + ":" + line + ": \"" + key + "\" must be a string"
                    + (key.equals("output") ? " or an array of strings" : ""));
        }
        return e.getAsString();
    }

    /**
     * The accepted answers of one pair: "output" is one string, or a JSON array of strings (every
     * answer scoring accepts; the first is the training target).
     */
    private static List<String> answers(JsonObject o, String where, int line) {
        JsonElement e = o.get("output");
        if (e == null || !e.isJsonArray()) return List.of(field(o, "output", where, line));
        List<String> answers = new ArrayList<>();
        for (JsonElement a : e.getAsJsonArray()) {
            if (!a.isJsonPrimitive() || !a.getAsJsonPrimitive().isString()) {
                throw new TaskFormatException(where + ":" + line + ": \"output\" must be a string or an array of strings");
            }
            answers.add(a.getAsString());
        }
        if (answers.isEmpty()) throw new TaskFormatException(where + ":" + line + ": \"output\" is an empty array");
        return answers;
    }

    /** 1-based line of the reader's position; JsonReader reports it only inside its toString. */
    private static int line(JsonReader r) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("line (\\d+)").matcher(r.toString());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /**
     * The chained task x → B(A(x)) over the inputs whose A-output is an input of B (for example
     * antonym then English→French).
     */
    public static Task chain(Task a, Task b) {
        Map<String, Pair> bMap = new HashMap<>();
        for (Pair p : b.pairs()) bMap.put(p.input().toLowerCase(Locale.ROOT), p);
        List<Pair> chained = new ArrayList<>();
        for (Pair p : a.pairs()) {
            // Through A's training target; B's accepted answers stay accepted.
            Pair out = bMap.get(p.output().toLowerCase(Locale.ROOT));
            if (out != null) chained.add(new Pair(p.input(), out.output(), out.accepted()));
        }
        if (chained.isEmpty()) {
            throw new TaskFormatException("tasks " + a.name() + " and " + b.name() + " share no words to chain");
        }
        return new Task(a.name() + "->" + b.name(), chained);
    }

    /** The pairs as a Function Vectors JSON file's text: an array of {"input", "output"} (an array where several answers are accepted). */
    public String toJson() {
        com.google.gson.JsonArray a = new com.google.gson.JsonArray();
        for (Pair p : pairs) {
            JsonObject o = new JsonObject();
            o.addProperty("input", p.input());
            if (p.accepted().size() == 1) {
                o.addProperty("output", p.output());
            } else {
                com.google.gson.JsonArray answers = new com.google.gson.JsonArray();
                p.accepted().forEach(answers::add);
                o.add("output", answers);
            }
            a.add(o);
        }
        return new com.google.gson.GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(a) + "\n";
    }

    /** A seeded shuffle of the pairs. */
    public List<Pair> shuffled(long seed) {
        List<Pair> copy = new ArrayList<>(pairs);
        Collections.shuffle(copy, new java.util.Random(seed));
        return copy;
    }
}
