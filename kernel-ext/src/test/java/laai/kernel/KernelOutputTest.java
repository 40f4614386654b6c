package laai.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a cell prints, through jupyter_client: every byte arrives, in order, in few messages, and
 * the request still ends with its idle status. Its own kernel: the flood must not disturb the
 * protocol tests.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@RequiresJupyter
class KernelOutputTest {

    /** 100,000 lines of 100 bytes; each starts with its number, so a lost or moved line shows. */
    static final int LINES = 100_000;
    static final String FLOOD = "String pad = \"-\".repeat(93);\n"
            + "for (int i = 0; i < " + LINES + "; i++) System.out.println(String.format(\"%06d\", i) + pad);";

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

    static String expectedFlood() {
        StringBuilder s = new StringBuilder(LINES * 100);
        String pad = "-".repeat(93);
        for (int i = 0; i < LINES; i++) {
            s.append(String.format("%06d", i)).append(pad).append('\n');
        }
        return s.toString();
    }

    @Test
    void aHundredThousandLinesArriveWholeAndTheRequestEndsIdle() throws Exception {
        CellResult cell = kernel.executeWithin(FLOOD, 60);
        assertFalse(cell.timedOut(), "the kernel never reported idle");
        assertEquals("ok", cell.status());
        String stdout = cell.stdout();
        String expected = expectedFlood();
        assertEquals(expected.length(), stdout.length(), "bytes received");
        assertTrue(expected.equals(stdout), "every line whole and in order");
        int messages = cell.outputs("stream").size();
        assertTrue(messages < 1_000, "output is coalesced, not one message per line: " + messages + " messages");
        assertEquals("2", kernel.execute("1 + 1").plain(), "the kernel goes on normally");
    }

    @Test
    void stdoutAndStderrKeepTheirOrder() throws Exception {
        CellResult cell = kernel.execute("System.out.println(\"one\");\nSystem.err.println(\"two\");\n"
                + "System.out.print(\"three\");\nSystem.err.print(\"four\");");
        assertEquals(List.of("stdout:one\n", "stderr:two\n", "stdout:three", "stderr:four"), cell.sequence());
    }

    @Test
    void printsAroundADisplayStayOnTheirSide() throws Exception {
        CellResult cell = kernel.execute("System.out.println(\"before\");\ndisplay(\"shown\");\n"
                + "System.out.println(\"after\");\n\"value\"");
        assertEquals(List.of("stdout:before\n", "display_data", "stdout:after\n", "execute_result"), cell.sequence());
    }

    @Test
    void printsBeforeAnErrorComeBeforeIt() throws Exception {
        CellResult cell = kernel.execute("System.out.print(\"partial\");\nInteger.parseInt(\"zz\");");
        assertEquals(List.of("stdout:partial", "error"), cell.sequence());
    }

    @Test
    void printsFromAnotherThreadOfTheCellArrive() throws Exception {
        CellResult cell = kernel.execute("Thread printer = new Thread(() -> System.out.print(\"from a thread\"));\n"
                + "printer.start();\nprinter.join();");
        assertEquals("from a thread", cell.stdout());
    }

    @Test
    void outputOfASlowCellIsSentWhileItRuns() throws Exception {
        // The cell prints, then waits; the interrupt is sent once the print has arrived, so only a
        // kernel that sends output during the cell (not just at its end) gets interrupted in time.
        CellResult cell = kernel.executeAndInterruptOn(
                "System.out.println(\"started\");\nThread.sleep(20_000);", "started", 30);
        assertEquals("started\n", cell.stdout());
        assertEquals("error", cell.status(), cell.toString());
        assertTrue(cell.stoppedAfter().orElseThrow() < 5, cell.toString());
    }
}
