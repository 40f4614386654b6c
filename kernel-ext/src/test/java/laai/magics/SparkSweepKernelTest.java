package laai.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import laai.kernel.CellResult;
import laai.kernel.KernelSession;
import laai.kernel.RequiresJupyter;
import static laai.kernel.CellResult.ok;

/**
 * {@code %sweep --spark local[2]} through the real kernel, which loads the spark module's jars
 * (spark/target, built before this module by the reactor) into a class loader of their own: the
 * same rows bit for bit as the in-process {@code %sweep}, the same Δs, a progress bar over the
 * groups, and no Spark on the kernel's own classpath. Bad input is one message and keeps the
 * session.
 */
@RequiresJupyter
@RequiresModel
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class SparkSweepKernelTest {

    /** Two layers (two groups of one Δ) and one group of baselines, two steps, two test pairs: a tiny sweep. */
    private static final String SWEEP = "%sweep --task antonym --layers 0,1 --train 2 --test 2 --shots 1 --steps 2";

    private static KernelSession kernel;

    @BeforeAll
    static void startKernelAndLoadTheModel() throws Exception {
        Path sparkJar = TestModel.repository().resolve("spark/target/laai-spark.jar");
        Assumptions.assumeTrue(Files.isRegularFile(sparkJar), sparkJar + " is not built (mvn -B -q -DskipTests package "
                + "from the repository root builds it before this module); skipping the %sweep --spark tests");
        kernel = KernelSession.start();
        cell("String MODEL = \"" + TestModel.path().toString().replace("\\", "\\\\") + "\";");
        ok(kernel.executeWithin("%model load {MODEL}", 300));
        // Every column but the wall-clock seconds, and every Δ's values, as exact decimal strings.
        cell("String rowsWithoutSeconds() { StringBuilder s = new StringBuilder(); "
                + "for (var r : Laai.session().lastRows()) { var v = new ArrayList<Object>(List.of(r.values())); "
                + "v.remove(v.size() - 1); s.append(v).append('\\n'); } return s.toString(); }");
        cell("String sweptDeltas() { StringBuilder s = new StringBuilder(); "
                + "Laai.session().lastSweep().deltas().forEach((k, d) -> s.append(k).append(' ')"
                + ".append(Arrays.toString(d.values())).append('\\n')); return s.toString(); }");
        cell("boolean sparkVisible() { try { Class.forName(\"org.apache.spark.SparkConf\"); return true; } "
                + "catch (ClassNotFoundException e) { return false; } }");
    }

    @AfterAll
    static void stopKernel() throws Exception {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void sparkLocalGivesTheInProcessTableBitForBit() throws Exception {
        ok(kernel.executeWithin(SWEEP, 600));
        String inProcess = cell("rowsWithoutSeconds()").plain();
        String deltasInProcess = cell("sweptDeltas()").plain();
        assertEquals(4, inProcess.split("\n").length, "two baselines and two Δs: " + inProcess);
        assertTrue(inProcess.contains("delta"), inProcess);
        assertEquals("false", cell("sparkVisible()").plain(), "the kernel carries no Spark before --spark");

        CellResult spark = ok(kernel.executeWithin(SWEEP + " --spark local[2]", 600));
        assertTrue(spark.result("image/png").orElseThrow().length() > 1000, "the per-layer plot: " + spark);
        assertTrue(spark.outputs("display_data").stream().anyMatch(d -> d.toString().contains("on Spark (local[2])")
                && d.toString().contains("<caption>")), "the table: " + spark);
        assertTrue(spark.outputs("update_display_data").stream().anyMatch(d -> d.toString().contains("3/3 groups")),
                "a progress bar over the groups: " + spark);
        assertEquals(inProcess, cell("rowsWithoutSeconds()").plain());
        assertEquals(deltasInProcess, cell("sweptDeltas()").plain());
        assertEquals("false", cell("sparkVisible()").plain(), "Spark stays in its own class loader");
    }

    @Test
    void badInputIsOneMessageAndKeepsTheSession() throws Exception {
        String rowsBefore = cell("Laai.session().allRows().size()").plain();
        // The spark module's jars absent: one message that says how to build them.
        cell("System.setProperty(\"laai.spark.dir\", \""
                + TestModel.repository().resolve("target/no-spark-here") + "\")");
        fails("%sweep --task antonym --layers 1 --steps 2 --test 2 --train 2 --spark local[2]",
                "--spark needs the spark module's jars", rowsBefore);
        fails("%sweep --task antonym --layers 1 --spark local[2]", "mvn -B -q -DskipTests package", rowsBefore);
        cell("System.clearProperty(\"laai.spark.dir\")");

        fails("%sweep --task antonym --layers 1 --steps 2 --test 2 --train 2 --spark no-such-master",
                "Could not parse Master URL: 'no-such-master'", rowsBefore);
        // A malformed sweep fails as the in-process one does, before Spark starts.
        fails("%sweep --task antonym --layers 9 --spark local[2]", "layer 9 out of range", rowsBefore);
        fails("%sweep --task no-such-task --layers 1 --spark local[2]", "no task 'no-such-task'", rowsBefore);
        fails("%sweep --task antonym --layers 1 --select --spark local[2]", "--select runs in this process only", rowsBefore);
    }

    /** A cell that must succeed; generous time, as the machine may be shared with long training runs. */
    private static CellResult cell(String code) throws Exception {
        return ok(kernel.executeWithin(code, 120));
    }

    /** The cell fails with one message naming {@code expected}; the model and the results stay. */
    private static void fails(String code, String expected, String rowsBefore) throws Exception {
        CellResult result = kernel.executeWithin(code, 300);
        assertEquals("error", result.status(), code + " → " + result);
        String traceback = result.traceback();
        assertTrue(traceback.contains(expected), code + " → " + traceback);
        assertFalse(traceback.contains("\tat ") || traceback.contains(" at laai."),
                "one message, no stack trace: " + code + " → " + traceback);
        assertEquals("true", cell("Laai.session().hasModel()").plain(), "after " + code);
        assertEquals(rowsBefore, cell("Laai.session().allRows().size()").plain(), "after " + code);
    }
}
