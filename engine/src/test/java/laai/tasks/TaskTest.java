package laai.tasks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskTest {
    @TempDir
    Path tmp;

    private String error(String content) throws Exception {
        Path f = tmp.resolve("t.json");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return assertThrows(TaskFormatException.class, () -> Task.load(f)).getMessage();
    }

    @Test
    void loadsTheProjectsDatasets() {
        Path datasets = laai.model.Fixtures.repo().resolve("datasets");
        for (String name : List.of("antonym", "synonym", "english-french", "english-german")) {
            Task t = Task.resolve(name, datasets);
            assertTrue(t.size() >= 300, name + " has " + t.size());
        }
    }

    @Test
    void anOutputMayBeAnArrayOfAcceptedAnswersTheFirstIsTrainedOn() throws Exception {
        Task t = Task.parse("t", "t.json", "[{\"input\": \"hot\", \"output\": [\"cold\", \"chilly\"]},"
                + " {\"input\": \"up\", \"output\": \"down\"}]");
        assertEquals("cold", t.pairs().get(0).output());
        assertEquals(List.of("cold", "chilly"), t.pairs().get(0).accepted());
        assertEquals(List.of("down"), t.pairs().get(1).accepted());
        assertEquals(t, Task.parse("t", "again", t.toJson()), "written back as an array where several are accepted");
        assertTrue(error("[{\"input\": \"a\", \"output\": []}]").contains("empty array"));
        assertTrue(error("[{\"input\": \"a\", \"output\": [\"b\", 3]}]").contains("array of strings"));
        assertTrue(error("[{\"input\": \"a\", \"output\": [\"b\", \" \"]}]").contains("empty output"));
        // Chaining keeps the second task's accepted answers.
        Task b = Task.parse("b", "b", "[{\"input\": \"cold\", \"output\": [\"froid\", \"frais\"]}]");
        assertEquals(List.of("froid", "frais"), Task.chain(t, b).pairs().get(0).accepted());
    }

    @Test
    void rejectsBadFilesNamingFileLineAndReason() throws Exception {
        String m = error("[\n  {\"input\": \"hot\", \"output\": \"cold\"},\n  {\"input\": \"up\"}\n]");
        assertTrue(m.contains("t.json:3") && m.contains("missing key \"output\""), m);
        m = error("[\n {\"input\": \"hot\", \"output\": \"cold\"},\n {\"input\": \"Hot\", \"output\": \"cool\"}\n]");
        assertTrue(m.contains("t.json:3") && m.contains("duplicate input") && m.contains("line 2"), m);
        m = error("[\n {\"input\": \"hot\", \"output\": \"  \"}\n]");
        assertTrue(m.contains("t.json:2") && m.contains("empty output"), m);
        assertTrue(error("[]").contains("no pairs"));
        assertTrue(error("").contains("t.json"));
        assertTrue(error("{\"input\": \"a\"}").contains("expected a JSON array"));
        assertTrue(error("[{\"input\": \"a\", \"output\": \"b\", \"x\": 1}]").contains("unexpected key \"x\""));
        assertTrue(error("[{\"input\": \"a\", \"output\": 3}]").contains("must be a string"));
        assertTrue(error("[{\"input\": \"a\", \"output\": \"b\"}").contains("malformed JSON"));
    }

    @Test
    void rejectsNonUtf8WithItsLine() throws Exception {
        Path f = tmp.resolve("latin1.json");
        byte[] head = "[\n {\"input\": \"summer\", \"output\": \"".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "t\u00e9\"}\n]".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        Files.write(f, all);
        String m = assertThrows(TaskFormatException.class, () -> Task.load(f)).getMessage();
        assertTrue(m.contains("latin1.json:2") && m.contains("not UTF-8") && m.contains("0xe9"), m);
    }

    @Test
    void splitIsSeededDisjointAndChecksItsSize() {
        Task t = Task.parse("t", "t", "[" + String.join(",", java.util.stream.IntStream.range(0, 30)
                .mapToObj(i -> "{\"input\":\"w" + i + "\",\"output\":\"o" + i + "\"}").toList()) + "]");
        Split a = Split.of(t, 10, 5, 3), b = Split.of(t, 10, 5, 3), c = Split.of(t, 10, 5, 4);
        assertEquals(a, b);
        assertTrue(!a.train().equals(c.train()));
        assertTrue(a.train().stream().noneMatch(a.test()::contains));
        assertEquals(20, Split.of(t, 10, 0, 1).test().size());
        String m = assertThrows(TaskFormatException.class, () -> Split.of(t, 30, 0, 1)).getMessage();
        assertTrue(m.contains("30 pairs") && m.contains("need 31"), m);
    }

    @Test
    void chainsTasksThroughSharedWords() {
        Task a = Task.parse("antonym", "a", "[{\"input\":\"hot\",\"output\":\"cold\"},{\"input\":\"big\",\"output\":\"small\"}]");
        Task b = Task.parse("english-french", "b", "[{\"input\":\"cold\",\"output\":\"froid\"},{\"input\":\"tree\",\"output\":\"arbre\"}]");
        Task c = Task.chain(a, b);
        assertEquals(List.of(new Pair("hot", "froid")), c.pairs());
        assertEquals("antonym->english-french", c.name());
    }

    @Test
    void templatesFormatZeroAndFewShotPrompts() {
        PromptTemplate t = PromptTemplate.DEFAULT;
        assertEquals("Q: hot\nA:", t.zeroShot("hot"));
        assertEquals("Q: up\nA: down\n\nQ: hot\nA:", t.fewShot(List.of(new Pair("up", "down")), "hot"));
        assertEquals(" cold", t.answer("cold"));
    }
}
