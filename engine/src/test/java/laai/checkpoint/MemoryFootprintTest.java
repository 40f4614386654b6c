package laai.checkpoint;

import static laai.checkpoint.CheckpointBytes.shape;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading an F32 checkpoint must cost about one file size of resident memory (the mapped page cache),
 * not two: the arrays must read the mapping rather than an anonymous copy. Linux only (reads
 * /proc/self/status). Size: -Dlaai.checkpoint.rssTestMiB (default 128; 1024 reproduces the 1 GB case).
 */
class MemoryFootprintTest {

    private static final long MIB = 1L << 20;

    @TempDir
    Path tmp;

    @Test
    void f32CheckpointIsReadThroughTheMappingNotCopied() throws IOException {
        Path status = Path.of("/proc/self/status");
        assumeTrue(Files.isReadable(status), "needs /proc/self/status");
        long fileMiB = Long.getLong("laai.checkpoint.rssTestMiB", 128);
        int perTensor = (int) (16 * MIB / 4); // 16 MiB tensors, all sharing one heap array while writing
        float[] data = CheckpointBytes.randomFloats(perTensor, 3);
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (int i = 0; i < fileMiB / 16; i++) {
            w.add("layers." + i + ".weight", DType.F32, shape(1024, perTensor / 1024), data);
        }
        Path file = tmp.resolve("model.safetensors");
        w.write(file);
        long fileBytes = Files.size(file);

        try (NDManager manager = NDManager.newBaseManager(Device.cpu()); Checkpoint ckpt = Checkpoint.open(tmp)) {
            manager.create(1f).sum().close(); // engine warm before the first reading
            System.gc();
            long[] before = rss(status);
            double total = 0;
            for (String name : List.copyOf(ckpt.names())) {
                NDArray a = ckpt.load(manager, name);
                try (NDArray s = a.sum()) { // touches every page
                    total += s.getFloat();
                }
            }
            long[] after = rss(status);
            long anon = after[0] - before[0];
            long mapped = after[1] - before[1];
            System.out.printf("loaded %d MiB F32: RssAnon +%d MiB, RssFile +%d MiB, VmHWM %d MiB (sum %.3f)%n",
                    fileBytes / MIB, anon / MIB, mapped / MIB, after[2] / MIB, total);
            assertTrue(mapped > fileBytes * 8 / 10, "data should be read through the file mapping: RssFile +" + mapped);
            assertTrue(anon < Math.max(48 * MIB, fileBytes / 8), "no anonymous copy expected: RssAnon +" + anon);
        }
    }

    /**
     * A BF16 checkpoint widened to F32 keeps one copy, the F32 one: nothing of the file stays mapped
     * into the process (mapped pages count as resident until the collector unmaps them), and the
     * staging buffers are gone once loading is finished.
     */
    @Test
    void widenedCheckpointLeavesNoMappingOfTheFileBehind() throws IOException {
        Path maps = Path.of("/proc/self/maps");
        assumeTrue(Files.isReadable(maps), "needs /proc/self/maps");
        int perTensor = (int) (8 * MIB / 2);
        float[] data = CheckpointBytes.randomFloats(perTensor, 5);
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (int i = 0; i < 4; i++) w.add("layers." + i + ".weight", DType.BF16, shape(1024, perTensor / 1024), data);
        Path dir = tmp.resolve("bf16");
        Files.createDirectories(dir);
        Path file = dir.resolve("model.safetensors");
        w.write(file);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu()); Checkpoint ckpt = Checkpoint.open(dir)) {
            double total = 0;
            for (String name : List.copyOf(ckpt.names())) {
                NDArray a = ckpt.load(manager, name);
                try (NDArray s = a.sum()) {
                    total += s.getFloat();
                }
            }
            ckpt.finishLoading();
            assertTrue(Double.isFinite(total));
            String real = file.toRealPath().toString();
            List<String> mapped = Files.readAllLines(maps).stream().filter(l -> l.endsWith(real)).toList();
            assertTrue(mapped.isEmpty(), "the BF16 file is still mapped: " + mapped);
        }
    }

    /** RssAnon, RssFile, VmHWM in bytes. */
    private static long[] rss(Path status) throws IOException {
        long[] out = new long[3];
        for (String line : Files.readAllLines(status)) {
            String[] parts = line.split("\\s+");
            int slot = switch (parts[0]) {
                case "RssAnon:" -> 0;
                case "RssFile:" -> 1;
                case "VmHWM:" -> 2;
                default -> -1;
            };
            if (slot >= 0) {
                out[slot] = Long.parseLong(parts[1]) * 1024;
            }
        }
        return out;
    }
}
