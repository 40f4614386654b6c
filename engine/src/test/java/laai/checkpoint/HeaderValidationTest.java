package laai.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a header can be broken fails at open, with the file and (where relevant) the tensor named. */
class HeaderValidationTest {

    @TempDir
    Path tmp;

    static Stream<Arguments> brokenHeaders() {
        String f32x2 = "\"dtype\":\"F32\",\"shape\":[2]";
        return Stream.of(
                // header text, data bytes, expected fragment, tensor named in the message (or null)
                Arguments.of("{not json", 0, "not valid JSON", null),
                Arguments.of("{'w': {}}", 0, "not valid JSON", null),
                Arguments.of("{} {}", 0, "not valid JSON", null),
                Arguments.of("[1, 2]", 0, "not a JSON object", null),
                Arguments.of("{\"w\": 5}", 0, "not a JSON object", "w"),
                Arguments.of("{\"w\": {\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "missing 'dtype'", "w"),
                Arguments.of("{\"w\": {\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8, "missing 'shape'", "w"),
                Arguments.of("{\"w\": {" + f32x2 + "}}", 8, "missing 'data_offsets'", "w"),
                Arguments.of("{\"w\": {\"dtype\":\"Q4_K\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8,
                        "unknown dtype 'Q4_K'", "w"),
                Arguments.of("{\"w\": {\"dtype\":7,\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "dtype is not a string", "w"),
                Arguments.of("{\"w\": {\"dtype\":\"F32\",\"shape\":[-2, -1],\"data_offsets\":[0,8]}}", 8,
                        "negative dimension -2", "w"),
                Arguments.of("{\"w\": {\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,8]}}", 8, "not an integer", "w"),
                Arguments.of("{\"w\": {\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}}", 8, "not an array", "w"),
                Arguments.of("{\"w\": {" + f32x2 + ",\"data_offsets\":[0,8]}}", 4, "outside the data section", "w"),
                Arguments.of("{\"w\": {" + f32x2 + ",\"data_offsets\":[8,0]}}", 8, "begin 8 > end 0", "w"),
                Arguments.of("{\"w\": {" + f32x2 + ",\"data_offsets\":[0,4,8]}}", 8, "exactly [begin, end]", "w"),
                Arguments.of("{\"w\": {" + f32x2 + ",\"data_offsets\":[-8,0]}}", 8, "negative data_offsets", "w"),
                Arguments.of("{\"w\": {\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 12,
                        "does not match shape [3]", "w"),
                Arguments.of("{\"w\": {\"dtype\":\"F32\",\"shape\":[4000000000000000000, 1000],\"data_offsets\":[0,8]}}", 8,
                        "too large", "w"),
                Arguments.of("{\"a\": {" + f32x2 + ",\"data_offsets\":[0,8]}, \"b\": {" + f32x2
                        + ",\"data_offsets\":[4,12]}}", 12, "overlap", "a"),
                Arguments.of("{\"__metadata__\": 5}", 0, "__metadata__ is not a JSON object", null),
                Arguments.of("{\"__metadata__\": {\"step\": 10}}", 0, "'step' is not a string", null));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("brokenHeaders")
    void brokenHeaderIsReportedWithFileAndTensor(String header, int dataBytes, String fragment, String tensor)
            throws IOException {
        Path file = CheckpointBytes.rawFile(tmp.resolve("broken.safetensors"), header, dataBytes);
        CheckpointException ex = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(file));
        assertMessage(ex, file, fragment);
        if (tensor != null) {
            assertTrue(ex.getMessage().contains("'" + tensor + "'"), ex.getMessage());
        }
        // the folder-level entry point reports the same problem
        CheckpointException viaCheckpoint = assertThrows(CheckpointException.class, () -> Checkpoint.open(file));
        assertEquals(ex.getMessage(), viaCheckpoint.getMessage());
    }

    @Test
    void fileShorterThanEightBytes() throws IOException {
        Path file = Files.write(tmp.resolve("short.safetensors"), new byte[] {1, 2, 3, 4, 5});
        assertMessage(assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(file)), file, "only 5 bytes");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path file = Files.write(tmp.resolve("cut.safetensors"), withLength(1000, "{}"));
        assertMessage(assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(file)), file,
                "runs past the end of the file");
    }

    @Test
    void absurdHeaderLength() throws IOException {
        for (long len : new long[] {1L << 40, -1L, 0L}) {
            Path file = Files.write(tmp.resolve("absurd.safetensors"), withLength(len, "{}"));
            assertMessage(assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(file)), file,
                    "not plausible");
        }
    }

    @Test
    void headerThatIsNotUtf8() throws IOException {
        byte[] latin1 = {'{', (byte) 0xFF, (byte) 0xFE, '}'};
        Path file = Files.write(tmp.resolve("latin.safetensors"), withLength(latin1.length, latin1));
        assertMessage(assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(file)), file, "not valid UTF-8");
    }

    @Test
    void missingFile() {
        Path file = tmp.resolve("nope.safetensors");
        assertMessage(assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(file)), file, "not found");
    }

    @Test
    void validEdgeCasesOpen() throws IOException {
        // empty header, padding spaces, a zero-size tensor, unknown extra keys, trailing bytes after the data
        String header = "{\"__metadata__\":{\"format\":\"pt\"},\"empty\":{\"dtype\":\"F32\",\"shape\":[0,3],"
                + "\"data_offsets\":[0,0]},\"w\":{\"dtype\":\"U16\",\"shape\":[2],\"data_offsets\":[0,4],\"x\":1}}    ";
        Path file = CheckpointBytes.rawFile(tmp.resolve("ok.safetensors"), header, 6);
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertEquals(2, f.tensors().size());
            assertEquals(0, f.tensors().get("empty").numel());
            TensorInfo w = f.tensors().get("w");
            assertEquals(DType.U16, w.dtype());
            assertEquals(8 + header.length(), w.begin(), "offsets are absolute");
            assertEquals("pt", f.metadata().get("format"));
        }
        Path empty = CheckpointBytes.rawFile(tmp.resolve("empty.safetensors"), "{}", 0);
        try (SafeTensorsFile f = SafeTensorsFile.open(empty)) {
            assertTrue(f.tensors().isEmpty());
            assertTrue(f.metadata().isEmpty());
        }
    }

    private static byte[] withLength(long declared, String header) {
        return withLength(declared, header.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] withLength(long declared, byte[] header) {
        ByteBuffer buf = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(declared).put(header);
        return buf.array();
    }

    static void assertMessage(CheckpointException ex, Path file, String fragment) {
        String m = ex.getMessage();
        assertTrue(m.contains(file.toString()), () -> "message should name " + file + ": " + m);
        assertTrue(m.contains(fragment), () -> "message should contain '" + fragment + "': " + m);
    }
}
