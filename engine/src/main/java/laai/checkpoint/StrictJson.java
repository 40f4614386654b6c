package laai.checkpoint;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;

/**
 * Parses RFC 8259 JSON. Gson's convenience parsers are lenient (unquoted keys, comments, a second
 * top-level value), which would let a corrupt header or index through looking plausible.
 */
public final class StrictJson {

    private static final Gson GSON = new Gson();

    private StrictJson() {}

    /**
     * Gson's reason for a parse failure as a user should read it: where and what, without Gson's
     * class names, its advice to parse leniently, or its troubleshooting link.
     */
    public static String reason(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int see = m.indexOf("\nSee https://");
        if (see >= 0) m = m.substring(0, see);
        m = m.replaceAll("(?:[a-z]+\\.)+[A-Za-z]*Exception: ", "");
        m = m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON");
        return m.strip();
    }

    /** @throws JsonParseException with Gson's location message when {@code json} is not valid JSON */
    static JsonElement parse(String json) {
        try (JsonReader reader = new JsonReader(new StringReader(json))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement root = GSON.getAdapter(JsonElement.class).read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonParseException("trailing content after the JSON value at " + reader.getPath());
            }
            return root;
        } catch (IOException ex) {
            throw new JsonParseException(ex.getMessage(), ex);
        }
    }
}
