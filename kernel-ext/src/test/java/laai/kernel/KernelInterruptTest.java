package laai.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Code that ignores interrupts entirely. Its own kernel, because the abandoned loop keeps a core
 * busy until the kernel exits.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@RequiresJupyter
class KernelInterruptTest {

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
    void loopIgnoringInterruptsIsAbandonedAndTheKernelGoesOn() throws Exception {
        kernel.execute("int before = 1;");
        CellResult cell = kernel.execute("while (true) { }", 1.0);
        assertEquals("error", cell.status(), cell.toString());
        assertTrue(cell.traceback().contains("abandoned thread"), cell.traceback());
        assertEquals("2", kernel.execute("before + 1").plain());
        assertEquals("true", kernel.execute("Thread.currentThread().getName().startsWith(\"laai-snippet-\")").plain());
    }
}
