package laai.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import laai.kernel.eval.StackTraces;

class StackTracesTest {

    private static StackTraceElement frame(String cls) {
        return new StackTraceElement(cls, "m", "F.java", 1);
    }

    @Test
    void framesBelowTheOutermostSnippetAreDropped() {
        IllegalStateException e = new IllegalStateException("bad", new RuntimeException("root"));
        e.setStackTrace(new StackTraceElement[] {frame("user.Magic"), frame("REPL.$JShell$3"), frame("REPL.$JShell$2"),
                frame("jdk.internal.reflect.X"), frame("java.util.concurrent.FutureTask")});
        List<String> lines = StackTraces.format(e);
        assertEquals("java.lang.IllegalStateException: bad", lines.get(0));
        assertEquals(List.of("\tat user.Magic.m(F.java:1)", "\tat REPL.$JShell$3.m(F.java:1)", "\tat REPL.$JShell$2.m(F.java:1)"),
                lines.subList(1, 4));
        assertTrue(lines.get(4).startsWith("Caused by: java.lang.RuntimeException: root"), lines.toString());
    }

    @Test
    void deepTracesAreCapped() {
        StackTraceElement[] frames = new StackTraceElement[1000];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = frame("REPL.$JShell$1");
        }
        StackOverflowError e = new StackOverflowError();
        e.setStackTrace(frames);
        List<String> lines = StackTraces.format(e);
        assertEquals(62, lines.size());
        assertEquals("\t... 940 more", lines.get(61));
    }
}
