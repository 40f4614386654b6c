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
 * Code that ignores interrupts entirely: reported with its thread's name after the grace period,
 * given up (it can no longer change the session), and stopped by a second interrupt or by
 * {@code %reset-thread}. Its own kernel, since these cells stop threads by force.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
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
    void loopIgnoringInterruptsIsReportedByNameAndASecondInterruptStopsIt() throws Exception {
        kernel.execute("int before = 1;");
        String runaway = kernel.execute("Thread.currentThread().getName()").plain();
        long t0 = System.nanoTime();
        CellResult cell = kernel.execute("while (true) { }", 1.0);
        double seconds = (System.nanoTime() - t0) / 1e9 - 1.0;
        assertEquals("error", cell.status(), cell.toString());
        assertTrue(cell.traceback().contains("abandoned thread " + runaway), cell.traceback());
        assertTrue(cell.traceback().contains("Interrupt again, or run %reset-thread, to stop it"), cell.traceback());
        assertTrue(seconds < 2.5, "answered " + seconds + " s after the interrupt");
        assertEquals("2", kernel.execute("before + 1").plain());
        assertEquals("true", kernel.execute("Thread.currentThread().getName().startsWith(\"laai-snippet-\")").plain());
        assertEquals("true", alive(runaway), "the loop runs on until stopped");

        kernel.interrupt(); // the second interrupt, while no cell runs
        assertEquals("false", waitUntilGone(runaway), "the second interrupt stops the loop");
    }

    @Test
    void aSecondInterruptWithinTheGracePeriodStopsTheLoopAtOnce() throws Exception {
        String runaway = kernel.execute("Thread.currentThread().getName()").plain();
        long t0 = System.nanoTime();
        CellResult cell = kernel.execute("while (true) { }", 1.0, 0.3);
        double seconds = (System.nanoTime() - t0) / 1e9 - 1.0;
        assertTrue(cell.traceback().startsWith("Interrupted twice."), cell.traceback());
        assertTrue(cell.traceback().contains("its thread " + runaway + " was stopped"), cell.traceback());
        assertTrue(seconds < 1.5, "answered " + seconds + " s after the first interrupt");
        assertEquals("false", alive(runaway));
        assertEquals("5", kernel.execute("2 + 3").plain());
    }

    @Test
    void resetThreadStopsALoopIgnoringInterrupts() throws Exception {
        String runaway = kernel.execute("Thread.currentThread().getName()").plain();
        CellResult cell = kernel.execute("{ long spins = 0; while (true) { spins++; } }", 1.0);
        assertTrue(cell.traceback().contains("abandoned thread " + runaway), cell.traceback());
        CellResult reset = kernel.execute("%reset-thread");
        assertEquals("ok", reset.status(), reset.toString());
        assertTrue(reset.plain().contains(runaway + " stopped"), reset.plain());
        assertEquals("false", alive(runaway));
        assertTrue(kernel.execute("%reset-thread").plain().contains("no thread to stop"));
    }

    @Test
    void anAbandonedCellCannotChangeTheSessionOrShowOutputLater() throws Exception {
        // Ignores the interrupt for 4 s, then tries to show something and to keep a Δ: the interrupt
        // was reported a second before, and another cell runs meanwhile. One snippet (a block), so
        // that the interrupt cannot land between the compilation of two.
        CellResult cell = kernel.execute("{ long end = System.nanoTime() + 4_000_000_000L;\n"
                + "while (System.nanoTime() < end) { }\n"
                + "LiveDisplay.show(\"<b>late</b>\");\n"
                + "laai.magics.Laai.session().putDelta(\"late\", new laai.intervention.Delta(new float[] {1, 2}, 0, "
                + "laai.model.Site.HEADS, 1, Map.of())); }", 1.5);
        assertEquals("error", cell.status(), cell.toString());
        assertTrue(cell.traceback().contains("abandoned thread"), cell.traceback());
        CellResult next = kernel.execute("Thread.sleep(4_000); 7");
        assertEquals("7", next.plain());
        assertEquals(0, next.outputs("display_data").size(), "nothing of the abandoned cell shows here: " + next);
        assertEquals("false", kernel.execute("laai.magics.Laai.session().deltas().containsKey(\"late\")").plain());
    }

    private static String alive(String thread) throws Exception {
        return kernel.execute("Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(\""
                + thread + "\"))").plain();
    }

    private static String waitUntilGone(String thread) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String alive;
        do {
            alive = alive(thread);
        } while (alive.equals("true") && System.nanoTime() < deadline);
        return alive;
    }
}
