package laai.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** What one execute_request produced: its iopub messages in order, and the shell reply. */
public final class CellResult {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[;\\d]*m");

    private final List<JsonObject> outputs;
    private final JsonObject reply;
    private final boolean timedOut;
    private final Double stoppedAfter;

    CellResult(JsonObject json) {
        this.outputs = new ArrayList<>();
        json.getAsJsonArray("outputs").forEach(e -> outputs.add(e.getAsJsonObject()));
        JsonElement r = json.get("reply");
        this.reply = r == null || r.isJsonNull() ? null : r.getAsJsonObject();
        this.timedOut = json.get("timed_out").getAsBoolean();
        JsonElement stopped = json.get("stopped_after");
        this.stoppedAfter = stopped == null || stopped.isJsonNull() ? null : stopped.getAsDouble();
    }

    /** Seconds from the driver's interrupt to the kernel going idle, if it interrupted the cell. */
    /** {@code cell}, after asserting that it ran without error (for {@code ok(kernel.execute(...))}). */
    public static CellResult ok(CellResult cell) {
        org.junit.jupiter.api.Assertions.assertEquals("ok", cell.status(), cell.toString());
        return cell;
    }

    /** Deletes a folder and everything in it, if it exists (what a test left in the repository). */
    public static void deleteTree(java.nio.file.Path root) throws java.io.IOException {
        if (!java.nio.file.Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(root)) {
            for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                java.nio.file.Files.delete(p);
            }
        }
    }

    public Optional<Double> stoppedAfter() {
        return Optional.ofNullable(stoppedAfter);
    }

    public boolean timedOut() {
        return timedOut;
    }

    public String status() {
        return reply == null ? "no reply" : reply.get("status").getAsString();
    }

    /** The messages of one type, e.g. "display_data", in order. */
    public List<JsonObject> outputs(String type) {
        List<JsonObject> matching = new ArrayList<>();
        for (JsonObject o : outputs) {
            if (o.get("type").getAsString().equals(type)) {
                matching.add(o.getAsJsonObject("content"));
            }
        }
        return matching;
    }

    /** The execute_result's data for a MIME type. */
    public Optional<String> result(String mime) {
        return outputs("execute_result").stream()
                .map(c -> c.getAsJsonObject("data").get(mime))
                .filter(e -> e != null && !e.isJsonNull())
                .map(JsonElement::getAsString)
                .findFirst();
    }

    public String plain() {
        return result("text/plain").orElseThrow(() -> new AssertionError("no text/plain result in " + this));
    }

    public String stdout() {
        return stream("stdout");
    }

    public String stderr() {
        return stream("stderr");
    }

    private String stream(String name) {
        StringBuilder s = new StringBuilder();
        for (JsonObject o : outputs("stream")) {
            if (o.get("name").getAsString().equals(name)) {
                s.append(o.get("text").getAsString());
            }
        }
        return s.toString();
    }

    /**
     * Every output in order, one entry per message: {@code stdout:TEXT}, {@code stderr:TEXT}, or
     * the message type for anything else. Consecutive stream messages of one name are joined, so
     * the result does not depend on how the kernel split its output into messages.
     */
    public List<String> sequence() {
        List<String> sequence = new ArrayList<>();
        for (JsonObject o : outputs) {
            String type = o.get("type").getAsString();
            String entry = type;
            if (type.equals("stream")) {
                JsonObject content = o.getAsJsonObject("content");
                String prefix = content.get("name").getAsString() + ":";
                entry = prefix + content.get("text").getAsString();
                int last = sequence.size() - 1;
                if (last >= 0 && sequence.get(last).startsWith(prefix)) {
                    sequence.set(last, sequence.get(last) + content.get("text").getAsString());
                    continue;
                }
            }
            sequence.add(entry);
        }
        return sequence;
    }

    public Optional<JsonObject> error() {
        return outputs("error").stream().findFirst();
    }

    /** The error's traceback as plain text (colours stripped), one line per traceback entry. */
    public String traceback() {
        JsonObject error = error().orElseThrow(() -> new AssertionError("no error output in " + this));
        List<String> lines = new ArrayList<>();
        error.getAsJsonArray("traceback").forEach(e -> lines.add(ANSI.matcher(e.getAsString()).replaceAll("")));
        return String.join("\n", lines);
    }

    @Override
    public String toString() {
        String all = outputs.toString();
        // A progress bar sends hundreds of updates; a failure message needs their end.
        String shown = all.length() <= 4000 ? all : "..." + all.substring(all.length() - 4000);
        return "CellResult{status=" + status() + ", outputs=" + shown + "}";
    }
}
