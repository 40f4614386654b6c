package laai.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Hand-made files for tests, including ones the writer would never produce. */
final class CheckpointBytes {

    private CheckpointBytes() {}

    /** A safetensors file with exactly this header text and {@code dataBytes} bytes of data (0, 1, 2, ...). */
    static Path rawFile(Path file, String headerJson, int dataBytes) throws IOException {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(header.length).put(header);
        for (int i = 0; i < dataBytes; i++) {
            buf.put((byte) i);
        }
        Files.write(file, buf.array());
        return file;
    }

    /** Random normal values with a few special ones mixed in, seeded for reproducibility. */
    static float[] randomFloats(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian() * 3f;
        }
        return v;
    }

    static byte[] littleEndianShorts(short... values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : values) {
            buf.putShort(s);
        }
        return buf.array();
    }

    static long[] shape(long... dims) {
        return dims;
    }
}
