package laai.checkpoint;

import static laai.checkpoint.CheckpointBytes.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writer and reader together, in pure Java (readFloats); the DJL side is in {@link CheckpointLoadTest}. */
class SafeTensorsWriterTest {

    @TempDir
    Path tmp;

    @Test
    void f32RoundTripIsExact() {
        float[] v = CheckpointBytes.randomFloats(300, 1);
        v[0] = Float.MIN_VALUE;
        v[1] = -0f;
        v[2] = Float.POSITIVE_INFINITY;
        Path file = tmp.resolve("a.safetensors");
        new SafeTensorsWriter().add("w", DType.F32, shape(10, 30), v).write(file);
        try (Checkpoint ckpt = Checkpoint.open(file)) {
            assertArrayEquals(v, ckpt.readFloats("w"));
            TensorInfo info = ckpt.info("w");
            assertEquals(DType.F32, info.dtype());
            assertArrayEquals(shape(10, 30), info.shape());
            assertEquals(1200, info.byteSize());
        }
    }

    @Test
    void f16AndBf16RoundTripWithinTheirRounding() {
        float[] v = CheckpointBytes.randomFloats(1000, 2);
        Path file = tmp.resolve("h.safetensors");
        new SafeTensorsWriter().add("h", DType.F16, shape(1000), v).add("b", DType.BF16, shape(10, 100), v).write(file);
        try (Checkpoint ckpt = Checkpoint.open(file)) {
            float[] h = ckpt.readFloats("h");
            float[] b = ckpt.readFloats("b");
            for (int i = 0; i < v.length; i++) {
                // half the spacing of an 11-bit (F16) or 8-bit (BF16) significand, relative
                assertEquals(v[i], h[i], Math.max(Math.abs(v[i]) * 0x1p-11f, 0x1p-25f), "F16 at " + i);
                assertEquals(v[i], b[i], Math.abs(v[i]) * 0x1p-8f, "BF16 at " + i);
            }
        }
    }

    @Test
    void representableValuesRoundTripExactly() {
        float[] v = {0f, -0f, 1f, -2.5f, 0.15625f, 1024f, 0x1p-14f, 65504f, Float.NEGATIVE_INFINITY};
        float[] bfExact = {0f, 1f, -2.5f, 0.15625f, 3.3895314e38f, 0x1p-133f, 96f, Float.POSITIVE_INFINITY};
        Path file = tmp.resolve("exact.safetensors");
        new SafeTensorsWriter().add("h", DType.F16, shape(v.length), v).add("b", DType.BF16, shape(bfExact.length), bfExact)
                .write(file);
        try (Checkpoint ckpt = Checkpoint.open(file)) {
            assertArrayEquals(v, ckpt.readFloats("h"));
            assertArrayEquals(bfExact, ckpt.readFloats("b"));
        }
    }

