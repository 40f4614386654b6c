package laai.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.google.gson.JsonObject;

/**
 * The real kernel over the real Jupyter protocol: one kernel for the whole class, driven by
 * jupyter_client. Tests use their own variable names, so they do not depend on order.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@RequiresJupyter
class KernelProtocolTest {

    private static KernelSession kernel;

    @BeforeAll
    static void startKernel() throws Exception {
        kernel = KernelSession.start();
    }

    @AfterAll
    static void stopKernel() throws Exception {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void expressionValueIsTheExecuteResult() throws Exception {
        CellResult cell = kernel.execute("1+1");
        assertEquals("ok", cell.status());
        assertEquals("2", cell.plain());
    }

    @Test
    void variableDefinedInOneCellIsVisibleInTheNext() throws Exception {
        assertEquals("ok", kernel.execute("int answerBase = 20;").status());
        assertEquals("42", kernel.execute("answerBase * 2 + 2").plain());
    }

    @Test
    void cellWithSeveralSnippetsShowsOnlyTheLastValue() throws Exception {
        CellResult cell = kernel.execute("int a1 = 1;\nint a2 = a1 + 1;\nSystem.out.print(\"partial\");\na1 + a2");
        assertEquals("partial", cell.stdout(), "a print without newline is flushed");
        assertEquals("3", cell.plain());
        assertTrue(kernel.execute("int silent = 5;").outputs("execute_result").isEmpty(),
                "declarations show nothing");
    }

    @Test
    void defaultImportsAreInPlace() throws Exception {
        CellResult cell = kernel.execute("List.of(1, 2).stream().map(i -> i * 2).collect(Collectors.toList())");
        assertEquals("[2, 4]", cell.plain());
        assertEquals("true", kernel.execute("Files.isDirectory(Path.of(\".\"))").plain());
    }

    @Test
    void kernelspecOptionsReachTheKernelJvm() throws Exception {
        assertEquals("from-kernelspec", kernel.execute("System.getProperty(\"laai.test.marker\")").plain());
        assertEquals("true", kernel.execute("Boolean.getBoolean(\"ai.djl.offline\") && java.awt.GraphicsEnvironment.isHeadless()").plain());
        assertEquals("true", kernel.execute("\"true\".equals(System.getenv(\"DJL_OFFLINE\"))").plain());
    }

    @Test
    void magicAndJavaCellShareState() throws Exception {
        kernel.execute("laai.kernel.testext.TestState.COUNTER.set(10);");
        assertEquals("11", kernel.execute("%counter").plain());
        assertEquals("14", kernel.execute("%counter --by 3").plain());
        assertEquals("14", kernel.execute("laai.kernel.testext.TestState.COUNTER.get()").plain());
        assertEquals("15", kernel.execute("var viaMagic = %counter\nviaMagic").plain());
    }

    @Test
    void extensionWasInstalledAndCouldEvaluateCode() throws Exception {
        assertEquals("7", kernel.execute("fromExtension").plain());
        assertEquals("true", kernel.execute("%samekernel").plain(), "LaaiKernel.instance() is the kernel magics get");
    }

    @Test
    void magicReturningATableIsRenderedAsHtml() throws Exception {
        CellResult cell = kernel.execute("%table 3");
        String html = cell.result("text/html").orElseThrow(() -> new AssertionError(cell.toString()));
        assertTrue(html.contains("<table"), html);
        assertTrue(html.contains("label &lt;b&gt;"), "headers are escaped: " + html);
        assertTrue(html.contains("row &amp; 2"), "cells are escaped: " + html);
        assertTrue(cell.plain().contains("numbers"), "text/plain is Tablesaw's layout");
    }

    @Test
    void longTableIsTruncatedWithANote() throws Exception {
        String html = kernel.execute("%table 120").result("text/html").orElseThrow();
        assertTrue(html.contains("Showing the first 50 of 120 rows"), html);
        assertFalse(html.contains("row &amp; 51"), html);
    }

    @Test
    void cellMagicReturningAChartIsRenderedAsPng() throws Exception {
        CellResult cell = kernel.execute("%%chart Loss\n3 2 1.5\n1.2 1");
        String png = cell.result("image/png").orElseThrow(() -> new AssertionError(cell.toString()));
        byte[] bytes = Base64.getDecoder().decode(png);
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals("PNG", new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(cell.plain().contains("XYChart 'Loss'"), cell.plain());
    }

    @Test
    void chartCanBeDisplayedAsSvg() throws Exception {
        CellResult svg = kernel.execute("var c = new org.knowm.xchart.XYChartBuilder().width(200).height(150).build();\n"
                + "c.addSeries(\"s\", new double[] {0, 1}, new double[] {1, 0});\n"
                + "display(c, \"image/svg+xml\");");
        List<JsonObject> displays = svg.outputs("display_data");
        assertEquals(1, displays.size(), svg.toString());
        assertTrue(displays.get(0).getAsJsonObject("data").get("image/svg+xml").getAsString().contains("<svg"));
    }

    @Test
    void tableFromAJavaCellIsRenderedAsHtml() throws Exception {
        CellResult cell = kernel.execute("tech.tablesaw.api.Table.create(\"t\", tech.tablesaw.api.IntColumn.create(\"a\", 1, 2))");
        assertTrue(cell.result("text/html").orElseThrow().contains("<td>2</td>"), cell.toString());
    }

    @Test
    void exceptionInAMagicIsAnErrorAndTheKernelKeepsItsState() throws Exception {
        kernel.execute("int keptAcrossErrors = 99;");
        CellResult cell = kernel.execute("%boom on purpose");
        assertEquals("error", cell.status());
        assertTrue(cell.traceback().contains("java.lang.IllegalStateException: boom: on purpose"), cell.traceback());
        assertTrue(cell.traceback().contains("TestExtension"), "the magic's frame is shown: " + cell.traceback());
        assertFalse(cell.traceback().contains("laai.kernel.eval"), "kernel frames are trimmed: " + cell.traceback());
        assertEquals("99", kernel.execute("keptAcrossErrors").plain());
    }

    @Test
    void runtimeExceptionShowsATrimmedStackTrace() throws Exception {
        CellResult cell = kernel.execute("Integer.parseInt(\"zz\")");
        assertEquals("error", cell.status());
        String trace = cell.traceback();
        assertTrue(trace.startsWith("java.lang.NumberFormatException: For input string: \"zz\""), trace);
        assertTrue(trace.contains("at java.base/java.lang.Integer.parseInt"), trace);
        assertFalse(trace.contains("java.util.concurrent"), "executor frames are trimmed: " + trace);
        assertFalse(trace.contains("jdk.internal.reflect"), trace);
    }

    @Test
    void stackOverflowIsReportedWithACappedTrace() throws Exception {
        kernel.execute("int down(int n) { return down(n + 1) + 1; }");
        CellResult cell = kernel.execute("down(0)");
        assertEquals("error", cell.status());
        assertTrue(cell.traceback().startsWith("java.lang.StackOverflowError"), cell.traceback());
        assertTrue(cell.traceback().lines().count() < 70, "capped");
        assertEquals("6", kernel.execute("3 + 3").plain());
    }

    @Test
    void compileErrorShowsTheDiagnosticAndTheSourceLine() throws Exception {
        CellResult cell = kernel.execute("int fine = 1;\nint wrong = \"text\";");
        assertEquals("error", cell.status());
        assertEquals("CompilationException", cell.error().orElseThrow().get("ename").getAsString());
        String trace = cell.traceback();
        assertTrue(trace.contains("incompatible types"), trace);
        assertTrue(trace.contains("int wrong = \"text\";"), trace);
        assertTrue(trace.contains("^^^^^^"), "the offending range is marked: " + trace);
    }

    @Test
    void undefinedSymbolIsACompileError() throws Exception {
        CellResult cell = kernel.execute("noSuchVariable + 1");
        assertEquals("error", cell.status());
        assertTrue(cell.traceback().contains("cannot find symbol"), cell.traceback());
    }

    @Test
    void incompleteCodeIsReported() throws Exception {
        CellResult cell = kernel.execute("for (int i = 0; i < 3; i++) {");
        assertEquals("error", cell.status());
        assertTrue(cell.traceback().contains("incomplete code"), cell.traceback());
    }

    @Test
    void interruptStopsALongCellAndTheNextCellRuns() throws Exception {
        long start = System.nanoTime();
        CellResult cell = kernel.execute("for (int i = 0; i < 600; i++) Thread.sleep(100);", 1.0);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertFalse(cell.timedOut(), cell.toString());
        assertEquals("error", cell.status());
        assertTrue(cell.traceback().contains("Interrupted"), cell.traceback());
        assertTrue(seconds < 10, "stopped after " + seconds + " s");
        assertEquals("3", kernel.execute("1 + 2").plain());
    }

    @Test
    void interruptStopsALoopThatOnlyChecksTheInterruptFlag() throws Exception {
        CellResult cell = kernel.execute("long spins = 0; while (!Thread.currentThread().isInterrupted()) spins++;", 1.0);
        assertEquals("error", cell.status(), cell.toString());
        assertEquals("4", kernel.execute("2 + 2").plain());
    }

    @Test
    void malformedMagicArgumentsGiveTheUsage() throws Exception {
        CellResult cell = kernel.execute("%counter --bogus 1");
        assertEquals("error", cell.status());
        String trace = cell.traceback();
        assertTrue(trace.contains("usage: %counter --by"), trace);
        assertTrue(trace.contains("Unknown keyword argument 'bogus'"), trace);
        assertFalse(trace.contains("\tat "), "a usage error has no stack trace: " + trace);
    }

    @Test
    void undefinedMagicIsReported() throws Exception {
        CellResult cell = kernel.execute("%nosuchmagic x");
        assertEquals("error", cell.status());
        assertTrue(cell.traceback().contains("Undefined line magic 'nosuchmagic'"), cell.traceback());
    }

    @Test
    void utf8MagicArgumentsRoundTrip() throws Exception {
        assertEquals("äö ß €", kernel.execute("%echo äö ß €").plain());
        assertEquals("2", kernel.execute("\"äö\".length()").plain());
    }

    @Test
    void magicCanEvaluateCodeWithoutDeadlock() throws Exception {
        assertEquals("42", kernel.execute("%evalinside 40 + 2").plain());
    }

    @Test
    void liveDisplayPublishesUpdatesToOneDisplayId() throws Exception {
        CellResult cell = kernel.execute("LiveDisplay d = LiveDisplay.show(\"<b>one</b>\");\nd.update(\"<b>two</b>\");");
        List<JsonObject> shown = cell.outputs("display_data");
        List<JsonObject> updates = cell.outputs("update_display_data");
        assertEquals(1, shown.size(), cell.toString());
        assertEquals(1, updates.size(), cell.toString());
        String id = displayId(shown.get(0));
        assertEquals(id, displayId(updates.get(0)));
        assertEquals("<b>two</b>", updates.get(0).getAsJsonObject("data").get("text/html").getAsString());
        assertEquals("two", updates.get(0).getAsJsonObject("data").get("text/plain").getAsString());
    }

    @Test
    void progressBarFromAMagic() throws Exception {
        CellResult cell = kernel.execute("%progress 3");
        assertEquals(1, cell.outputs("display_data").size(), cell.toString());
        List<JsonObject> updates = cell.outputs("update_display_data");
        assertEquals(3, updates.size(), cell.toString());
        String last = updates.get(2).getAsJsonObject("data").get("text/html").getAsString();
        assertTrue(last.contains("value=\"3\" max=\"3\""), last);
        assertTrue(cell.plain().contains("3/3"), cell.plain());
    }

    @Test
    void errorWhileRenderingIsReportedAndTheKernelSurvives() throws Exception {
        CellResult cell = kernel.execute("new laai.kernel.testext.Exploding()");
        assertEquals("error", cell.status());
        assertTrue(cell.traceback().contains("Could not display a laai.kernel.testext.Exploding"), cell.traceback());
        assertTrue(cell.traceback().contains("NoClassDefFoundError: simulated"), cell.traceback());
        assertEquals("5", kernel.execute("2 + 3").plain());
    }

    @Test
    void userCodeRunsOnTheSnippetThreadWithTheNotebookLoader() throws Exception {
        kernel.execute("class LoaderProbe {}");
        assertEquals("true", kernel.execute("Thread.currentThread().getName().startsWith(\"laai-snippet-\")").plain());
        assertEquals("true", kernel.execute(
                "Thread.currentThread().getContextClassLoader() == LoaderProbe.class.getClassLoader()").plain());
    }

    @Test
    void methodsAndClassesCanBeDeclared() throws Exception {
        kernel.execute("record Point(int x, int y) { int sum() { return x + y; } }\nint twice(int v) { return 2 * v; }");
        assertEquals("14", kernel.execute("twice(new Point(3, 4).sum())").plain());
    }

    @Test
    void completionOffersJavaNamesAndMagics() throws Exception {
        JsonObject java = kernel.complete("StringBuil");
        assertTrue(java.getAsJsonArray("matches").toString().contains("StringBuilder"), java.toString());
        JsonObject magic = kernel.complete("%cou");
        assertEquals("[\"counter\"]", magic.getAsJsonArray("matches").toString(), magic.toString());
        assertEquals(1, magic.get("cursor_start").getAsInt());
    }

    @Test
    void isCompleteTellsOpenBlocksFromFinishedCode() throws Exception {
        assertEquals("complete", kernel.isComplete("int z = 1;").get("status").getAsString());
        assertEquals("incomplete", kernel.isComplete("for (int i = 0; i < 3; i++) {").get("status").getAsString());
    }

    private static String displayId(JsonObject content) {
        return content.getAsJsonObject("transient").get("display_id").getAsString();
    }
}
