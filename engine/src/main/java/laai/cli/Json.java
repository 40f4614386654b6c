package laai.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** JSON output of the commands: one object per invocation, on stdout. */
final class Json {
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping().create();

    private Json() {}

    static void print(Object o) {
        System.out.println(GSON.toJson(o));
    }
}
