package laai.demo;

import java.nio.file.Path;
import java.util.List;

/** The repository's datasets and the tokenizer the demo model is trained with, built once per JVM. */
final class DemoFixtures {
    private DemoFixtures() {}

    static Path repo() {
        return Path.of(System.getProperty("laai.repo", ".")).toAbsolutePath().normalize();
    }

    static Path datasets() {
        return repo().resolve("datasets");
    }

    private static WordRelations relations;
    private static WordTokenizer tokenizer;

    static synchronized WordRelations relations() {
        if (relations == null) relations = WordRelations.load(datasets());
        return relations;
    }

    /** The tokenizer as train-demo-model builds it for the seed models/demo/training.json records. */
    static synchronized WordTokenizer tokenizer() {
        if (tokenizer == null) {
            DemoCorpus corpus = new DemoCorpus(relations(), committedCorpus(), committedSeed());
            tokenizer = TrainDemoModelCommand.tokenizer(relations(), corpus.round(0));
        }
        return tokenizer;
    }

    /** The seed the committed demo model was trained with. */
    static long committedSeed() {
        return committedRecord().get("seed").getAsLong();
    }

    /** The corpus settings the committed demo model was trained with. */
    static DemoCorpus.Settings committedCorpus() {
        return new com.google.gson.Gson().fromJson(committedRecord().get("corpus"), DemoCorpus.Settings.class);
    }

    /** models/demo/training.json. */
    static com.google.gson.JsonObject committedRecord() {
        try {
            String json = java.nio.file.Files.readString(repo().resolve("models/demo/training.json"));
            return com.google.gson.JsonParser.parseString(json).getAsJsonObject();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static final List<String> TASKS = List.of("antonym", "synonym", "english-french", "english-german");
}
