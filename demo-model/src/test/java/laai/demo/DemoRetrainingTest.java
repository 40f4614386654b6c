package laai.demo;

import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import laai.runtime.Djl;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The committed demo model is the output of this code: its recorded settings rebuild the same
 * corpus and tokenizer, and the first {@link #STEPS} steps of its training give exactly the losses
 * recorded in models/demo/training.json (the full run, which reproduces model.safetensors' sha256,
 * takes about 25 minutes on one thread and is not run here).
 */
class DemoRetrainingTest {
    static { Djl.engine(); }

    /** Steps replayed: two entries of the loss log, about a minute on one thread. */
    static final int STEPS = 200;

    @Test
    void theFirstStepsOfTheCommittedRunRepeatBitForBit() {
        JsonObject record = DemoFixtures.committedRecord();
        Gson gson = new Gson();
        DemoTrainer.Settings trainer = gson.fromJson(record.get("trainer"), DemoTrainer.Settings.class);
        DemoCorpus.Settings corpusSettings = gson.fromJson(record.get("corpus"), DemoCorpus.Settings.class);
        assertEquals(record.get("seed").getAsLong(), trainer.seed());

        DemoCorpus corpus = new DemoCorpus(DemoFixtures.relations(), corpusSettings, trainer.seed());
        List<DemoCorpus.Document> first = corpus.round(0);
        if (record.has("corpus_round0_sha256")) { // recorded in training.json since December 2026
            assertEquals(record.get("corpus_round0_sha256").getAsString(), TrainDemoModelCommand.roundChecksum(first),
                    "the corpus of the recorded settings");
        }
        WordTokenizer tokenizer = TrainDemoModelCommand.tokenizer(DemoFixtures.relations(), first);
        assertEquals(record.get("vocab").getAsInt(), tokenizer.size());

        int threads = JniUtils.getNumThreads();
        // one thread unless recorded otherwise: runs recorded without `threads` were made with OMP_NUM_THREADS=1
        JniUtils.setNumThreads(record.has("threads") ? record.get("threads").getAsInt() : 1);
        DemoTrainer.Result replay;
        try (PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
            DemoTrainer run = new DemoTrainer(trainer, tokenizer, quiet);
            replay = run.train(corpus, 0, STEPS);
            run.close();
        } finally {
            JniUtils.setNumThreads(threads);
        }
        JsonArray recorded = record.getAsJsonArray("loss_log");
        for (int i = 0; i < STEPS / trainer.logEvery(); i++) {
            JsonArray entry = recorded.get(i).getAsJsonArray();
            double[] now = replay.log().get(i);
            assertEquals(entry.get(0).getAsDouble(), now[0], "step");
            assertEquals(entry.get(4).getAsDouble(), now[4], "target tokens up to step " + (long) now[0]);
            assertEquals(entry.get(1).getAsDouble(), now[1], 0.0, "mean loss up to step " + (long) now[0]);
        }
    }
}
