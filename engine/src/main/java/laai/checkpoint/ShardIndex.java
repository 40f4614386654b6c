package laai.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code model.safetensors.index.json} of a sharded Hugging Face checkpoint: which shard file holds
 * each tensor. Only {@code weight_map} matters for loading; {@code metadata.total_size} is informative.
 */
final class ShardIndex {

    private ShardIndex() {}

    /** @return tensor name to shard file name (relative to the index's folder), in index order */
    static Map<String, String> read(Path index) {
        String text;
        try {
            text = Files.readString(index);
        } catch (IOException ex) {
            throw new CheckpointException("cannot read index " + index + ": " + ex, ex);
        }
        JsonElement root;
        try {
            root = StrictJson.parse(text);
        } catch (RuntimeException ex) {
            throw malformed(index, "not valid JSON (" + StrictJson.reason(ex) + ")");
        }
        if (!root.isJsonObject()) {
            throw malformed(index, "not a JSON object");
        }
        JsonElement weightMap = root.getAsJsonObject().get("weight_map");
        if (weightMap == null || !weightMap.isJsonObject()) {
            throw malformed(index, "no \"weight_map\" object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : ((JsonObject) weightMap).entrySet()) {
            JsonElement v = e.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw malformed(index, "weight_map entry '" + e.getKey() + "' is not a file name: " + v);
            }
            out.put(e.getKey(), v.getAsString());
        }
        if (out.isEmpty()) {
            throw malformed(index, "weight_map is empty");
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Resolves a shard name against the checkpoint folder, refusing names that leave it: an index is
     * data from the internet and must not make us open arbitrary files.
     */
    static Path resolveShard(Path index, Path dir, String shard) {
        Path p;
        try {
            p = Path.of(shard);
        } catch (InvalidPathException ex) {
            throw malformed(index, "shard name '" + shard + "' is not a valid file name");
        }
        Path resolved = dir.resolve(p).normalize();
        if (p.isAbsolute() || !resolved.startsWith(dir.normalize())) {
            throw malformed(index, "shard name '" + shard + "' points outside " + dir);
        }
        return resolved;
    }

    private static CheckpointException malformed(Path index, String problem) {
        return new CheckpointException("malformed index " + index + ": " + problem);
    }
}
