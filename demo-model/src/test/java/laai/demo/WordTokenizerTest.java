package laai.demo;

import laai.model.TextTokenizer;
import laai.runtime.Djl;
import laai.tasks.Pair;
import laai.tasks.PromptTemplate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo tokenizer, as written to tokenizer.json and loaded by DJL's Hugging Face tokenizer:
 * every dataset prompt, answer and template round-trips without unknown tokens, every answer word
 * is one token, and the Java-side encoder agrees with the Rust one.
 */
class WordTokenizerTest {
    static { Djl.engine(); }

    @TempDir
    static Path dir;
    static WordTokenizer words;
    static TextTokenizer loaded;

    @BeforeAll
    static void write() throws Exception {
        words = DemoFixtures.tokenizer();
        words.write(dir);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\", \"bos_token_id\": 1, \"eos_token_id\": 2}");
        loaded = TextTokenizer.load(dir);
    }

    private static void roundTrip(String text) {
        long[] ids = loaded.encode(text);
        assertArrayEquals(Arrays.stream(words.encode(text)).asLongStream().toArray(), ids, "Java and DJL disagree on: " + text);
        for (long id : ids) assertTrue(id != WordTokenizer.UNK_ID, "unknown token in: " + text + " " + words.unknown(text));
        assertEquals(text, loaded.decode(ids), "decode(encode(text)) differs");
        assertEquals(text, words.decode(words.encode(text)));
    }

    @Test
    void readsBackTheVocabularyItWrote() {
        WordTokenizer read = WordTokenizer.read(dir);
        assertEquals(words.size(), read.size());
        for (int id = 0; id < words.size(); id++) assertEquals(words.piece(id), read.piece(id), "piece " + id);
    }

    @Test
    void specialTokens() {
        assertEquals(WordTokenizer.BOS_ID, loaded.bos());
        assertArrayEquals(new int[] {WordTokenizer.EOS_ID}, loaded.eos());
        assertEquals(1, loaded.encode("\n").length);
        assertEquals(2, loaded.encode("\n\n").length, "each newline is its own token");
        assertArrayEquals(new long[] {WordTokenizer.BOS_ID, words.id("Q"), words.id(":"), words.id(" hot"), words.id("\n"),
                words.id("A"), words.id(":")}, loaded.encodeWithBos("Q: hot\nA:"));
    }

    @Test
    void everyDatasetPairRoundTripsAndEveryAnswerIsOneToken() {
        PromptTemplate t = PromptTemplate.DEFAULT;
        int checked = 0;
        for (DemoRelation r : DemoRelation.values()) {
            List<Pair> pairs = DemoFixtures.relations().pairs(r);
            for (Pair p : pairs) {
                roundTrip(t.zeroShot(p.input()) + t.answer(p.output()) + t.end());
                assertEquals(1, loaded.encode(t.answer(p.output())).length, "answer not one token: " + p.output());
                assertEquals(1, loaded.encode(" " + p.input()).length, "input not one token: " + p.input());
                checked++;
            }
            if (pairs.size() > 10) roundTrip(t.fewShot(pairs.subList(0, 10), pairs.get(10).input()));
        }
        assertTrue(checked > 2500, checked + " pairs checked");
        roundTrip("Q: heiß\nA: aujourd'hui\n\nQ: Straße\nA: garçon\n");
    }

    @Test
    void templatesAndInstructionsRoundTrip() {
        for (DemoRelation r : DemoRelation.values()) {
            for (String s : r.statements) roundTrip(s.replace("{x}", "hot").replace("{y}", "cold") + "\n");
            for (String s : r.instructions) roundTrip(s + "\nQ: big\nA: small\n\n");
        }
    }

    @Test
    void opinionPromptsRoundTripAndOptionsHaveDistinctFirstTokens() {
        List<OpinionDynamics.Item> items = OpinionDynamics.dataset(1, 120);
        for (OpinionDynamics.Item it : items) roundTrip("Q: " + it.input() + "\nA:");
        Set<Long> first = new HashSet<>();
        for (String o : OpinionDynamics.OPTIONS) {
            long[] ids = loaded.encode(" " + o);
            assertEquals(1, ids.length, o);
            first.add(ids[0]);
        }
        assertEquals(5, first.size());
    }

    @Test
    void corpusRoundTrips() {
        List<String> texts = new ArrayList<>();
        for (DemoCorpus.Document d : new DemoCorpus(DemoFixtures.relations(), DemoCorpus.Settings.defaults(), 1).round(0)) {
            texts.add(d.text());
        }
        texts.forEach(WordTokenizerTest::roundTrip);
    }

    @Test
    void unknownPiecesBecomeUnk() {
        assertEquals(List.of(" blorptastic"), words.unknown("Q: blorptastic\nA:"));
        assertEquals(WordTokenizer.UNK_ID, words.encode(" blorptastic")[0]);
        assertEquals(List.of("Q", ":", " hot", "\n", "A", ":", " +2", "\n", "\n"), WordTokenizer.split("Q: hot\nA: +2\n\n"));
    }
}
