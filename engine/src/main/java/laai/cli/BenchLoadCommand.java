package laai.cli;

import ai.djl.ndarray.types.DataType;
import laai.checkpoint.DType;
import laai.model.Generator;
import laai.model.DecoderModel;
import laai.model.RandomCheckpoint;
import laai.runtime.Djl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Load time, peak resident memory as a multiple of the checkpoint's size, and greedy decoding
 * speed, for a generated F32 checkpoint (about 1.1 GB by default). The load runs in a fresh JVM so
 * that its peak resident set belongs to that load alone.
 */
@Command(name = "load", description = "Checkpoint load time, peak RSS / file size, and decoding tokens/s.")
final class BenchLoadCommand implements Callable<Integer> {
    @Option(names = "--dir", description = "Where the generated checkpoint lives (made if absent). Default: a folder under java.io.tmpdir.")
    Path dir;

    @Option(names = "--hidden", defaultValue = "1024") int hidden;
    @Option(names = "--layers", defaultValue = "16") int layers;
    @Option(names = "--intermediate", defaultValue = "2816") int intermediate;
    @Option(names = "--vocab", defaultValue = "32000") int vocab;
    @Option(names = "--tokens", defaultValue = "32", description = "Tokens to decode greedily. Default: ${DEFAULT-VALUE}.") int tokens;
    @Option(names = "--json", description = "Machine-readable output.") boolean json;

    /** Set in the child JVM: measure instead of orchestrating. */
    @Option(names = "--measure", hidden = true) boolean measure;

    @Override
    public Integer call() throws Exception {
        if (dir == null) dir = Path.of(System.getProperty("java.io.tmpdir"), "laai-bench-f32-" + hidden + "x" + layers);
        if (measure) {
            Json.print(measure());
            return 0;
        }
        if (!Files.exists(dir.resolve("model.safetensors"))) {
            System.err.println("writing a random F32 checkpoint to " + dir + " ...");
            new RandomCheckpoint(hidden, layers, hidden / 64, hidden / 64, intermediate, vocab).write(dir, DType.F32, 0);
        }
        Map<String, Object> r = runChild();
        long file = ((Number) r.get("file_bytes")).longValue();
        long peak = ((Number) r.get("peak_rss_bytes")).longValue();
        long before = ((Number) r.get("rss_before_load_bytes")).longValue();
        r.put("peak_rss_over_file", (double) peak / file);
        r.put("load_rss_growth_over_file", (double) (peak - before) / file);
        if (json) {
            Json.print(r);
        } else {
            System.out.printf("checkpoint        %s (%.2f GB, F32)%n", dir, file / 1e9);
            System.out.printf("load time         %.2f s (memory-mapped; pages are read during the first forward: %.2f s)%n",
                    ((Number) r.get("load_seconds")).doubleValue(), ((Number) r.get("first_forward_seconds")).doubleValue());
            System.out.printf("peak RSS          %.2f GB = %.2fx the file (JVM + libtorch before loading: %.2f GB)%n",
                    peak / 1e9, (double) peak / file, before / 1e9);
            System.out.printf("RSS growth / file %.2fx%n", (double) (peak - before) / file);
            System.out.printf("greedy decoding   %.1f tokens/s (%d tokens, KV cache, device %s)%n",
                    ((Number) r.get("tokens_per_second")).doubleValue(), tokens, r.get("device"));
        }
        return 0;
    }

    private Map<String, Object> runChild() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of("bench", "load", "--measure", "--dir", dir.toString(), "--tokens", String.valueOf(tokens)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("OPT_OUT_TRACKING", "true");
        Process p = pb.start();
        String out;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            out = r.lines().reduce("", (a, b) -> a + b);
        }
        if (p.waitFor() != 0) throw new IllegalStateException("benchmark child failed: " + out);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new com.google.gson.Gson().fromJson(out, LinkedHashMap.class);
        return m;
    }

    private Map<String, Object> measure() {
        Djl.engine();
        long before = laai.runtime.Memory.resident();
        long t0 = System.nanoTime();
        Map<String, Object> r = new LinkedHashMap<>();
        try (DecoderModel model = DecoderModel.load(dir, Djl.device("auto"), DataType.FLOAT32)) {
            double load = (System.nanoTime() - t0) / 1e9;
            Generator g = new Generator(model);
            long tf = System.nanoTime();
            g.greedy(new long[][] {{1, 5, 9}}, 1, id -> false, null); // first forward: the mapped pages fault in
            double first = (System.nanoTime() - tf) / 1e9;
            g.greedy(new long[][] {{1, 5, 9}}, 4, id -> false, null); // warm-up
            long t1 = System.nanoTime();
            long[] out = g.greedy(new long[][] {{1}}, tokens, id -> false, null)[0];
            double decode = (System.nanoTime() - t1) / 1e9;
            r.put("file_bytes", size(dir));
            r.put("load_seconds", load);
            r.put("first_forward_seconds", first);
            r.put("rss_before_load_bytes", before);
            r.put("peak_rss_bytes", laai.runtime.Memory.peakResident());
            r.put("tokens_per_second", out.length / decode);
            r.put("device", model.device().toString());
        }
        return r;
    }

    private static long size(Path dir) {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".safetensors")).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
