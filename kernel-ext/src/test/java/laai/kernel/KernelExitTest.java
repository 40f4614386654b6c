package laai.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cell that exits the JVM would end the kernel and the session's model and results with it; the
 * kernel refuses and goes on. Its own kernel: without the guard, the first of these kills it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@RequiresJupyter
class KernelExitTest {

    private static KernelSession kernel;

    @BeforeAll
    static void startKernel() throws Exception {
        kernel = KernelSession.start();
        assertEquals("ok", kernel.execute("int x = 41;").status());
    }

    @AfterAll
    static void stopKernel() throws Exception {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void systemExitIsRefusedAndTheStateSurvives() throws Exception {
        assertRefused(kernel.execute("System.exit(0);"));
        assertEquals("42", kernel.execute("x + 1").plain());
    }

    @Test
    void haltIsRefusedAndTheStateSurvives() throws Exception {
        assertRefused(kernel.execute("Runtime.getRuntime().halt(0);"));
        assertEquals("42", kernel.execute("x + 1").plain());
    }

    @Test
    void exitFromAThreadTheCellStartedIsRefusedToo() throws Exception {
        CellResult cell = kernel.execute("Thread quitter = new Thread(() -> System.exit(3));\n"
                + "quitter.start();\nquitter.join();");
        assertEquals("ok", cell.status(), cell.toString());
        assertTrue(cell.stderr().contains("refused"), "the thread's uncaught exception says why: " + cell);
        assertEquals("42", kernel.execute("x + 1").plain());
    }

    private static void assertRefused(CellResult cell) {
        assertFalse(cell.timedOut(), "the kernel died: " + cell);
        assertEquals("error", cell.status(), cell.toString());
        String trace = cell.traceback();
        assertTrue(trace.contains("refused"), trace);
        assertTrue(trace.contains("restart the kernel from Jupyter"), trace);
    }
}
