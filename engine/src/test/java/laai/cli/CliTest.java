package laai.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import laai.checkpoint.DType;
import laai.model.Fixtures;
import laai.runtime.Djl;
import laai.runtime.MatmulPrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line in-process: JSON shapes, exit codes, one-line errors. */
class CliTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void infoLogitsActivationsAndGenerateOnATinyCheckpoint() {
        Path dir = Fixtures.tinyLlama().write(tmp.resolve("m"), DType.BF16, 0);
        Run info = run("info", "--model", dir.toString(), "--json");
        assertEquals(0, info.code(), info.err());
        JsonObject i = JsonParser.parseString(info.out()).getAsJsonObject();
        assertEquals(2, i.get("layers").getAsInt());
        assertEquals(4, i.get("heads").getAsInt());
        assertEquals(16, i.get("head_size").getAsInt());
        assertEquals("bfloat16", i.get("checkpoint_dtype").getAsString());
        assertEquals("float32", i.get("storage_dtype").getAsString());

        // --dtype f16 on a CPU: weights kept in half precision, arithmetic in float32
        JsonObject half = JsonParser.parseString(run("info", "--model", dir.toString(), "--dtype", "f16", "--json").out())
                .getAsJsonObject();
        assertEquals("float32", half.get("dtype").getAsString());
        assertEquals("float16", half.get("storage_dtype").getAsString());
        assertEquals("highest", i.get("matmul_precision").getAsString(), "auto: a tiny model stays at full F32");

        Run logits = run("logits", "--model", dir.toString(), "--ids", "1,5,9", "--json");
        JsonObject l = JsonParser.parseString(logits.out()).getAsJsonObject();
        assertEquals(3, l.getAsJsonArray("logits").size());
        assertEquals(97, l.getAsJsonArray("logits").get(0).getAsJsonArray().size());
        JsonObject halfLogits = JsonParser.parseString(run("logits", "--model", dir.toString(), "--ids", "1,5,9",
                "--dtype", "f16", "--json").out()).getAsJsonObject();
        double most = 0, diff = 0;
        for (int p = 0; p < 3; p++) {
            for (int v = 0; v < 97; v++) {
                double a = l.getAsJsonArray("logits").get(p).getAsJsonArray().get(v).getAsDouble();
                double b = halfLogits.getAsJsonArray("logits").get(p).getAsJsonArray().get(v).getAsDouble();
                most = Math.max(most, Math.abs(a));
                diff = Math.max(diff, Math.abs(a - b));
            }
        }
        assertTrue(diff < 1e-2 * most, "f16-stored weights changed the logits by " + diff + " (largest " + most + ")");

        Run heads = run("activations", "--model", dir.toString(), "--ids", "1,5,9", "--layer", "1", "--site", "heads", "--json");
        assertEquals(64, JsonParser.parseString(heads.out()).getAsJsonObject().getAsJsonArray("vector").size());

