package laai.demo;

import com.google.gson.GsonBuilder;
import laai.checkpoint.DType;
import laai.cli.Datasets;
import laai.tasks.Task;
import laai.runtime.Djl;
import laai.tasks.Pair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code laai train-demo-model}: builds the demo corpus and tokenizer from datasets/, trains the
 * small demo Llama on the CPU, and writes a Hugging Face model folder (see laai.demo).
 */
@Command(name = "train-demo-model", description = "Train the small demo model (Llama architecture) from scratch on a "
        + "corpus built from datasets/: it knows the word relations, but a bare zero-shot prompt does not say which one to apply.")
final class TrainDemoModelCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Output model folder.")
    Path out;

    @Option(names = "--seed", defaultValue = "16", description = "Seed of corpus, initialisation and data order (16: the committed models/demo). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--steps", defaultValue = "5000", description = "Optimisation steps (the schedule's length). Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--minutes", defaultValue = "0", description = "Stop early (and save) after this many minutes; 0 = no limit. Default: ${DEFAULT-VALUE}.")
    double minutes;

    @Option(names = "--hidden", defaultValue = "256", description = "Default: ${DEFAULT-VALUE}.")
    int hidden;

    @Option(names = "--layers", defaultValue = "4", description = "Default: ${DEFAULT-VALUE}.")
    int layers;

    @Option(names = "--heads", defaultValue = "8", description = "Default: ${DEFAULT-VALUE}.")
    int heads;

    @Option(names = "--kv-heads", defaultValue = "4", description = "Key/value heads (GQA when fewer than --heads). Default: ${DEFAULT-VALUE}.")
    int kvHeads;

    @Option(names = "--intermediate", defaultValue = "512", description = "MLP width. Default: ${DEFAULT-VALUE}.")
    int intermediate;

    @Option(names = "--lr", defaultValue = "1.75e-3", description = "Peak learning rate (AdamW). At 2.5e-3 the opinion answers, "
            + "under 1 % of the tokens, were not learned before the rate had decayed; at 1.25e-3 they were, but Δ switched "
            + "antonyms on less well (models/demo/README.md). Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--warmup", defaultValue = "150", description = "Linear warm-up steps. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--weight-decay", defaultValue = "0.01", description = "Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--batch-tokens", defaultValue = "1024", description = "Most tokens (padded) per batch. Default: ${DEFAULT-VALUE}.")
    int batchTokens;

    @Option(names = "--copy-share", defaultValue = "0.8", description = "Probability that an uninstructed Q/A block repeats the word. Default: ${DEFAULT-VALUE}.")
    double copyShare;

    @Option(names = "--heads-rms", defaultValue = "0.03", description = "After training, rescale v_proj and o_proj of each "
            + "layer (function-preserving) so that the o_proj input at the last token of a bare prompt has this "
            + "root-mean-square; 0 = leave as trained. Default: ${DEFAULT-VALUE}.")
    double headsRms;

    @Option(names = "--dtype", defaultValue = "f16", description = "Stored weights: f16 (half the size) or f32. Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--datasets", description = "Folder with antonym.json, synonym.json, english-french.json, english-german.json. Default: datasets/ of the repository.")
    Path datasets;

    @Option(names = "--log-every", defaultValue = "100", description = "Print the loss every this many steps. Default: ${DEFAULT-VALUE}.")
    int logEvery;

    @Option(names = "--opinion-documents", defaultValue = "150", description = "Opinion documents per corpus round. Default: ${DEFAULT-VALUE}.")
    int opinionDocuments;

    @Option(names = "--short-opinion-documents", defaultValue = "200", description = "Opinion documents per corpus round "
            + "about agents with at most two neighbours (0: the corpus of models trained before they existed). Default: ${DEFAULT-VALUE}.")
    int shortOpinionDocuments;

    @Option(names = "--threads", defaultValue = "1", description = "libtorch's CPU threads. With 1 the order of every "
            + "float reduction is fixed, so the same command rebuilds the same model.safetensors bit for bit on this "
            + "kind of CPU; more threads are faster but may differ in the last bits. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--stop-after", defaultValue = "0", description = "Stop after this many steps of the --steps schedule "
            + "(0: run it all), to replay the beginning of a recorded run and compare its losses with training.json.")
    int stopAfter;

    @Option(names = "--probe-every", defaultValue = "500", description = "Print the opinion probe (bare and instructed KL) "
            + "every this many steps; 0: never. It only reads the weights. Default: ${DEFAULT-VALUE}.")
    int probeEvery;

    @Override
    public Integer call() {
        Djl.engine();
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, not " + threads);
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        Path data = datasets != null ? datasets : Datasets.dir();
        DType storage = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f16", "float16" -> DType.F16;
            case "f32", "float32" -> DType.F32;
            default -> throw new IllegalArgumentException("--dtype must be f16 or f32, not " + dtype);
        };
        WordRelations relations = WordRelations.load(data);
        DemoCorpus.Settings cs = DemoCorpus.Settings.defaults().withCopyShare(copyShare)
                .withOpinionDocuments(opinionDocuments, shortOpinionDocuments);
        DemoCorpus corpus = new DemoCorpus(relations, cs, seed);
        List<DemoCorpus.Document> first = corpus.round(0);
        WordTokenizer tokenizer = tokenizer(relations, first);
        DemoTrainer.Settings ts = new DemoTrainer.Settings(hidden, layers, heads, kvHeads, intermediate, steps, lr,
                Math.min(warmup, Math.max(1, steps / 10)), 0.1, weightDecay, 1.0, batchTokens, seed, logEvery);
        DemoTrainer trainer = new DemoTrainer(ts, tokenizer, System.out);
        long roundTokens = 0;
        for (DemoCorpus.Document d : first) roundTokens += trainer.sequence(d.text()).length;
        System.out.printf("demo model: hidden %d, %d layers, %d heads (%d kv), mlp %d, vocab %d: %,d parameters%n",
                hidden, layers, heads, kvHeads, intermediate, tokenizer.size(), trainer.parameterCount());
        System.out.printf("corpus: %,d facts; one round = %,d documents, %,d tokens (seed %d)%n",
                relations.factCount(), first.size(), roundTokens, seed);
        if (probeEvery > 0) {
            List<OpinionDynamics.Situation> situations = OpinionDynamics.situations(1, 120);
            trainer.every(probeEvery, step -> System.out.printf("step %5d  probe: %s%n", step,
                    new DemoProbe(trainer.model(), tokenizer).opinion(situations)));
        }
        DemoTrainer.Result result = trainer.train(corpus, minutes * 60, stopAfter > 0 ? stopAfter : steps);
        System.out.printf("trained %d steps, %,d tokens (%d rounds begun) in %.1f min; final loss %.4f; %d steps skipped%n",
                result.steps(), result.tokens(), result.rounds(), result.seconds() / 60, result.finalLoss(), result.skipped());

        double[] alpha = null;
        if (headsRms > 0) {
            List<String> prompts = new ArrayList<>();
            for (String x : relations.inputs()) prompts.add("Q: " + x + "\nA:");
            DemoProbe check = new DemoProbe(trainer.model(), tokenizer);
            int[] before = check.next(prompts);
            alpha = trainer.rescaleHeads(headsRms, prompts);
            int[] after = check.next(prompts);
            int changed = 0;
            for (int i = 0; i < before.length; i++) if (before[i] != after[i]) changed++;
            System.out.printf("rescaled the heads site: %d of %d greedy answers changed%n", changed, before.length);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("laai_demo_seed", String.valueOf(seed));
        meta.put("laai_demo_steps", String.valueOf(result.steps()));
        trainer.save(out, storage, meta);

        List<String> probeLines = new DemoProbe(trainer.model(), tokenizer).report(relations);
        probeLines.forEach(line -> System.out.println("probe: " + line));
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("command", "laai train-demo-model " + String.join(" ", commandLine()));
        record.put("seed", seed);
        record.put("trainer", ts);
        record.put("corpus", cs);
        record.put("threads", threads);
        record.put("corpus_round0_sha256", roundChecksum(first));
        record.put("facts", relations.factCount());
        record.put("round_documents", first.size());
        record.put("round_tokens", roundTokens);
        record.put("vocab", tokenizer.size());
        record.put("parameters", trainer.parameterCount());
        record.put("steps", result.steps());
        record.put("tokens_seen", result.tokens());
        record.put("seconds", Math.round(result.seconds()));
        record.put("final_loss", result.finalLoss());
        record.put("skipped_steps", result.skipped());
        record.put("loss_log", result.log());
        record.put("probe", probeLines);
        record.put("heads_rms", headsRms);
        record.put("heads_alpha", alpha);
        record.put("model_sha256", fileChecksum(out.resolve("model.safetensors")));
        try {
            Files.writeString(out.resolve("training.json"),
                    new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(record) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        trainer.close();
        System.out.println("wrote " + out);
        return 0;
    }

    /**
     * The word-level tokenizer of a corpus: every word of round 0, of the relations and of the opinion
     * dataset; every answer and input word must be one token (exact match is then a first-token match).
     */
    static WordTokenizer tokenizer(WordRelations relations, List<DemoCorpus.Document> firstRound) {
        WordTokenizer tokenizer = WordTokenizer.fromTexts(
                DemoCorpus.tokenizerTexts(relations, firstRound, OpinionDynamics.dataset(1, 120)));
        for (DemoRelation r : DemoRelation.values()) {
            for (Pair p : relations.pairs(r)) {
                if (!tokenizer.contains(" " + p.output()) || !tokenizer.contains(" " + p.input())) {
                    throw new IllegalStateException("not a single token: " + p);
                }
            }
        }
        return tokenizer;
    }

    /** SHA-256 of a corpus round's documents, in order, each followed by a NUL. */
    static String roundChecksum(List<DemoCorpus.Document> round) {
        java.security.MessageDigest sha = sha256();
        for (DemoCorpus.Document d : round) {
            sha.update(d.text().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    static String fileChecksum(Path file) {
        try (var in = Files.newInputStream(file)) {
            java.security.MessageDigest sha = sha256();
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) sha.update(buffer, 0, n);
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> commandLine() {
        List<String> a = new ArrayList<>();
        a.add("--seed " + seed);
        a.add("--steps " + steps);
        if (minutes > 0) a.add("--minutes " + minutes);
        a.add("--hidden " + hidden);
        a.add("--layers " + layers);
        a.add("--heads " + heads);
        a.add("--kv-heads " + kvHeads);
        a.add("--intermediate " + intermediate);
        a.add("--lr " + lr);
        a.add("--batch-tokens " + batchTokens);
        a.add("--copy-share " + copyShare);
        a.add("--opinion-documents " + opinionDocuments);
        a.add("--short-opinion-documents " + shortOpinionDocuments);
        a.add("--threads " + threads);
        if (stopAfter > 0) a.add("--stop-after " + stopAfter);
        a.add("--heads-rms " + headsRms);
        a.add("--dtype " + dtype);
        a.add("--out " + out.getFileName());
        return a;
    }

    private static void writeDataset(Path file, String json, String what) {
        try {
            Files.writeString(file, json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("wrote " + what + " to " + file);
    }

    /** {@code laai make-opinion-dataset}: writes datasets/opinion-dynamics.json from the noisy Hegselmann–Krause model. */
    @Command(name = "make-opinion-dataset", description = "Write the opinion-dynamics task: agents on a 5-point scale, "
            + "with the distribution of their next opinion under the noisy Hegselmann-Krause bounded-confidence model.")
    static final class MakeOpinionDataset implements Callable<Integer> {
        @Option(names = "--seed", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--count", defaultValue = "120", description = "Number of prompts. Default: ${DEFAULT-VALUE}.")
        int count;

        @Option(names = "--out", description = "Output file. Default: datasets/opinion-dynamics.json of the repository.")
        Path out;

        @Override
        public Integer call() {
            Path file = out != null ? out : Datasets.dir().resolve("opinion-dynamics.json");
            writeDataset(file, OpinionDynamics.toJson(OpinionDynamics.dataset(seed, count)), count + " prompts");
            return 0;
        }
    }

    /** {@code laai make-chained-dataset}: writes datasets/A-B.json, the pairs x → B(A(x)) of two rule tasks. */
    @Command(name = "make-chained-dataset", description = "Write the chained task x -> B(A(x)) of two tasks of "
            + "datasets/ (default antonym then english-french) as datasets/A-B.json.")
    static final class MakeChainedDataset implements Callable<Integer> {
        @Option(names = "--first", defaultValue = "antonym", description = "A. Default: ${DEFAULT-VALUE}.")
        String first;

        @Option(names = "--second", defaultValue = "english-french", description = "B. Default: ${DEFAULT-VALUE}.")
        String second;

        @Override
        public Integer call() {
            Task chained = Task.chain(Task.resolve(first, Datasets.dir()), Task.resolve(second, Datasets.dir()));
            writeDataset(Datasets.dir().resolve(first + "-" + second + ".json"), chained.toJson(),
                    chained.pairs().size() + " pairs");
            return 0;
        }
    }
}
