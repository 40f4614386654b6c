package laai.checkpoint;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes safetensors files: tiny random checkpoints in tests, saved intervention vectors, the
 * weights of the demo model trainer, and random checkpoints of real-model size.
 *
 * <p>Float data is held by reference and encoded at write time, so do not change an array between
 * {@code add} and {@code write}. Tensors added with {@link #addGenerated} hold no data at all: their
 * values are computed chunk by chunk while the file is written, on {@link #threads} threads, so a
 * checkpoint of any size is written with a few chunks of memory. Tensors are laid out by element size, largest first (insertion
 * order within a size), so every tensor starts aligned to its element size, which the zero-copy
 * loader relies on. Each file is written to a temporary name and then renamed: a reader never sees
 * a half-written file, and a file that is memory-mapped elsewhere is replaced, not truncated
 * under the mapping.
 */
public final class SafeTensorsWriter {

    private static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().create();
    private static final Gson PRETTY = new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create();
    private static final int IO_CHUNK = 1 << 20;
    /** Elements per generated chunk: 1 MiB of floats, 0.5 MiB of BF16 on disk. */
    static final int DEFAULT_CHUNK_ELEMENTS = 1 << 18;

    /**
     * The values of a tensor computed on demand, for {@link #addGenerated}. {@code fill} stores
     * elements {@code [first, first + count)} (row-major) into {@code out[0 .. count)}. It is called
     * for disjoint ranges from several threads at once and in no particular order, so it must be
     * thread-safe and depend on its arguments alone; the file then depends on nothing else.
     */
    @FunctionalInterface
    public interface Values {
        void fill(long first, float[] out, int count);
    }

    private record Entry(String name, DType dtype, long[] shape, float[] values, byte[] raw, Values generated) {
        long byteSize() {
            return numel(shape) * dtype.bytes();
        }
    }

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private int threads = Runtime.getRuntime().availableProcessors();
    private int chunkElements = DEFAULT_CHUNK_ELEMENTS;

    /** Adds a {@code __metadata__} entry (written into every file). */
    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(requireNonEmpty(key, "metadata key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Adds a float tensor stored as F32, F16 or BF16; F16 and BF16 round to nearest, ties to even
     * (as torch does), F16 overflows to infinity beyond 65504.
     */
    public SafeTensorsWriter add(String name, DType dtype, long[] shape, float[] data) {
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("add(float[]) writes F32, F16 or BF16, not " + dtype
                    + " (tensor '" + name + "'); use addRaw for other dtypes");
        }
        checkCount(name, shape, data.length);
        return put(new Entry(name, dtype, shape.clone(), data, null, null));
    }

    /**
     * Adds a float tensor stored as F32, F16 or BF16 (rounded as by {@link #add}) whose values are
     * computed while the file is written, a chunk at a time: nothing of it is held in memory.
     */
    public SafeTensorsWriter addGenerated(String name, DType dtype, long[] shape, Values values) {
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("addGenerated writes F32, F16 or BF16, not " + dtype + " (tensor '" + name + "')");
        }
        numel(shape); // validates the shape now rather than mid-file
        return put(new Entry(name, dtype, shape.clone(), null, null, Objects.requireNonNull(values, "values")));
    }

    /**
     * Threads that compute generated tensors (default: one per processor); the calling thread
     * writes. The file does not depend on it.
     */
    public SafeTensorsWriter threads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1: " + threads);
        this.threads = threads;
        return this;
    }

    /** Elements per generated chunk; tests make it small to cross chunk boundaries often. */
    SafeTensorsWriter chunkElements(int elements) {
        if (elements < 1) throw new IllegalArgumentException("chunk elements must be at least 1: " + elements);
        this.chunkElements = elements;
        return this;
    }

    /**
     * The most memory a write holds for generated tensors at any time: one float chunk and its
     * encoding per slot, {@code threads + 2} slots (each thread fills one while the writer drains
     * another and the next waits).
     */
    public long generatedBufferBytes() {
        return (threads + 2L) * chunkElements * (Float.BYTES + Float.BYTES);
    }

    /** Adds a tensor of any dtype from its little-endian bytes (integer ids, masks, test fixtures). */
    public SafeTensorsWriter addRaw(String name, DType dtype, long[] shape, byte[] littleEndianBytes) {
        long expected = Math.multiplyExact(numel(shape), dtype.bytes());
        if (littleEndianBytes.length != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " of " + dtype + " needs " + expected + " bytes, got " + littleEndianBytes.length);
        }
        return put(new Entry(name, dtype, shape.clone(), null, littleEndianBytes, null));
    }

    private SafeTensorsWriter put(Entry e) {
        requireNonEmpty(e.name(), "tensor name");
        if (e.name().equals(HeaderParser.METADATA_KEY)) {
            throw new IllegalArgumentException(HeaderParser.METADATA_KEY + " is reserved, not a tensor name");
        }
        if (entries.putIfAbsent(e.name(), e) != null) {
            throw new IllegalArgumentException("tensor '" + e.name() + "' added twice");
        }
        return this;
    }

    /** Writes all tensors into one file (replacing it if present). */
    public void write(Path file) {
        try (Generation generation = new Generation()) {
            writeFile(file, ordered(), generation);
        }
    }

    /**
     * Writes a Hugging Face sharded checkpoint into {@code dir}: {@code model-00001-of-0000N.safetensors}
     * ... and {@code model.safetensors.index.json}. Tensors fill shards in order; a new shard starts
     * when the next tensor would push the current one past {@code maxShardBytes} (a single larger
     * tensor gets a shard of its own).
     *
     * @return the shard files, in order
     */
    public List<Path> writeSharded(Path dir, long maxShardBytes) {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive: " + maxShardBytes);
        }
        if (Files.exists(dir.resolve(Checkpoint.SINGLE_FILE))) {
            // Checkpoint.open (like transformers) prefers model.safetensors, so the shards would be ignored.
            throw new CheckpointException("refusing to write shards next to " + dir.resolve(Checkpoint.SINGLE_FILE)
                    + ", which would shadow them");
        }
        List<List<Entry>> shards = plan(ordered(), maxShardBytes);
        JsonObject weightMap = new JsonObject();
        long totalSize = 0;
        List<Path> files = new ArrayList<>();
        try (Generation generation = new Generation()) {
            for (int i = 0; i < shards.size(); i++) {
                String shardName = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
                files.add(dir.resolve(shardName));
                writeFile(files.get(i), shards.get(i), generation);
                for (Entry e : shards.get(i)) {
                    weightMap.addProperty(e.name(), shardName);
                    totalSize += e.byteSize();
                }
            }
        }
        JsonObject meta = new JsonObject();
        meta.addProperty("total_size", totalSize);
        JsonObject index = new JsonObject();
        index.add("metadata", meta);
        index.add("weight_map", weightMap);
        byte[] json = (PRETTY.toJson(index) + "\n").getBytes(StandardCharsets.UTF_8);
        atomically(dir.resolve(Checkpoint.INDEX_FILE), tmp -> Files.write(tmp, json));
        return files;
    }

    private static List<List<Entry>> plan(List<Entry> ordered, long maxShardBytes) {
        List<List<Entry>> shards = new ArrayList<>();
        List<Entry> current = new ArrayList<>();
        long size = 0;
        for (Entry e : ordered) {
            if (!current.isEmpty() && size + e.byteSize() > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(e);
            size += e.byteSize();
        }
        if (!current.isEmpty() || shards.isEmpty()) {
            shards.add(current);
        }
        return shards;
    }

    private List<Entry> ordered() {
        List<Entry> list = new ArrayList<>(entries.values());
        list.sort(Comparator.comparingInt((Entry e) -> e.dtype().bytes()).reversed()); // stable
        return list;
    }

    private void writeFile(Path file, List<Entry> tensors, Generation generation) {
        atomically(file, tmp -> {
            byte[] header = header(tensors);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                writeAll(ch, len);
                writeAll(ch, ByteBuffer.wrap(header));
                ByteBuffer buf = ByteBuffer.allocate(IO_CHUNK).order(ByteOrder.LITTLE_ENDIAN);
                for (Entry e : tensors) {
                    if (e.generated() != null) {
                        generation.write(ch, e);
                    } else {
                        writeData(ch, e, buf);
                    }
                }
            }
        });
    }

    /** The JSON header, padded with spaces so the data section starts 8-byte aligned. */
    private byte[] header(List<Entry> tensors) {
        JsonObject root = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            root.add(HeaderParser.METADATA_KEY, meta);
        }
        long offset = 0;
        for (Entry e : tensors) {
            JsonObject t = new JsonObject();
            t.addProperty("dtype", e.dtype().name());
            JsonArray shape = new JsonArray();
            for (long d : e.shape()) {
                shape.add(d);
            }
            t.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + e.byteSize());
            t.add("data_offsets", offsets);
            root.add(e.name(), t);
            offset += e.byteSize();
        }
        StringBuilder json = new StringBuilder(COMPACT.toJson(root));
        int utf8Length = json.toString().getBytes(StandardCharsets.UTF_8).length;
        json.append(" ".repeat((8 - utf8Length % 8) % 8));
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void writeData(FileChannel ch, Entry e, ByteBuffer buf) throws IOException {
        if (e.raw() != null) {
            writeAll(ch, ByteBuffer.wrap(e.raw()));
            return;
        }
        float[] v = e.values();
        buf.clear();
        for (float f : v) {
            if (buf.remaining() < 4) {
                buf.flip();
                writeAll(ch, buf);
                buf.clear();
            }
            switch (e.dtype()) {
                case F32 -> buf.putFloat(f);
                case F16 -> buf.putShort(FloatFormats.floatToHalf(f));
                case BF16 -> buf.putShort(FloatFormats.floatToBf16(f));
                default -> throw new IllegalStateException(e.dtype().name());
            }
        }
        buf.flip();
        writeAll(ch, buf);
    }

    /**
     * Computes generated tensors in chunks on a small pool of threads while the calling thread
     * writes finished chunks in order. Each chunk fills a slot (a float array and a direct buffer
     * for its encoding, so the channel writes without a copy); a slot returns to the free list once
     * written, and no more chunks are started than there are free slots, so memory stays at
     * {@link #generatedBufferBytes()} however large the tensor.
     */
    private final class Generation implements AutoCloseable {
        private ExecutorService pool;
        private final ArrayDeque<Slot> free = new ArrayDeque<>();

        void write(FileChannel ch, Entry e) throws IOException {
            if (pool == null) start();
            long n = numel(e.shape());
            ArrayDeque<Future<Slot>> inFlight = new ArrayDeque<>();
            long next = 0;
            while (next < n || !inFlight.isEmpty()) {
                if (next < n && !free.isEmpty()) {
                    Slot slot = free.pop();
                    long first = next;
                    int count = (int) Math.min(chunkElements, n - first);
                    next += count;
                    inFlight.add(pool.submit(() -> slot.fill(e, first, count)));
                } else {
                    Slot done = await(inFlight.poll());
                    writeAll(ch, done.bytes);
                    free.push(done);
                }
            }
        }

        private void start() {
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "safetensors-generate");
                t.setDaemon(true);
                return t;
            });
            for (int i = 0; i < threads + 2; i++) {
                free.push(new Slot(chunkElements));
            }
        }

        private Slot await(Future<Slot> f) throws IOException {
            try {
                return f.get();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while generating tensor data", ex);
            } catch (ExecutionException ex) {
                if (ex.getCause() instanceof RuntimeException r) throw r;
                if (ex.getCause() instanceof Error err) throw err;
                throw new IOException(ex.getCause());
            }
        }

        @Override
        public void close() {
            if (pool != null) pool.shutdownNow();
        }
    }

    /** One chunk's scratch: the values a generator fills and their little-endian encoding. */
    private static final class Slot {
        final float[] values;
        final ByteBuffer bytes;

        Slot(int elements) {
            values = new float[elements];
            bytes = ByteBuffer.allocateDirect(elements * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        }

        Slot fill(Entry e, long first, int count) {
            e.generated().fill(first, values, count);
            bytes.clear();
            switch (e.dtype()) {
                case F32 -> {
                    for (int i = 0; i < count; i++) bytes.putFloat(i * 4, values[i]);
                }
                case F16 -> {
                    for (int i = 0; i < count; i++) bytes.putShort(i * 2, FloatFormats.floatToHalf(values[i]));
                }
                case BF16 -> {
                    for (int i = 0; i < count; i++) bytes.putShort(i * 2, FloatFormats.floatToBf16(values[i]));
                }
                default -> throw new IllegalStateException(e.dtype().name());
            }
            bytes.limit(count * e.dtype().bytes());
            return this;
        }
    }

    private static void writeAll(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private interface IoAction {
        void run(Path tmp) throws IOException;
    }

    private static void atomically(Path target, IoAction write) {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            write.run(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException ex) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException ex) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                ex.addSuppressed(suppressed);
            }
            throw new CheckpointException("cannot write " + target + ": " + ex, ex);
        } catch (RuntimeException ex) { // e.g. a generator that failed: leave no partial file behind
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                ex.addSuppressed(suppressed);
            }
            throw ex;
        }
    }

    private static void checkCount(String name, long[] shape, int count) {
        if (numel(shape) != count) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " has " + numel(shape) + " elements, data has " + count);
        }
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static String requireNonEmpty(String s, String what) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return s;
    }
}
