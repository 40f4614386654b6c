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
final class StrictJson {

    private static final Gson GSON = new Gson();

    private StrictJson() {}

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
