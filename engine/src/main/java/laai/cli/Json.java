package laai.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;

import java.io.IOException;
import java.util.Map;

/**
 * JSON output of the commands: one object per invocation, on stdout. Numbers that are not finite
 * (a baseline's γ, the KL of a task that has none) are written as {@code null}, because strict
 * parsers reject NaN; keys with no value stay, as {@code null}.
 */
final class Json {
    private static final TypeAdapter<Number> FINITE_OR_NULL = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, Number n) throws IOException {
            if (n == null || !Double.isFinite(n.doubleValue())) {
                out.nullValue();
            } else {
                out.value(n);
            }
        }

        @Override
        public Number read(JsonReader in) {
            throw new UnsupportedOperationException("output only");
        }
    };

    private static final Gson GSON = new GsonBuilder()
            .registerTypeAdapter(Double.class, FINITE_OR_NULL).registerTypeAdapter(double.class, FINITE_OR_NULL)
            .registerTypeAdapter(Float.class, FINITE_OR_NULL).registerTypeAdapter(float.class, FINITE_OR_NULL)
            .serializeNulls().disableHtmlEscaping().create();

    private Json() {}

    static void print(Object o) {
        System.out.println(GSON.toJson(o));
    }

    /** What a command asked for with --json prints when it fails. */
    static void printError(String message) {
        print(Map.of("error", message));
    }
}
