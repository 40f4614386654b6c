package laai.demo;

import laai.tasks.DistributionTask;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The opinion-dynamics generator (noisy Hegselmann–Krause) and the committed dataset it wrote. */
class OpinionDynamicsTest {

    @Test
    void deterministicDistinctAndNormalised() {
        List<OpinionDynamics.Item> a = OpinionDynamics.dataset(1, 120), b = OpinionDynamics.dataset(1, 120);
        assertEquals(OpinionDynamics.toJson(a), OpinionDynamics.toJson(b));
        assertNotEquals(OpinionDynamics.toJson(a), OpinionDynamics.toJson(OpinionDynamics.dataset(2, 120)));
        Set<String> inputs = new HashSet<>();
        for (OpinionDynamics.Item it : a) {
            assertTrue(inputs.add(it.input()));
            assertEquals(OpinionDynamics.OPTIONS, it.options());
            double sum = 0;
            for (double q : it.target()) {
                assertTrue(q >= 0 && q <= 1);
                sum += q;
            }
            assertEquals(1.0, sum, 1e-9);
        }
    }

    @Test
    void boundedConfidenceMean() {
        // own 0, neighbours -2, 0, +1, +2 within 1: {0, 0, +1} -> mean 1/3
        OpinionDynamics.Situation s = new OpinionDynamics.Situation(3, 0, new int[] {-2, 0, 1, 2}, 1);
        assertEquals(1.0 / 3, s.confidenceMean(), 1e-12);
        // within 2 every one counts: {0, -2, 0, 1, 2} -> 1/5
        assertEquals(0.2, new OpinionDynamics.Situation(3, 0, new int[] {-2, 0, 1, 2}, 2).confidenceMean(), 1e-12);
        double[] q = new OpinionDynamics.Situation(1, 0, new int[] {0, 0, 0}, 1).target();
        assertEquals(0.6827, q[2], 1e-3); // P(|η| < 0.5) with σ = 0.5
        assertEquals(q[1], q[3], 1e-9);
        assertEquals(0.5, OpinionDynamics.phi(0), 1e-9);
        assertEquals(0.97725, OpinionDynamics.phi(2), 1e-4);
        assertTrue(new OpinionDynamics.Situation(1, 2, new int[] {2, 2, 2}, 1).target()[4] > 0.8);
    }

    @Test
    void promptsDescribeTheSituation() {
        OpinionDynamics.Situation s = new OpinionDynamics.Situation(7, 1, new int[] {-2, 0, 2}, 1);
        assertEquals("the neighbours of agent 7 hold -2, 0 and +2. it is only moved by opinions within 1 point of its own. "
                + "agent 7 holds opinion +1. what opinion does it hold next?", s.nextQuestion());
    }

    @Test
    void shortDocumentsAnswerWithTheOwnOpinionUnlessUnderTheRule() {
        Set<String> dataset = new HashSet<>();
        OpinionDynamics.dataset(1, 120).forEach(it -> dataset.add(it.input()));
        List<String> docs = OpinionDynamics.shortDocuments(new java.util.SplittableRandom(5), 300);
        assertEquals(docs, OpinionDynamics.shortDocuments(new java.util.SplittableRandom(5), 300));
        java.util.regex.Pattern qa = java.util.regex.Pattern.compile(
                "Q: (.*?)agent (\\d+) holds opinion ([+-]?\\d)\\. what opinion does it hold (now|next)\\?\nA: ([+-]?\\d)\n");
        int rule = 0, kept = 0, differs = 0;
        for (String doc : docs) {
            boolean underRule = doc.startsWith(OpinionDynamics.RULE_INSTRUCTION + "\n");
            java.util.regex.Matcher m = qa.matcher(doc);
            int blocks = 0;
            while (m.find()) {
                blocks++;
                String before = m.group(1);
                assertTrue(before.isEmpty() || before.startsWith("the neighbours of agent " + m.group(2) + " hold "), doc);
                assertTrue(before.split(",| and ").length <= 2, "at most two neighbours: " + doc);
                assertTrue(OpinionDynamics.OPTIONS.contains(m.group(5)), doc);
                assertTrue(!dataset.contains(m.group(0).substring(3, m.group(0).indexOf("\nA:"))), "a dataset prompt: " + doc);
                if (underRule) {
                    assertEquals("next", m.group(4), doc);
                    rule++;
                    if (!m.group(3).equals(m.group(5))) differs++;
                } else {
                    assertEquals(m.group(3), m.group(5), "kept opinion: " + doc);
                    kept++;
                }
            }
            assertTrue(blocks >= 1 && blocks <= 4, doc);
        }
        assertTrue(rule > 100 && kept > 200, rule + " under the rule, " + kept + " kept");
        assertTrue(differs > rule / 5, "the rule moves opinions: " + differs + " of " + rule);
        assertEquals("agent 3 holds opinion -1. what opinion does it hold now?",
                new OpinionDynamics.Situation(3, -1, new int[0], 1).nowQuestion());
    }

    @Test
    void theCommittedDatasetIsTheGeneratorsOutput() throws Exception {
        var file = DemoFixtures.datasets().resolve("opinion-dynamics.json");
        assertEquals(OpinionDynamics.toJson(OpinionDynamics.dataset(1, 120)), Files.readString(file),
                "datasets/opinion-dynamics.json is not what `laai make-opinion-dataset --seed 1 --count 120` writes");
        DistributionTask task = DistributionTask.load(file);
        assertTrue(task.size() >= 60);
        assertEquals(OpinionDynamics.OPTIONS, task.options());
        float[] first = task.items().get(0).target();
        double[] expected = OpinionDynamics.dataset(1, 1).get(0).target();
        float[] e = new float[expected.length];
        for (int i = 0; i < e.length; i++) e[i] = (float) expected[i];
        assertArrayEquals(e, first, 1e-6f);
    }
}
