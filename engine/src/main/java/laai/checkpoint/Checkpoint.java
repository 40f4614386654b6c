package laai.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The weights of a Hugging Face model folder: {@code model.safetensors}, or
 * {@code model.safetensors.index.json} plus its shards. A single {@code .safetensors} file may be
 * opened directly too (saved intervention vectors).
 *
 * <p>All headers are read and validated at {@link #open}; tensor bytes are touched only by
 * {@link #load} and {@link #readFloats}. Safe to use from several threads. Arrays returned by
 * {@code load} stay valid after {@link #close()}.
 */
public final class Checkpoint implements AutoCloseable {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path dir;
    private final Map<String, TensorInfo> tensors;
    private final Map<Path, SafeTensorsFile> files;
    private final TensorLoader loader;
    private volatile boolean closed;

    private Checkpoint(Path dir, Map<String, TensorInfo> tensors, Map<Path, SafeTensorsFile> files,
                       TensorLoader loader) {
        this.dir = dir;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.files = files;
        this.loader = loader;
    }

    /** Opens a model folder, or a single {@code .safetensors} file. */
    public static Checkpoint open(Path path) {
        return open(path, TensorLoader.standard());
    }

    static Checkpoint open(Path path, TensorLoader loader) {
        Path abs = path.toAbsolutePath().normalize();
        if (Files.isRegularFile(abs)) {
            return fromFiles(abs.getParent(), List.of(abs), null, loader);
        }
        if (!Files.exists(abs)) {
            throw new CheckpointException("checkpoint folder not found: " + abs);
        }
        if (!Files.isDirectory(abs)) {
            throw new CheckpointException("not a checkpoint folder or file: " + abs);
        }
        Path single = abs.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) { // same preference as transformers when both exist
            return fromFiles(abs, List.of(single), null, loader);
        }
        Path index = abs.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return fromIndex(abs, index, loader);
        }
        throw new CheckpointException("no weights in " + abs + ": looked for " + SINGLE_FILE + " and " + INDEX_FILE
                + " (folder holds: " + listing(abs) + ")");
    }

    private static Checkpoint fromIndex(Path dir, Path index, TensorLoader loader) {
        Map<String, String> weightMap = ShardIndex.read(index);
        Map<String, Path> shardOf = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            Path shard = ShardIndex.resolveShard(index, dir, e.getValue());
            if (!Files.isRegularFile(shard)) {
                throw new CheckpointException("shard '" + e.getValue() + "' listed in " + index
                        + " is missing (it holds tensor '" + e.getKey() + "')");
            }
            shardOf.put(e.getKey(), shard);
        }
        List<Path> shards = shardOf.values().stream().distinct().collect(Collectors.toList());
        return fromFiles(dir, shards, new IndexRef(index, shardOf), loader);
    }

    /** Which tensors an index promises, and where; null for an unsharded checkpoint. */
    private record IndexRef(Path index, Map<String, Path> shardOf) {}

    private static Checkpoint fromFiles(Path dir, List<Path> paths, IndexRef indexRef, TensorLoader loader) {
        Map<Path, SafeTensorsFile> files = new LinkedHashMap<>();
        try {
            for (Path p : paths) {
                files.put(p, SafeTensorsFile.open(p));
            }
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            if (indexRef == null) {
                for (SafeTensorsFile f : files.values()) {
                    tensors.putAll(f.tensors());
                }
            } else {
                for (Map.Entry<String, Path> e : indexRef.shardOf().entrySet()) {
                    TensorInfo info = files.get(e.getValue()).tensors().get(e.getKey());
                    if (info == null) {
                        throw new CheckpointException("tensor '" + e.getKey() + "' is listed in " + indexRef.index()
                                + " but absent from its shard " + e.getValue());
                    }
                    tensors.put(e.getKey(), info);
                }
            }
            return new Checkpoint(dir, tensors, files, loader);
        } catch (RuntimeException ex) {
            closeAll(files.values(), ex);
            throw ex;
        }
    }

    public Path dir() {
        return dir;
    }

    /** Tensor names in file (or index) order. */
    public Set<String> names() {
        return tensors.keySet();
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            String hint = tensors.isEmpty() ? "it holds no tensors"
                    : tensors.size() + " tensors; closest: "
                            + String.join(", ", NameSuggester.closest(name, tensors.keySet(), 3));
            throw new CheckpointException("tensor '" + name + "' not found in " + dir + " (" + hint + ")");
        }
        return info;
    }

    /** The {@code __metadata__} of the file, or of all shards merged (first shard wins on a clash). */
    public Map<String, String> metadata() {
        Map<String, String> out = new LinkedHashMap<>();
        for (SafeTensorsFile f : files.values()) {
            f.metadata().forEach(out::putIfAbsent);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Loads a float tensor as FLOAT32 on {@code manager}'s device, attached to {@code manager}. */
    public NDArray load(NDManager manager, String name) {
        return load(manager, name, DataType.FLOAT32);
    }

    /**
     * Loads a float tensor as {@code target} (FLOAT32, FLOAT16 for GPUs, or FLOAT64 for gradient
     * checks) on {@code manager}'s device, attached to {@code manager}.
     *
     * <p>On CPU, a dtype loaded as itself (F32 as FLOAT32, also F16 as FLOAT16 and F64 as FLOAT64) is
     * zero-copy: the array wraps a read-only mapping of the file. Never run in-place ops
     * ({@code addi}, {@code set}, ...) on such an array (a write to a read-only page kills the
     * process), and do not close it while views of it (reshape, transpose, get) are still in use:
     * the mapping is kept alive by the loaded array object, not by its views. Everything else (BF16,
     * F8, conversions, non-CPU devices) is a torch-owned copy.
     *
     * @throws CheckpointException for a missing tensor or a non-float dtype, before DJL sees it
     */
    public NDArray load(NDManager manager, String name, DataType target) {
        TensorInfo info = info(name);
        return loader.load(manager, fileOf(info), info, target);
    }

    /** Any float tensor as float32 values in row-major order, without DJL; meant for small tensors. */
    public float[] readFloats(String name) {
        TensorInfo info = info(name);
        return loader.readFloats(fileOf(info), info);
    }

    /** Frees the buffers loading used; call once the tensors needed are loaded. */
    public void finishLoading() {
        loader.release();
    }

    private SafeTensorsFile fileOf(TensorInfo info) {
        if (closed) {
            throw new CheckpointException("checkpoint " + dir + " is closed (reading '" + info.name() + "')");
        }
        return files.get(info.file());
    }

    @Override
    public void close() {
        closed = true;
        CheckpointException failure = new CheckpointException("cannot close checkpoint " + dir);
        closeAll(files.values(), failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private static void closeAll(Iterable<SafeTensorsFile> files, RuntimeException collector) {
        for (SafeTensorsFile f : files) {
            try {
                f.close();
            } catch (RuntimeException ex) {
                collector.addSuppressed(ex);
            }
        }
    }

    private static String listing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = new ArrayList<>();
            s.map(p -> p.getFileName().toString()).sorted(Comparator.naturalOrder()).forEach(names::add);
            if (names.isEmpty()) {
                return "nothing";
            }
            return names.size() <= 12 ? String.join(", ", names)
                    : String.join(", ", names.subList(0, 12)) + ", ... " + (names.size() - 12) + " more";
        } catch (IOException ex) {
            return "unreadable: " + ex.getMessage();
        }
    }
}