        Run bad = run("activations", "--model", dir.toString(), "--ids", "1,5", "--layer", "2", "--json");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("--layer 2 out of range 0..1"), bad.err());
        Run badId = run("logits", "--model", dir.toString(), "--ids", "1,500");
        assertTrue(badId.err().contains("token id 500 outside the vocabulary"), badId.err());
    }

    @Test
    void gemma2AndGpt2RunEveryCommand() throws Exception {
        List<String> words = List.of("Q", ":", "A", "hot", "cold", "big", "small", "up", "down", "fast", "slow",
                "old", "new", "dark", "light", "hard", "soft", "high", "low", "early", "late", "rich", "poor",
                "wet", "dry", "loud", "quiet");
        StringBuilder task = new StringBuilder("[");
        for (int i = 3; i < words.size(); i += 2) {
            task.append(i > 3 ? "," : "").append("{\"input\":\"").append(words.get(i))
                    .append("\",\"output\":\"").append(words.get(i + 1)).append("\"}");
        }
        Path taskFile = Files.writeString(tmp.resolve("opposites.json"), task.append("]").toString());
        for (laai.model.RandomCheckpoint random : new laai.model.RandomCheckpoint[] {Fixtures.tinyGemma2(), Fixtures.tinyGpt2()}) {
            String type = random.config.get("model_type").toString();
            Path dir = random.set("bos_token_id", 2).set("eos_token_id", 1)
                    .write(tmp.resolve(type), type.equals("gemma2") ? DType.BF16 : DType.F16, 0);
            Fixtures.writeWordTokenizer(dir, words);
            String model = dir.toString();

            Run info = run("info", "--model", model, "--json");
            assertEquals(0, info.code(), info.err());
            JsonObject i = JsonParser.parseString(info.out()).getAsJsonObject();
            assertEquals(type, i.get("architecture").getAsString());
            assertEquals(16, i.get("head_size").getAsInt());
            assertEquals(type.equals("gemma2") ? "bfloat16" : "float16", i.get("checkpoint_dtype").getAsString());

            Run logits = run("logits", "--model", model, "--ids", "2,5,9", "--json");
            assertEquals(0, logits.code(), logits.err());
            assertEquals(97, JsonParser.parseString(logits.out()).getAsJsonObject().getAsJsonArray("logits")
                    .get(2).getAsJsonArray().size());

            for (String site : new String[] {"heads", "residual"}) {
                Run act = run("activations", "--model", model, "--ids", "2,5,9", "--layer", "2", "--site", site, "--json");
                assertEquals(0, act.code(), act.err());
                int expected = site.equals("heads") ? 64 : (type.equals("gemma2") ? 48 : 64);
                assertEquals(expected, JsonParser.parseString(act.out()).getAsJsonObject().getAsJsonArray("vector").size());
            }

            Run gen = run("generate", "--model", model, "--prompt", "Q : hot", "--max-new-tokens", "5", "--json");
            assertEquals(0, gen.code(), gen.err());
            JsonObject g = JsonParser.parseString(gen.out()).getAsJsonObject();
            assertTrue(g.getAsJsonArray("ids").size() >= 4, gen.out());

            Run rows = run("intervene", "--model", model, "--task", taskFile.toString(), "--layer", "1",
                    "--train", "4", "--test", "4", "--steps", "3", "--shots", "2", "--json");
            assertEquals(0, rows.code(), rows.err());
            var array = JsonParser.parseString(rows.out()).getAsJsonObject().getAsJsonArray("rows");
            assertEquals(4, array.size(), rows.out());
            assertEquals("delta", array.get(3).getAsJsonObject().get("method").getAsString());
        }
    }

    @Test
    void generateAndInterveneOnTinyStoriesPrintJson() {
        Path dir = Fixtures.sharedModel("TinyStories-656K");
        Run gen = run("generate", "--model", dir.toString(), "--ids", "1", "--max-new-tokens", "12", "--json");
        JsonObject g = JsonParser.parseString(gen.out()).getAsJsonObject();
        assertEquals(13, g.getAsJsonArray("ids").size());
        assertTrue(g.get("text").getAsString().startsWith("Once upon a time"), g.get("text").getAsString());

        Run rows = run("intervene", "--model", dir.toString(), "--task", "antonym", "--layer", "1", "--train", "4",
                "--test", "4", "--steps", "5", "--shots", "2", "--json");
        assertEquals(0, rows.code(), rows.err());
        var array = JsonParser.parseString(rows.out()).getAsJsonObject().getAsJsonArray("rows");
        assertEquals(4, array.size());
        assertEquals("delta", array.get(3).getAsJsonObject().get("method").getAsString());
        for (String column : laai.eval.ResultRow.COLUMNS) assertTrue(array.get(3).getAsJsonObject().has(column), column);
    }

    /** Parses as RFC 8259 JSON does: NaN, Infinity and trailing garbage are errors. */
    static com.google.gson.JsonElement strictJson(String text) {
        try (com.google.gson.stream.JsonReader reader = new com.google.gson.stream.JsonReader(new java.io.StringReader(text))) {
            reader.setStrictness(com.google.gson.Strictness.STRICT);
            com.google.gson.JsonElement e = new com.google.gson.Gson().getAdapter(com.google.gson.JsonElement.class).read(reader);
            assertEquals(com.google.gson.stream.JsonToken.END_DOCUMENT, reader.peek(), text);
            return e;
        } catch (java.io.IOException e) {
            throw new AssertionError("not strict JSON: " + e.getMessage() + "\n" + text, e);
        }
    }

    @Test
    void jsonOutputIsStrictJsonWithNullForMissingNumbersAndErrorsAreJsonToo() {
        Path dir = Fixtures.demoModel();
        Run rows = run("intervene", "--model", dir.toString(), "--task", "antonym", "--layer", "1",
                "--train", "4", "--test", "4", "--steps", "2", "--shots", "2", "--json");
        assertEquals(0, rows.code(), rows.err());
        JsonObject zeroShot = strictJson(rows.out()).getAsJsonObject().getAsJsonArray("rows").get(0).getAsJsonObject();
        assertEquals("zero-shot", zeroShot.get("method").getAsString());
        assertTrue(zeroShot.get("gamma").isJsonNull(), "a baseline has no γ: " + zeroShot);
        assertTrue(zeroShot.get("kl").isJsonNull(), "a rule task has no KL: " + zeroShot);

        Run missing = run("info", "--model", tmp.resolve("nowhere").toString(), "--json");
        assertEquals(1, missing.code());
        assertTrue(strictJson(missing.out()).getAsJsonObject().get("error").getAsString().contains("nowhere"), missing.out());

        Run unparsable = run("intervene", "--model", dir.toString(), "--json");
        assertEquals(2, unparsable.code());
        assertTrue(strictJson(unparsable.out()).getAsJsonObject().get("error").getAsString().contains("--task"), unparsable.out());
    }

    @Test
    void controlsAndTransferRunOnTheDemoModelAndBadCountsFailBeforeIt() {
        Path dir = Fixtures.demoModel();
        Run r = run("intervene", "--model", dir.toString(), "--task", "antonym", "--layer", "1", "--train", "4", "--test", "4",
                "--steps", "2", "--shots", "2", "--controls", "2", "--json");
        assertEquals(0, r.code(), r.err());
        List<String> methods = new java.util.ArrayList<>();
        strictJson(r.out()).getAsJsonObject().getAsJsonArray("rows").forEach(e -> methods.add(e.getAsJsonObject().get("method").getAsString()));
        assertEquals(List.of("zero-shot", "few-shot", "delta-unregularized", "delta", "mean-difference", "random-control"), methods);
        for (var e : strictJson(r.out()).getAsJsonObject().getAsJsonArray("rows")) {
            JsonObject row = e.getAsJsonObject();
            double em = row.get("exact_match").getAsDouble();
            assertTrue(row.get("exact_match_low").getAsDouble() <= em && em <= row.get("exact_match_high").getAsDouble(), row.toString());
        }
        // Over seeds, each seed's controls are measured against that seed's Δ and pooled into one row per method.
        Run seeds = run("intervene", "--model", dir.toString(), "--task", "antonym", "--layer", "1", "--train", "4", "--test", "4",
                "--steps", "2", "--shots", "2", "--controls", "1", "--seeds", "3,4", "--json");
        assertEquals(0, seeds.code(), seeds.err());
        JsonObject random = null;
        for (var e : strictJson(seeds.out()).getAsJsonObject().getAsJsonArray("rows")) {
            if (e.getAsJsonObject().get("method").getAsString().equals("random-control")) random = e.getAsJsonObject();
        }
        assertTrue(random != null && random.getAsJsonArray("seeds").toString().equals("[3,4]"), seeds.out());

        String nowhere = tmp.resolve("no-model").toString();
        Run tooMany = run("intervene", "--model", nowhere, "--task", "antonym", "--layer", "1", "--train", "4", "--shots", "4", "--controls", "1");
        assertEquals(1, tooMany.code());
        assertTrue(tooMany.err().contains("from the other 3: use --shots between 1 and 3"), tooMany.err());

        Run t = run("transfer", "--model", dir.toString(), "--tasks", "antonym,synonym", "--layer", "1", "--train", "4", "--test", "4",
                "--steps", "2", "--json");
        assertEquals(0, t.code(), t.err());
        JsonObject matrix = strictJson(t.out()).getAsJsonObject();
        assertEquals(2, matrix.getAsJsonArray("exact_match").size());
        for (var row : matrix.getAsJsonArray("exact_match")) {
            assertEquals(2, row.getAsJsonArray().size());
            for (var v : row.getAsJsonArray()) assertTrue(v.getAsDouble() >= 0 && v.getAsDouble() <= 1, t.out());
        }
        Run one = run("transfer", "--model", dir.toString(), "--tasks", "antonym", "--layer", "1");
        assertEquals(1, one.code());
        assertTrue(one.err().contains("at least two tasks"), one.err());
    }

    @Test
    void optionsAndOutputPathsAreCheckedBeforeTheModelLoads() throws java.io.IOException {
        // The model folder does not exist: a message about it would mean the work had started.
        String nowhere = tmp.resolve("no-model").toString();
        String[][] cases = {
                {"--lasso", "-1", "γ (--lasso) must be a finite number ≥ 0, got -1.0"},
                {"--group-lasso", "NaN", "λ (--group-lasso) must be a finite number ≥ 0, got NaN"},
                {"--lr", "Infinity", "learning rate (--lr) must be a finite number > 0, got Infinity"},
                {"--patience", "0", "patience must be ≥ 1, got 0"},
                {"--train", "0", "N (--train) must be at least 1, got 0"},
                {"--shots", "12", "--shots 12 asks for more demonstrations than the 10 training pairs (--train)"},
                {"--save", tmp.resolve("missing/d.safetensors").toString(), "does not exist"},
                {"--save", tmp.toString(), "is a folder"},
                {"--plots", Files.writeString(tmp.resolve("a-file"), "x").toString(), "is a file, not a folder"},
        };
        for (String[] c : cases) {
            Run r = run("intervene", "--model", nowhere, "--task", "antonym", "--layer", "1", c[0], c[1]);
            assertEquals(1, r.code(), String.join(" ", c) + ": " + r.err());
            assertTrue(r.err().startsWith("laai: ") && r.err().contains(c[2]) && !r.err().contains("no-model"),
                    String.join(" ", c) + ": " + r.err());
        }
        Run sweep = run("sweep", "--model", nowhere, "--task", "antonym", "--layers", "1", "--lassos", "0.01,-2");
        assertEquals(1, sweep.code(), sweep.err());
        assertTrue(sweep.err().contains("got -2.0") && !sweep.err().contains("no-model"), sweep.err());
        Run weights = run("compose", "--model", nowhere, "antonym", "english-french", "--layer", "1", "--weights", "1,NaN");
        assertEquals(1, weights.code(), weights.err());
        assertTrue(weights.err().startsWith("laai: --weights must be finite numbers, got NaN"), weights.err());
    }

    @Test
    void inputsLongerThanTheModelsPositionsFailAtOnceWithAMessage() {
        // A GPT-2 with 32 learned positions: prompt plus new tokens must fit before any work.
        Path gpt2 = Fixtures.tinyGpt2().write(tmp.resolve("gpt2"), DType.F32, 0);
        Fixtures.writeWordTokenizer(gpt2, List.of("a", "b"));
        String prompt = String.join(",", java.util.Collections.nCopies(30, "5"));
        Run tooMany = run("generate", "--model", gpt2.toString(), "--ids", prompt, "--max-new-tokens", "5");
        assertEquals(1, tooMany.code(), tooMany.err());
        assertTrue(tooMany.err().startsWith("laai: position 33 is beyond the 32 learned positions (n_positions)"), tooMany.err());
        Run fits = run("generate", "--model", gpt2.toString(), "--ids", prompt, "--max-new-tokens", "2", "--json");
        assertEquals(0, fits.code(), fits.err());
        // A rotary model has no such table, but an attention mask past 2^31 entries is refused, not overflowed.
        String huge = String.join(",", java.util.Collections.nCopies(50_000, "5"));
        Run tooLarge = run("generate", "--ids", huge, "--max-new-tokens", "1");
        assertEquals(1, tooLarge.code(), tooLarge.err());
        assertTrue(tooLarge.err().startsWith("laai: an attention mask of 1 × 50000 × 50000 entries is too large"), tooLarge.err());
    }

    @Test
    void logitsThatOverflowAreAnErrorNotAnAnswer() throws Exception {
        // Finite weights (the load check passes) whose product overflows: a final norm of 3e38.
        List<String> words = List.of("Q", ":", "A", "hot", "cold", "big", "small", "up", "down");
        Path dir = Fixtures.tinyLlama().set("bos_token_id", 2).set("eos_token_id", 1).write(tmp.resolve("m"), DType.F32, 0);
        Fixtures.writeWordTokenizer(dir, words);
        laai.checkpoint.TensorInfo norm;
        try (laai.checkpoint.Checkpoint c = laai.checkpoint.Checkpoint.open(dir)) {
            norm = c.info("model.norm.weight");
        }
        java.nio.ByteBuffer huge = java.nio.ByteBuffer.allocate((int) (norm.end() - norm.begin())).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        while (huge.hasRemaining()) huge.putFloat(3e38f);
        try (java.nio.channels.FileChannel f = java.nio.channels.FileChannel.open(norm.file(), java.nio.file.StandardOpenOption.WRITE)) {
            f.write(huge.flip(), norm.begin());
        }
        String model = dir.toString();
        String expected = "laai: the model's logits hold NaN or infinite values";

        Run logits = run("logits", "--model", model, "--ids", "2,5,7", "--json");
        assertEquals(1, logits.code(), logits.out());
        assertTrue(logits.err().startsWith(expected), logits.err());
        assertTrue(JsonParser.parseString(logits.out()).getAsJsonObject().has("error"), logits.out());

        Run gen = run("generate", "--model", model, "--ids", "2,5", "--max-new-tokens", "3");
        assertEquals(1, gen.code(), gen.out());
        assertTrue(gen.err().startsWith(expected), gen.err());

        Path taskFile = Files.writeString(tmp.resolve("opposites.json"), "[{\"input\":\"hot\",\"output\":\"cold\"},"
                + "{\"input\":\"big\",\"output\":\"small\"},{\"input\":\"up\",\"output\":\"down\"},"
                + "{\"input\":\"cold\",\"output\":\"hot\"}]");
        Run rows = run("intervene", "--model", model, "--task", taskFile.toString(), "--layer", "1",
                "--train", "2", "--test", "2", "--steps", "2", "--shots", "1");
        assertEquals(1, rows.code(), rows.out());
        assertTrue(rows.err().startsWith(expected), rows.err());
    }

    @Test
    void benchInterveneReportsBothPathsAndTheirRatio() {
        Path dir = Fixtures.sharedModel("TinyStories-656K");
        Run bench = run("bench", "intervene", "--model", dir.toString(), "--shots", "2", "--train", "3", "--steps", "2",
                "--memory-steps", "5", "--json");
        assertEquals(0, bench.code(), bench.err());
        JsonObject b = JsonParser.parseString(bench.out()).getAsJsonObject();
        for (String key : new String[] {"naive_step_ms", "fast_step_ms", "speedup", "fast_gflops", "matmul_peak_gflops",
                "forward_gflops_at_fast_rows", "forward_gflops_at_naive_rows", "rss_after_all_steps_mb"}) {
            assertTrue(b.get(key).getAsDouble() > 0, key + " in " + bench.out());
        }
        assertEquals(b.get("naive_step_ms").getAsDouble() / b.get("fast_step_ms").getAsDouble(), b.get("speedup").getAsDouble(), 1e-9);
        assertTrue(b.get("fast_rows").getAsInt() < b.get("naive_rows").getAsInt(), bench.out());
        assertEquals("highest", b.get("matmul_precision").getAsString());
        assertEquals(b.get("flop_ratio").getAsDouble() * b.get("forward_gflops_at_fast_rows").getAsDouble()
                / b.get("forward_gflops_at_naive_rows").getAsDouble(), b.get("flop_ratio_at_these_rates").getAsDouble(), 1e-9);
    }

    @Test
    void matmulPrecisionIsAnOptionOfEveryModelCommand() {
        Path dir = Fixtures.tinyLlama().write(tmp.resolve("m"), DType.F32, 0);
        picocli.CommandLine cli = new picocli.CommandLine(new Main());
        for (String command : new String[] {"info", "generate", "logits", "activations", "intervene", "compose", "sweep", "table"}) {
            assertTrue(cli.getSubcommands().get(command).getCommandSpec().findOption("--matmul-precision") != null, command);
        }
        assertTrue(cli.getSubcommands().get("bench").getSubcommands().get("intervene").getCommandSpec()
                .findOption("--matmul-precision") != null);

        Run bad = run("info", "--model", tmp.resolve("nothing").toString(), "--matmul-precision", "fast");
        assertEquals(1, bad.code());
        assertEquals("laai: --matmul-precision: expected auto, highest, high or medium, got 'fast'", bad.err().strip(),
                "one line, before the (missing) model is read");
        try {
            Run medium = run("info", "--model", dir.toString(), "--matmul-precision", "MEDIUM", "--json");
            assertEquals(0, medium.code(), medium.err());
            assertEquals("medium", JsonParser.parseString(medium.out()).getAsJsonObject().get("matmul_precision").getAsString());
            assertEquals(MatmulPrecision.MEDIUM, MatmulPrecision.current());
            Run auto = run("info", "--model", dir.toString(), "--json");
            assertEquals("highest", JsonParser.parseString(auto.out()).getAsJsonObject().get("matmul_precision").getAsString());
            assertEquals(MatmulPrecision.HIGHEST, MatmulPrecision.current(), "auto sets highest again for a tiny model");
        } finally {
            MatmulPrecision.set(MatmulPrecision.HIGHEST);
        }
    }

    @Test
    void brokenCheckpointsGiveOneClearLine() throws Exception {
        Path dir = Fixtures.tinyLlama().write(tmp.resolve("m"), DType.F32, 0);
        Run missing = run("info", "--model", tmp.resolve("nothing").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().startsWith("laai: model folder " + tmp.resolve("nothing") + " does not exist"), missing.err());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Run noConfig = run("info", "--model", empty.toString());
        assertTrue(noConfig.err().startsWith("laai: missing config.json"), noConfig.err());
        Files.writeString(empty.resolve("config.json"), "");
        Run emptyConfig = run("info", "--model", empty.toString());
        assertTrue(emptyConfig.err().startsWith("laai: " + empty.resolve("config.json") + " is empty"), emptyConfig.err());
        Files.writeString(empty.resolve("config.json"), "[]");
        Run arrayConfig = run("info", "--model", empty.toString());
        assertTrue(arrayConfig.err().contains("config.json holds a JSON array, not an object"), arrayConfig.err());
        Files.writeString(empty.resolve("config.json"), "{\"model_type\": \"llama\",}");
        Run badConfig = run("info", "--model", empty.toString());
        assertTrue(badConfig.err().contains("config.json is not valid JSON: ") && !badConfig.err().contains("LENIENT")
                && !badConfig.err().contains("https://") && !badConfig.err().contains("Exception"), badConfig.err());
        assertEquals(1, badConfig.err().strip().lines().count(), badConfig.err());
        Path badTask = Files.writeString(tmp.resolve("bad-task.json"), "[{\"input\": \"a\", \"output\": \"b\",}");
        Run taskError = run("intervene", "--model", dir.toString(), "--task", badTask.toString(), "--layer", "1");
        assertTrue(taskError.err().startsWith("laai: ") && taskError.err().contains("malformed JSON")
                && !taskError.err().contains("LENIENT") && !taskError.err().contains("https://")
                && !taskError.err().contains("Exception"), taskError.err());

        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json")).replace("\"llama\"", "\"bert\""));
        Run unknown = run("info", "--model", dir.toString());
        assertTrue(unknown.err().contains("unsupported model_type \"bert\""), unknown.err());
        assertEquals(1, unknown.err().strip().lines().count(), unknown.err());

        Path other = Fixtures.tinyLlama().write(tmp.resolve("t"), DType.F32, 0);
        byte[] bytes = Files.readAllBytes(other.resolve("model.safetensors"));
        Files.write(other.resolve("model.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Run truncated = run("info", "--model", other.toString());
        assertTrue(truncated.err().contains("model.safetensors"), truncated.err());

        Path good = Fixtures.tinyLlama().write(tmp.resolve("no-tokenizer"), DType.F32, 0);
        Run noTokenizer = run("generate", "--model", good.toString(), "--prompt", "hi");
        assertEquals(1, noTokenizer.code());
        assertTrue(noTokenizer.err().startsWith("laai: missing tokenizer.json in"), noTokenizer.err());

        Path noTensor = Fixtures.tinyLlama().write(tmp.resolve("no-tensor"), DType.F32, 0);
        Files.writeString(noTensor.resolve("config.json"),
                Files.readString(noTensor.resolve("config.json")).replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3"));
        Run missingTensor = run("info", "--model", noTensor.toString());
        assertTrue(missingTensor.err().contains("model.layers.2.input_layernorm.weight"), missingTensor.err());
    }
}
