package laai.cli;

import laai.checkpoint.Checkpoint;
import laai.checkpoint.DType;
import laai.model.ModelPreset;
import laai.model.ModelShapes;
import laai.model.RandomCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code laai make-random-model}: a model folder with a real model's exact config.json, tensor
 * names and shapes, and random weights, for benchmarks and tests at real scale without the real
 * weights. Written the way transformers' save_pretrained writes it: one {@code model.safetensors}
 * up to the shard limit, else {@code model-0000i-of-0000N.safetensors} with
 * {@code model.safetensors.index.json}. The weights are computed while they are written
 * ({@link RandomCheckpoint#streamed}), so memory stays small whatever the model's size.
 */
@Command(name = "make-random-model", description = "Write a random checkpoint with the exact config.json, tensor names and "
        + "shapes of a published model (llama-3.2-1b, gemma-2-2b, llama-3-8b, mistral-7b, qwen2.5-0.5b, qwen3-0.6b), and a tokenizer.")
final class MakeRandomModelCommand implements Callable<Integer> {
    /** Files of a Hugging Face tokenizer that are copied when present; tokenizer.json is required. */
    private static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "tokenizer.model", "vocab.json", "merges.txt", "added_tokens.json");

    @Option(names = "--like", required = true, paramLabel = "MODEL",
            description = "llama-3.2-1b, gemma-2-2b, llama-3-8b, mistral-7b (v0.1), qwen2.5-0.5b, qwen3-0.6b.")
    String like;

    @Option(names = "--out", required = true, description = "Output model folder.")
    Path out;

    @Option(names = "--dtype", defaultValue = "bf16", description = "bf16, f16 or f32 (config.json's torch_dtype follows). Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--tokenizer", paramLabel = "DIR", description = "Folder whose tokenizer files are copied. Default: models/demo.")
    Path tokenizer;

    @Option(names = "--seed", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--layers", paramLabel = "N", description = "Override num_hidden_layers only (every per-layer shape stays the published one).")
    Integer layers;

    @Option(names = "--max-shard-size", defaultValue = "5GB", paramLabel = "SIZE",
            description = "Largest shard, as in save_pretrained: 5GB = 5·10^9 bytes; KB, MB, GB, KiB, MiB, GiB or bytes. Default: ${DEFAULT-VALUE}.")
    String maxShardSize;

    @Option(names = "--overwrite", description = "Replace the weights of an existing model folder.")
    boolean overwrite;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Override
    public Integer call() {
        ModelPreset preset = ModelPreset.named(like);
        DType type = dtype(dtype);
        long maxShard = bytes(maxShardSize);
        Path from = tokenizer != null ? tokenizer : ModelOptions.defaultModel();
        if (!Files.isRegularFile(from.resolve("tokenizer.json"))) {
            throw new IllegalArgumentException("no tokenizer.json in " + from + " (--tokenizer DIR)");
        }
        RandomCheckpoint random = RandomCheckpoint.like(preset).seed(seed).streamed();
        int published = ((Number) random.config.get("num_hidden_layers")).intValue();
        if (layers != null) {
            if (layers < 1) throw new IllegalArgumentException("--layers must be at least 1, got " + layers);
            random.set("num_hidden_layers", layers);
        }
        clearWeights(out);

        long t0 = System.nanoTime();
        long bytes = random.byteSize(type);
        // save_pretrained writes one model.safetensors when everything fits in one shard.
        random.write(out, type, bytes > maxShard ? maxShard : 0);
        List<String> copied = copyTokenizer(from, out);
        double seconds = (System.nanoTime() - t0) / 1e9;

        Map<String, long[]> shapes = random.weights();
        long parameters = shapes.values().stream().mapToLong(ModelShapes::numel).sum();
        List<String> files = weightFiles(out);
        int numLayers = random.modelConfig().numLayers();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", preset.id());
        r.put("repository", preset.repository());
        r.put("out", out.toString());
        r.put("dtype", type.name());
        r.put("seed", seed);
        r.put("layers", numLayers);
        r.put("published_layers", published);
        r.put("parameters", parameters);
        r.put("tensors", shapes.size());
        r.put("bytes", bytes);
        r.put("files", files);
        r.put("tokenizer", from.toString());
        r.put("tokenizer_files", copied);
        r.put("seconds", seconds);
        if (json) {
            Json.print(r);
            return 0;
        }
        System.out.printf("%s (%s) with random weights, seed %d, %s -> %s%n", preset.id(), preset.repository(), seed, type, out);
        System.out.printf("  %,d parameters in %d tensors, %.2f GB in %s%n", parameters, shapes.size(), bytes / 1e9,
                files.size() == 1 ? files.get(0) : files.size() + " shards + " + Checkpoint.INDEX_FILE);
        System.out.printf("  written in %.1f s (%.0f MB/s)%n", seconds, bytes / 1e6 / seconds);
        System.out.printf("  tokenizer: %s from %s%n", String.join(", ", copied), from);
        if (numLayers != published) {
            System.out.printf("  --layers %d: num_hidden_layers is %d here, %d in the published config; every per-layer shape is the published one%n",
                    numLayers, numLayers, published);
        }
        return 0;
    }

    static DType dtype(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "bf16", "bfloat16" -> DType.BF16;
            case "f16", "float16", "half" -> DType.F16;
            case "f32", "float32" -> DType.F32;
            default -> throw new IllegalArgumentException("unknown --dtype " + name + " (bf16, f16 or f32)");
        };
    }

    /** A size as transformers' convert_file_size_to_int reads it: GB = 10^9 bytes, GiB = 2^30. */
    static long bytes(String size) {
        Matcher m = Pattern.compile("(\\d+)\\s*([kmg]i?b)?").matcher(size.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new IllegalArgumentException("--max-shard-size " + size + ": expected e.g. 5GB, 500MB, 2GiB or a byte count");
        long n = Long.parseLong(m.group(1));
        long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
            case "kb" -> 1_000L;
            case "mb" -> 1_000_000L;
            case "gb" -> 1_000_000_000L;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            default -> 1L << 30;
        };
        long b = Math.multiplyExact(n, unit);
        if (b <= 0) throw new IllegalArgumentException("--max-shard-size must be positive: " + size);
        return b;
    }

    /**
     * Refuses to write into a folder that holds weights already unless --overwrite, which removes
     * them first: shards of an earlier, larger write would otherwise linger beside the new index.
     */
    private void clearWeights(Path dir) {
        List<Path> old = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> isWeightFile(p.getFileName().toString())).forEach(old::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (old.isEmpty()) return;
        if (!overwrite) {
            throw new IllegalArgumentException(dir + " already holds weights (" + old.get(0).getFileName()
                    + (old.size() > 1 ? " and " + (old.size() - 1) + " more" : "") + "); pass --overwrite to replace them");
        }
        for (Path p : old) {
            try {
                Files.delete(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static boolean isWeightFile(String name) {
        return name.equals(Checkpoint.INDEX_FILE) || name.matches("model(-\\d+-of-\\d+)?\\.safetensors(\\.tmp)?");
    }

    private static List<String> weightFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> copyTokenizer(Path from, Path to) {
        List<String> copied = new ArrayList<>();
        for (String name : TOKENIZER_FILES) {
            Path f = from.resolve(name);
            if (!Files.isRegularFile(f)) continue;
            try {
                Files.copy(f, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            copied.add(name);
        }
        return copied;
    }
}
