package laai.checkpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the JSON header of a safetensors file into validated {@link TensorInfo}s. Everything a
 * loader later relies on (offsets inside the data section, sizes matching shapes, no overlaps) is
 * checked here, so that a corrupt file fails at open with a message instead of mapping garbage.
 */
final class HeaderParser {

    static final String METADATA_KEY = "__metadata__";

    record Header(Map<String, TensorInfo> tensors, Map<String, String> metadata) {}

    private final Path file;
    private final long dataStart;
    private final long dataSize;

    /**
     * @param dataStart absolute offset of the data section (8 + header length)
     * @param dataSize  bytes from {@code dataStart} to the end of the file
     */
    HeaderParser(Path file, long dataStart, long dataSize) {
        this.file = file;
        this.dataStart = dataStart;
        this.dataSize = dataSize;
    }

    Header parse(byte[] headerBytes) {
        JsonObject root = parseObject(decodeUtf8(headerBytes));
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = Map.of();
        for (Map.Entry<String, JsonElement> e : root.entrySet()) {
            if (e.getKey().equals(METADATA_KEY)) {
                metadata = metadata(e.getValue());
            } else {
                tensors.put(e.getKey(), tensor(e.getKey(), e.getValue()));
            }
        }
        checkNoOverlap(tensors.values());
        return new Header(Collections.unmodifiableMap(tensors), metadata);
    }

    private String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException ex) {
            throw CheckpointException.inFile(file, "header is not valid UTF-8", ex);
        }
    }

    private JsonObject parseObject(String json) {
        JsonElement root;
        try {
            root = StrictJson.parse(json);
        } catch (RuntimeException ex) {
            throw CheckpointException.inFile(file, "header is not valid JSON (" + StrictJson.reason(ex) + ")", ex);
        }
        if (!root.isJsonObject()) {
            throw CheckpointException.inFile(file, "header is not a JSON object");
        }
        return root.getAsJsonObject();
    }

    private Map<String, String> metadata(JsonElement value) {
        if (!value.isJsonObject()) {
            throw CheckpointException.inFile(file, METADATA_KEY + " is not a JSON object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : value.getAsJsonObject().entrySet()) {
            JsonElement v = e.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw CheckpointException.inFile(file,
                        METADATA_KEY + " entry '" + e.getKey() + "' is not a string (metadata maps strings to strings)");
            }
            out.put(e.getKey(), v.getAsString());
        }
        return Collections.unmodifiableMap(out);
    }

    private TensorInfo tensor(String name, JsonElement value) {
        if (!value.isJsonObject()) {
            throw fail(name, "header entry is not a JSON object");
        }
        JsonObject o = value.getAsJsonObject();
        DType dtype = dtype(name, require(name, o, "dtype"));
        long[] shape = integers(name, "shape", require(name, o, "shape"));
        long[] offsets = integers(name, "data_offsets", require(name, o, "data_offsets"));

        for (long d : shape) {
            if (d < 0) {
                throw fail(name, "negative dimension " + d + " in shape " + Arrays.toString(shape));
            }
        }
        if (offsets.length != 2) {
            throw fail(name, "data_offsets must hold exactly [begin, end], got " + Arrays.toString(offsets));
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin < 0 || end < 0) {
            throw fail(name, "negative data_offsets " + Arrays.toString(offsets));
        }
        if (begin > end) {
            throw fail(name, "data_offsets begin " + begin + " > end " + end);
        }
        if (end > dataSize) {
            throw fail(name, "data_offsets " + Arrays.toString(offsets) + " lie outside the data section of "
                    + dataSize + " bytes (truncated file?)");
        }
        long expected = expectedBytes(name, dtype, shape);
        if (end - begin != expected) {
            throw fail(name, "byte size " + (end - begin) + " does not match shape " + Arrays.toString(shape)
                    + " of " + dtype + " (" + expected + " bytes)");
        }
        return new TensorInfo(name, dtype, shape, file, dataStart + begin, dataStart + end);
    }

    private long expectedBytes(String name, DType dtype, long[] shape) {
        try {
            long n = dtype.bytes();
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        } catch (ArithmeticException ex) {
            throw fail(name, "shape " + Arrays.toString(shape) + " is too large");
        }
    }

    private JsonElement require(String name, JsonObject o, String key) {
        JsonElement v = o.get(key);
        if (v == null || v.isJsonNull()) {
            throw fail(name, "missing '" + key + "'");
        }
        return v;
    }

    private DType dtype(String name, JsonElement v) {
        if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
            throw fail(name, "dtype is not a string: " + v);
        }
        String s = v.getAsString();
        return DType.lookup(s).orElseThrow(() -> fail(name, "unknown dtype '" + s + "' (known: " + DType.known() + ")"));
    }

    private long[] integers(String name, String key, JsonElement v) {
        if (!v.isJsonArray()) {
            throw fail(name, "'" + key + "' is not an array: " + v);
        }
        JsonArray a = v.getAsJsonArray();
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = integer(name, key, a.get(i));
        }
        return out;
    }

    private long integer(String name, String key, JsonElement v) {
        if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
            try {
                return new BigDecimal(v.getAsJsonPrimitive().getAsString()).longValueExact();
            } catch (ArithmeticException | NumberFormatException ignored) {
                // falls through to the error below: fractional or beyond a long
            }
        }
        throw fail(name, "'" + key + "' holds " + v + ", not an integer");
    }

    private void checkNoOverlap(Iterable<TensorInfo> infos) {
        List<TensorInfo> sorted = new ArrayList<>();
        infos.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        TensorInfo furthest = null; // the tensor reaching furthest so far, so nested ranges are caught too
        for (TensorInfo cur : sorted) {
            if (furthest != null && cur.begin() < furthest.end()) {
                throw CheckpointException.inFile(file, "tensors '" + furthest.name() + "' and '" + cur.name()
                        + "' overlap (bytes " + relative(furthest) + " and " + relative(cur) + " of the data section)");
            }
            if (furthest == null || cur.end() > furthest.end()) {
                furthest = cur;
            }
        }
    }

    private String relative(TensorInfo t) {
        return "[" + (t.begin() - dataStart) + ", " + (t.end() - dataStart) + ")";
    }

    private CheckpointException fail(String tensor, String problem) {
        return CheckpointException.forTensor(file, tensor, problem);
    }
}
