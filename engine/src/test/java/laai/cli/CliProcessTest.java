package laai.cli;

import com.google.gson.JsonParser;
import laai.checkpoint.DType;
import laai.model.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input to the command line as a user meets it: each case its own JVM, judged by exit status,
 * stdout and stderr (CliTest runs the same code in-process, case by case, and faster).
 */
class CliProcessTest {

    @TempDir
    Path tmp;

    record Exit(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private static Exit laai(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dlaai.repo=" + Fixtures.repo(), "-cp", System.getProperty("java.class.path"),
                "laai.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("OPT_OUT_TRACKING", "true");
        Process p = pb.start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("laai " + String.join(" ", args) + " did not finish");
        }
        return new Exit(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void badInputExitsNonZeroWithOneLineAndJsonErrorsUnderJson() throws Exception {
        // A model whose logits overflow although every weight is finite: the final norm at 3e38.
        Path model = Fixtures.tinyLlama().write(tmp.resolve("m"), DType.F32, 0);
        laai.checkpoint.TensorInfo norm;
        try (laai.checkpoint.Checkpoint c = laai.checkpoint.Checkpoint.open(model)) {
            norm = c.info("model.norm.weight");
        }
        java.nio.ByteBuffer huge = java.nio.ByteBuffer.allocate((int) (norm.end() - norm.begin())).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        while (huge.hasRemaining()) huge.putFloat(3e38f);
        try (var f = java.nio.channels.FileChannel.open(norm.file(), java.nio.file.StandardOpenOption.WRITE)) {
            f.write(huge.flip(), norm.begin());
        }
        Exit overflow = laai("logits", "--model", model.toString(), "--ids", "2,5,7", "--json");
        assertEquals(1, overflow.status(), overflow.toString());
        assertTrue(overflow.err().startsWith("laai: the model's logits hold NaN or infinite values"), overflow.toString());
        assertTrue(JsonParser.parseString(overflow.out()).getAsJsonObject().get("error").getAsString()
                .startsWith("the model's logits hold NaN"), overflow.toString());

        Exit shots = laai("intervene", "--model", tmp.resolve("none").toString(), "--task", "antonym", "--layer", "1",
                "--shots", "12");
        assertEquals(1, shots.status(), shots.toString());
        assertEquals("laai: --shots 12 asks for more demonstrations than the 10 training pairs (--train) they are drawn from",
                shots.err().strip(), shots.toString());

        Exit missing = laai("info", "--model", tmp.resolve("none").toString(), "--json");
        assertEquals(1, missing.status(), missing.toString());
        assertEquals("laai: model folder " + tmp.resolve("none") + " does not exist", missing.err().strip(), missing.toString());
        assertTrue(JsonParser.parseString(missing.out()).getAsJsonObject().has("error"), missing.toString());

        Path badTask = Files.writeString(tmp.resolve("bad.json"), "[{\"input\": \"a\", \"output\": \"b\",}");
        Exit task = laai("intervene", "--task", badTask.toString(), "--layer", "1");
        assertEquals(1, task.status(), task.toString());
        assertEquals(1, task.err().strip().lines().count(), task.toString());
        assertTrue(task.err().contains("malformed JSON") && !task.err().contains("LENIENT"), task.toString());
    }
}
