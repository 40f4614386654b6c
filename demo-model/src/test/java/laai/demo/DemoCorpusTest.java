package laai.demo;

import laai.tasks.Pair;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The corpus: seeded, every fact in every round, and a bare Q/A prompt that does not tell the relation. */
class DemoCorpusTest {

    private static DemoCorpus corpus(long seed) {
        return new DemoCorpus(DemoFixtures.relations(), DemoCorpus.Settings.defaults(), seed);
    }

    @Test
    void deterministicPerSeedAndRound() {
        List<DemoCorpus.Document> a = corpus(7).round(0), b = corpus(7).round(0);
        assertEquals(a, b);
        assertNotEquals(a, corpus(8).round(0));
        assertNotEquals(a, corpus(7).round(1));
    }

    @Test
    void everyRoundStatesAndAsksEveryFact() {
        WordRelations rel = DemoFixtures.relations();
        for (int r = 0; r < 2; r++) {
            List<DemoCorpus.Document> docs = corpus(3).round(r);
            Set<String> lines = new HashSet<>();
            Map<DemoRelation, StringBuilder> instructed = new HashMap<>();
            for (DemoCorpus.Document d : docs) {
                if (d.kind() == DemoCorpus.Kind.FACTS) lines.addAll(List.of(d.text().split("\n")));
                if (d.kind() == DemoCorpus.Kind.INSTRUCTED) {
                    instructed.computeIfAbsent(d.relation(), k -> new StringBuilder()).append('\n').append(d.text());
                }
            }
            for (DemoRelation relation : DemoRelation.taught()) {
                String qa = instructed.get(relation).toString();
                for (Pair p : rel.pairs(relation)) {
                    assertTrue(qa.contains("\nQ: " + p.input() + "\nA: " + p.output() + "\n"), relation + " Q/A " + p);
                    boolean stated = false;
                    for (String template : relation.statements) {
                        stated |= lines.contains(template.replace("{x}", p.input()).replace("{y}", p.output()));
                    }
                    assertTrue(stated, relation + " statement " + p);
                }
            }
        }
    }

    @Test
    void theFactsAreTheDatasets() {
        WordRelations rel = DemoFixtures.relations();
        assertEquals(418, rel.pairs(DemoRelation.ANTONYM).size());
        assertEquals(502, rel.pairs(DemoRelation.SYNONYM).size());
        assertEquals(482, rel.pairs(DemoRelation.FRENCH).size());
        assertEquals(482, rel.pairs(DemoRelation.GERMAN).size());
        assertEquals("froid", rel.apply(DemoRelation.OPPOSITE_FRENCH, "hot"));
        assertEquals("kalt", rel.apply(DemoRelation.OPPOSITE_GERMAN, "hot"));
    }

    /**
     * What follows a bare "Q: x\nA:" at the start of a document: for the inputs of each task,
     * the task's answer is the minority (≤ 0.3), repeating the word the majority.
     */
    @Test
    void aBareQuestionIsAmbiguous() {
        WordRelations rel = DemoFixtures.relations();
        List<DemoCorpus.Document> docs = corpus(1).rounds(2);
        for (DemoRelation task : List.of(DemoRelation.ANTONYM, DemoRelation.SYNONYM, DemoRelation.FRENCH, DemoRelation.GERMAN)) {
            int n = 0, answered = 0, copied = 0;
            for (DemoCorpus.Document d : docs) {
                if (d.kind() != DemoCorpus.Kind.DEMOS && d.kind() != DemoCorpus.Kind.MIXTURE) continue;
                String[] lines = d.text().split("\n", 3);
                String x = lines[0].substring(3), y = lines[1].substring(3);
                String want = rel.apply(task, x);
                if (want == null || want.equals(x)) continue;
                n++;
                if (y.equals(want)) answered++;
                if (y.equals(x)) copied++;
            }
            double share = (double) answered / n, copies = (double) copied / n;
            assertTrue(n > 500, task + ": " + n);
            assertTrue(share < 0.3, task + " answers a bare question in " + share + " of documents");
            assertTrue(copies > 0.5, task + ": copies " + copies);
        }
    }

    @Test
    void everyDocumentKindOccurs() {
        Map<DemoCorpus.Kind, Integer> count = new HashMap<>();
        for (DemoCorpus.Document d : corpus(1).round(0)) count.merge(d.kind(), 1, Integer::sum);
        for (DemoCorpus.Kind k : DemoCorpus.Kind.values()) assertTrue(count.getOrDefault(k, 0) > 50, k + " " + count);
    }
}
