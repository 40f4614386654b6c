package laai.tasks;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A task whose targets are distributions over a fixed set of answer options (the paper's opinion
 * dynamics): a JSON array of {"input": question, "options": [K strings], "target": [K
 * probabilities]}. The prompt is the template's query of the input; option k is answered as the
 * template's answer of options[k].
 */
public record DistributionTask(String name, List<Item> items) {

    public record Item(String input, List<String> options, float[] target) {
        /** Index of the most probable option. */
        public int mode() {
            int best = 0;
            for (int k = 1; k < target.length; k++) if (target[k] > target[best]) best = k;
            return best;
        }
    }

    public record Split(DistributionTask task, List<Item> train, List<Item> test, long seed) {}

    public DistributionTask {
        items = List.copyOf(items);
    }

    public int size() {
        return items.size();
    }

    /** Whether a task file holds distribution targets (its first object has a "target" key). */
    public static boolean isDistributionFile(Path file) {
        try {
            JsonElement e = JsonParser.parseString(Task.readUtf8(file));
            return e.isJsonArray() && !e.getAsJsonArray().isEmpty() && e.getAsJsonArray().get(0).isJsonObject()
                    && e.getAsJsonArray().get(0).getAsJsonObject().has("target");
        } catch (RuntimeException e) {
            return false;
        }
    }

    public static DistributionTask load(Path file) {
        String where = file.toString();
        JsonElement root;
        try {
            root = JsonParser.parseString(Task.readUtf8(file));
        } catch (com.google.gson.JsonParseException e) {
            throw new TaskFormatException(where + ": malformed JSON: " + laai.checkpoint.StrictJson.reason(e));
        }
        if (!root.isJsonArray()) throw new TaskFormatException(where + ": expected a JSON array");
        List<Item> items = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<String> options = null;
        JsonArray array = root.getAsJsonArray();
        for (int i = 0; i < array.size(); i++) {
            String at = where + ": item " + (i + 1);
            if (!array.get(i).isJsonObject()) throw new TaskFormatException(at + ": expected an object");
            JsonObject o = array.get(i).getAsJsonObject();
            for (String key : List.of("input", "options", "target")) {
                if (!o.has(key)) throw new TaskFormatException(at + ": missing key \"" + key + "\"");
            }
            String input = o.get("input").getAsString();
            if (input.isBlank()) throw new TaskFormatException(at + ": empty input");
            if (!seen.add(input)) throw new TaskFormatException(at + ": duplicate input \"" + input + "\"");
            List<String> opts = new ArrayList<>();
            o.getAsJsonArray("options").forEach(x -> opts.add(x.getAsString()));
            JsonArray t = o.getAsJsonArray("target");
            if (opts.size() < 2 || t.size() != opts.size()) {
                throw new TaskFormatException(at + ": needs at least 2 options and one target probability per option");
            }
            if (new HashSet<>(opts).size() != opts.size()) throw new TaskFormatException(at + ": repeated option");
            if (options == null) options = opts;
            else if (!options.equals(opts)) throw new TaskFormatException(at + ": every item must share one option list");
            float[] target = new float[t.size()];
            double sum = 0;
            for (int k = 0; k < target.length; k++) {
                target[k] = t.get(k).getAsFloat();
                if (!(target[k] >= 0) || !Float.isFinite(target[k])) throw new TaskFormatException(at + ": target probabilities must be ≥ 0");
                sum += target[k];
            }
            if (Math.abs(sum - 1) > 1e-3) throw new TaskFormatException(at + ": target sums to " + sum + ", not 1");
            items.add(new Item(input, List.copyOf(opts), target));
        }
        if (items.isEmpty()) throw new TaskFormatException(where + ": the task has no items");
        return new DistributionTask(file.getFileName().toString().replaceFirst("\\.json$", ""), items);
    }

    public List<String> options() {
        return items.get(0).options();
    }

    public Split split(int nTrain, int nTest, long seed) {
        if (nTrain < 1) throw new IllegalArgumentException("the number of training items must be at least 1");
        int needed = nTrain + Math.max(nTest, 1);
        if (size() < needed) {
            throw new TaskFormatException("task " + name + " has " + size() + " items; " + nTrain + " training and "
                    + (nTest > 0 ? nTest : "at least 1") + " test items need " + needed);
        }
        List<Item> shuffled = new ArrayList<>(items);
        Collections.shuffle(shuffled, new Random(seed));
        int end = nTest > 0 ? nTrain + nTest : shuffled.size();
        return new Split(this, List.copyOf(shuffled.subList(0, nTrain)), List.copyOf(shuffled.subList(nTrain, end)), seed);
    }
}