    @Test
    void metadataAndRawTensorsRoundTrip() throws IOException {
        Path file = tmp.resolve("m.safetensors");
        new SafeTensorsWriter()
                .metadata("format", "pt")
                .metadata("layer", "4")
                .addRaw("ids", DType.I16, shape(3), CheckpointBytes.littleEndianShorts((short) 1, (short) -2, (short) 300))
                .add("v", DType.F32, shape(), new float[] {42f})
                .write(file);
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertEquals(Map.of("format", "pt", "layer", "4"), f.metadata());
            TensorInfo ids = f.tensors().get("ids");
            assertEquals(DType.I16, ids.dtype());
            assertEquals(3, ids.numel());
            ByteBuffer bytes = f.map(ids, 0, ids.byteSize());
            assertEquals(300, bytes.getShort(4));
            assertEquals(0, f.tensors().get("v").rank());
            assertEquals(1, f.tensors().get("v").numel());
        }
        try (Checkpoint ckpt = Checkpoint.open(file)) {
            assertArrayEquals(new float[] {42f}, ckpt.readFloats("v"));
            assertEquals("4", ckpt.metadata().get("layer"));
        }
    }

    @Test
    void headerIsPaddedAndTensorsAreAlignedToTheirElementSize() throws IOException {
        Path file = tmp.resolve("align.safetensors");
        new SafeTensorsWriter()
                .add("odd_half", DType.F16, shape(3), new float[] {1, 2, 3})
                .add("f32", DType.F32, shape(5), new float[5])
                .addRaw("bytes", DType.U8, shape(3), new byte[] {1, 2, 3})
                .addRaw("i64", DType.I64, shape(1), new byte[8])
                .write(file);
        byte[] all = Files.readAllBytes(file);
        long headerLen = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLen) % 8, "data section starts 8-aligned");
        String header = new String(all, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{") && header.strip().endsWith("}"), header);
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            for (TensorInfo t : f.tensors().values()) {
                assertEquals(0, t.begin() % t.dtype().bytes(), t.toString());
            }
            assertEquals(List.of("i64", "f32", "odd_half", "bytes"), List.copyOf(f.tensors().keySet()),
                    "largest element size first, insertion order within a size");
        }
    }

    @Test
    void shardedWriteSplitsAndIndexesLikeHuggingFace() throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter().metadata("format", "pt");
        for (int i = 0; i < 5; i++) {
            w.add("layers." + i + ".weight", DType.F32, shape(10, 10), CheckpointBytes.randomFloats(100, i)); // 400 B each
        }
        w.add("big", DType.BF16, shape(1000), CheckpointBytes.randomFloats(1000, 9)); // 2000 B, alone in its shard
        Path dir = tmp.resolve("sharded");
        w.writeSharded(dir, 1000);

        List<String> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        assertEquals(List.of("model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors",
                "model-00003-of-00004.safetensors", "model-00004-of-00004.safetensors",
                "model.safetensors.index.json"), files);
        JsonObject index = JsonParser.parseString(Files.readString(dir.resolve("model.safetensors.index.json")))
                .getAsJsonObject();
        assertEquals(5 * 400 + 2000, index.getAsJsonObject("metadata").get("total_size").getAsLong());
        JsonObject map = index.getAsJsonObject("weight_map");
        assertEquals(6, map.size());
        // 400 + 400 fit 1000, a third layer would not; the 2000-byte tensor exceeds the limit alone
        assertEquals("model-00001-of-00004.safetensors", map.get("layers.0.weight").getAsString());
        assertEquals("model-00001-of-00004.safetensors", map.get("layers.1.weight").getAsString());
        assertEquals("model-00002-of-00004.safetensors", map.get("layers.2.weight").getAsString());
        assertEquals("model-00002-of-00004.safetensors", map.get("layers.3.weight").getAsString());
        assertEquals("model-00003-of-00004.safetensors", map.get("layers.4.weight").getAsString());
        assertEquals("model-00004-of-00004.safetensors", map.get("big").getAsString());
        assertFalse(Files.exists(dir.resolve("model.safetensors.index.json.tmp")));
    }

    @Test
    void shardedReadEqualsSingleFile() {
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (int i = 0; i < 7; i++) {
            DType t = new DType[] {DType.F32, DType.F16, DType.BF16}[i % 3];
            w.add("t" + i, t, shape(3, 11 + i), CheckpointBytes.randomFloats(3 * (11 + i), 100 + i));
        }
        Path single = tmp.resolve("single");
        Path sharded = tmp.resolve("sharded");
        w.write(single.resolve("model.safetensors"));
        w.writeSharded(sharded, 200);
        try (Checkpoint a = Checkpoint.open(single); Checkpoint b = Checkpoint.open(sharded)) {
            assertEquals(a.names(), b.names());
            assertTrue(b.info("t0").file().getFileName().toString().startsWith("model-0000"));
            for (String name : a.names()) {
                assertEquals(a.info(name).dtype(), b.info(name).dtype());
                assertArrayEquals(a.info(name).shape(), b.info(name).shape());
                assertArrayEquals(a.readFloats(name), b.readFloats(name), name);
            }
        }
    }

    @Test
    void rewritingReplacesTheFileAtomically() {
        Path file = tmp.resolve("v.safetensors");
        new SafeTensorsWriter().add("v", DType.F32, shape(2), new float[] {1, 2}).write(file);
        try (Checkpoint old = Checkpoint.open(file)) {
            new SafeTensorsWriter().add("v", DType.F32, shape(3), new float[] {3, 4, 5}).write(file);
            assertArrayEquals(new float[] {1, 2}, old.readFloats("v"), "the open file is the old inode");
        }
        try (Checkpoint fresh = Checkpoint.open(file)) {
            assertArrayEquals(new float[] {3, 4, 5}, fresh.readFloats("v"));
        }
    }

    @Test
    void generatedTensorsWriteTheSameBytesAsArraysWhateverTheThreadsAndChunks() throws IOException {
        // Values that differ at every element, with specials that test the rounding.
        float[] v = CheckpointBytes.randomFloats(10_003, 5);
        v[3] = Float.NaN;
        v[4] = 1e6f; // F16 overflow
        SafeTensorsWriter.Values values = (first, out, count) -> System.arraycopy(v, (int) first, out, 0, count);
        SafeTensorsWriter arrays = new SafeTensorsWriter();
        for (DType t : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            arrays.add("a" + t, t, shape(7, 1429), v);
        }
        arrays.write(tmp.resolve("arrays.safetensors"));
        byte[] expected = Files.readAllBytes(tmp.resolve("arrays.safetensors"));
        for (int threads : new int[] {1, 3}) {
            for (int chunk : new int[] {1, 333, 1 << 20}) {
                SafeTensorsWriter generated = new SafeTensorsWriter().threads(threads).chunkElements(chunk);
                for (DType t : new DType[] {DType.F32, DType.F16, DType.BF16}) {
                    generated.addGenerated("a" + t, t, shape(7, 1429), values);
                }
                Path file = tmp.resolve("generated-" + threads + "-" + chunk + ".safetensors");
                generated.write(file);
                assertArrayEquals(expected, Files.readAllBytes(file), threads + " threads, chunks of " + chunk);
            }
        }
    }

    @Test
    void generatedShardsIndexTheirTensorBytes() throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter().chunkElements(100);
        for (int i = 0; i < 4; i++) {
            int layer = i;
            w.addGenerated("layers." + i + ".weight", DType.BF16, shape(30, 20), (first, out, count) -> {
                for (int k = 0; k < count; k++) out[k] = layer + (first + k) / 1000f;
            });
        }
        List<Path> shards = w.writeSharded(tmp.resolve("g"), 2500); // two 1200-byte tensors per shard
        assertEquals(2, shards.size());
        JsonObject index = JsonParser.parseString(Files.readString(tmp.resolve("g/model.safetensors.index.json")))
                .getAsJsonObject();
        assertEquals(4 * 1200, index.getAsJsonObject("metadata").get("total_size").getAsLong());
        try (Checkpoint ckpt = Checkpoint.open(tmp.resolve("g"))) {
            float[] last = ckpt.readFloats("layers.3.weight");
            assertEquals(600, last.length);
            assertEquals(3.599f, last[599], 0.01f);
            assertEquals("model-00002-of-00002.safetensors", ckpt.info("layers.3.weight").file().getFileName().toString());
        }
    }

    @Test
    void aFailingGeneratorLeavesNoFile() {
        Path file = tmp.resolve("broken.safetensors");
        SafeTensorsWriter w = new SafeTensorsWriter().chunkElements(10).addGenerated("w", DType.F32, shape(100), (first, out, count) -> {
            if (first >= 50) throw new IllegalStateException("generator failed at " + first);
        });
        IllegalStateException ex = assertThrows(IllegalStateException.class, () -> w.write(file));
        assertTrue(ex.getMessage().startsWith("generator failed"), ex.getMessage());
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(tmp.resolve("broken.safetensors.tmp")));
    }

    @Test
    void generatedTensorsHoldAFewChunksOfMemory() {
        SafeTensorsWriter w = new SafeTensorsWriter().threads(2);
        // Four slots (two threads + 2) of 2^18 floats and their encodings, 2 MiB each, whatever the tensors' size.
        assertEquals(4L * (1 << 18) * 8, w.generatedBufferBytes());
        w.addGenerated("huge", DType.BF16, shape(1L << 20, 1L << 20), (first, out, count) -> { });
        assertEquals(4L * (1 << 18) * 8, w.generatedBufferBytes(), "adding a tensor allocates nothing");
        assertThrows(IllegalArgumentException.class, () -> w.addGenerated("ids", DType.I32, shape(2), (f, o, c) -> { }));
        assertThrows(IllegalArgumentException.class, () -> w.threads(0));
    }

    @Test
    void writerRejectsBadInput() {
        SafeTensorsWriter w = new SafeTensorsWriter().add("a", DType.F32, shape(2), new float[2]);
        assertThrows(IllegalArgumentException.class, () -> w.add("a", DType.F32, shape(2), new float[2]));
        assertThrows(IllegalArgumentException.class, () -> w.add("b", DType.F32, shape(3), new float[2]));
        assertThrows(IllegalArgumentException.class, () -> w.add("c", DType.I32, shape(2), new float[2]));
        assertThrows(IllegalArgumentException.class, () -> w.add("__metadata__", DType.F32, shape(1), new float[1]));
        assertThrows(IllegalArgumentException.class, () -> w.addRaw("d", DType.I16, shape(2), new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> w.add("e", DType.F32, shape(-1), new float[0]));
    }

    @Test
    void shardsAreNotWrittenWhereModelSafetensorsWouldShadowThem() {
        SafeTensorsWriter w = new SafeTensorsWriter().add("a", DType.F32, shape(1), new float[1]);
        w.write(tmp.resolve("model.safetensors"));
        CheckpointException ex = assertThrows(CheckpointException.class, () -> w.writeSharded(tmp, 100));
        assertTrue(ex.getMessage().contains("model.safetensors"), ex.getMessage());
    }
}
