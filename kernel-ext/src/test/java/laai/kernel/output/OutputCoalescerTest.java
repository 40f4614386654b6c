package laai.kernel.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The coalescer alone, with a recording sink; the protocol tests cover it inside the kernel. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OutputCoalescerTest {

    private final ByteArrayOutputStream fallback = new ByteArrayOutputStream();
    private final PrintStream fallbackStream = new PrintStream(fallback, true, StandardCharsets.UTF_8);
    private final OutputCoalescer output = new OutputCoalescer(fallbackStream, fallbackStream);
    private final List<String> sent = new ArrayList<>();

    private synchronized void record(OutputCoalescer.Stream stream, String text) {
        sent.add((stream == OutputCoalescer.Stream.STDOUT ? "out:" : "err:") + text);
    }

    private synchronized List<String> sent() {
        return new ArrayList<>(sent);
    }

    @AfterEach
    void close() {
        output.close();
    }

    @Test
    void manyLinesGoOutWholeInFewMessages() {
        output.attach(this::record);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            output.out().println("line " + i);
            expected.append("line ").append(i).append('\n');
        }
        output.flush();
        StringBuilder received = new StringBuilder();
        for (String s : sent()) {
            assertTrue(s.startsWith("out:"), s);
            received.append(s.substring(4));
        }
        assertEquals(expected.toString(), received.toString());
        assertTrue(sent().size() < 50, sent().size() + " messages");
    }

    @Test
    void stdoutAndStderrKeepTheirOrder() {
        output.attach(this::record);
        output.out().print("a");
        output.out().print("b");
        output.err().print("c");
        output.out().print("d");
        output.flush();
        assertEquals(List.of("out:ab", "err:c", "out:d"), sent());
    }

    @Test
    void outputIsSentWithoutAFlushWithinTheInterval() throws Exception {
        output.attach(this::record);
        output.out().print("soon");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (sent().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of("out:soon"), sent());
    }

    @Test
    void aCharacterSplitAcrossWritesArrivesWhole() throws Exception {
        output.attach(this::record);
        byte[] ae = "ä".getBytes(StandardCharsets.UTF_8);
        output.out().write(ae, 0, 1);
        Thread.sleep(3 * OutputCoalescer.INTERVAL_MS);
        output.out().write(ae, 1, 1);
        output.flush();
        assertEquals("out:ä", String.join("", sent()));
    }

    @Test
    void flushSendsATrailingPrintAndSurvivesAnInterrupt() {
        output.attach(this::record);
        output.out().print("no newline");
        Thread.currentThread().interrupt();
        output.flush();
        assertTrue(Thread.interrupted(), "the interrupt is handed back");
        assertEquals(List.of("out:no newline"), sent());
    }

    @Test
    void afterDetachOutputGoesToTheFallback() {
        output.attach(this::record);
        output.out().print("cell");
        output.detach();
        output.out().print("later");
        assertEquals(List.of("out:cell"), sent());
        assertEquals("later", fallback.toString(StandardCharsets.UTF_8));
    }

    @Test
    void completePrefixStopsBeforeAnUnfinishedCharacter() {
        byte[] text = "aä€😀".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 + 4 bytes
        assertEquals(10, Utf8.completePrefix(text, 10));
        assertEquals(6, Utf8.completePrefix(text, 9));
        assertEquals(6, Utf8.completePrefix(text, 7));
        assertEquals(6, Utf8.completePrefix(text, 6));
        assertEquals(3, Utf8.completePrefix(text, 5));
        assertEquals(1, Utf8.completePrefix(text, 2));
        assertEquals(0, Utf8.completePrefix(text, 0));
    }
}
