package laai.cli;

import laai.intervention.Delta;
import laai.model.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ctrl-C of the long commands, as a terminal sends it: each runs as its own JVM on the demo model
 * and gets a real SIGINT ({@code kill -INT}) mid-run. It must stop at the next step or batch,
 * print the rows it finished (exactly those its progress announced), save the Δ trained so far
 * where --save was given, and exit with 130.
 */
class CliInterruptTest {

    @TempDir
    Path tmp;

    private static final Pattern ROW_FINISHED = Pattern.compile("row finished: (\\S+) on ");

    record Outcome(int exit, String out, String err, double secondsAfterSigint) {
        /** The methods of the printed table's rows, in order. */
        List<String> printedMethods() {
            List<String> methods = new ArrayList<>();
            String[] lines = out.split("\\R");
            for (int i = 1; i < lines.length; i++) { // line 0 is the header
                if (!lines[i].isBlank()) methods.add(lines[i].trim().split("\\s+")[0]);
            }
            return methods;
        }

        /** The rows the progress lines on stderr announced as finished, in order. */
        List<String> announcedMethods() {
            List<String> methods = new ArrayList<>();
            Matcher m = ROW_FINISHED.matcher(err);
            while (m.find()) methods.add(m.group(1));
            return methods;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    @Test
    void interveneStopsDuringTrainingPrintsTheBaselinesAndSavesTheDeltaSoFar() throws Exception {
        Path save = tmp.resolve("so-far.safetensors");
        Outcome o = interruptWhen(Pattern.compile("step [1-9][0-9]+/1000000"), "intervene", "--task", "antonym",
                "--layer", "1", "--steps", "1000000", "--patience", "1000000", "--test", "10", "--shots", "2",
                "--save", save.toString());
        assertEquals(Stopped.EXIT_STATUS, o.exit(), o.toString());
        assertEquals(List.of("zero-shot", "few-shot"), o.printedMethods(), o.toString());
        assertTrue(o.err().contains("laai: interrupted during training; 2 rows finished; the Δ trained so far saved to "),
                o.toString());
        Delta saved = Delta.load(save);
        assertTrue(saved.metadata().get("stop_reason").startsWith("interrupted before step"), saved.metadata().toString());
        assertTrue(o.secondsAfterSigint() < 15, "exited " + o.secondsAfterSigint() + " s after SIGINT");
    }

    @Test
    void sweepStopsDuringEvaluationAndPrintsTheRowsFinished() throws Exception {
        Outcome o = interruptWhen(ROW_FINISHED, "sweep", "--task", "antonym", "--layers", "0-1", "--steps", "5",
                "--test", "40", "--shots", "5");
        assertStoppedWithTheAnnouncedRows(o, 4);
    }

    @Test
    void composeStopsDuringEvaluationAndPrintsTheRowsFinished() throws Exception {
        Outcome o = interruptWhen(ROW_FINISHED, "compose", "antonym", "english-french", "--layer", "1",
                "--steps", "5", "--test", "40");
        assertStoppedWithTheAnnouncedRows(o, 3);
    }

    @Test
    void tableStopsAndPrintsTheRowsFinished() throws Exception {
        Outcome o = interruptWhen(ROW_FINISHED, "table", "--layers", "1", "--steps", "5", "--test", "20");
        assertStoppedWithTheAnnouncedRows(o, 30);
    }

    private static void assertStoppedWithTheAnnouncedRows(Outcome o, int allRows) {
        assertEquals(Stopped.EXIT_STATUS, o.exit(), o.toString());
        List<String> printed = o.printedMethods();
        assertFalse(printed.isEmpty(), o.toString());
        assertTrue(printed.size() < allRows, "stopped before the end: " + o);
        assertEquals(o.announcedMethods(), printed, o.toString());
        assertTrue(o.err().contains("laai: interrupted during "), o.toString());
        assertTrue(o.secondsAfterSigint() < 15, "exited " + o.secondsAfterSigint() + " s after SIGINT");
    }

    /** Runs {@code laai.cli.Main args} on the demo model in its own JVM; SIGINT once stderr matches {@code when}. */
    private static Outcome interruptWhen(Pattern when, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        // A JVM leaves SIGINT alone when it starts with SIGINT ignored (a background job of a
        // script); make sure this one gets the terminal's default.
        if (envResetsSignals()) command.addAll(List.of("/usr/bin/env", "--default-signal=INT"));
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dlaai.repo=" + Fixtures.repo(), "-cp", System.getProperty("java.class.path"),
                "laai.cli.Main"));
        command.addAll(List.of(args));
        command.addAll(List.of("--model", Fixtures.demoModel().toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("OPT_OUT_TRACKING", "true");
        Process p = pb.start();
        Collector out = new Collector(p.getInputStream()), err = new Collector(p.getErrorStream());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (!when.matcher(err.text()).find()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("never reached " + when + ":\n" + err.text() + out.text());
            }
            Thread.sleep(20);
        }
        long t0 = System.nanoTime();
        assertEquals(0, new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("still running 60 s after SIGINT:\n" + err.text());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.join();
        err.join();
        return new Outcome(p.exitValue(), out.text(), err.text(), seconds);
    }

    private static boolean envResetsSignals() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/env"))) return false;
        Process p = new ProcessBuilder("/usr/bin/env", "--default-signal=INT", "true").start();
        return p.waitFor() == 0;
    }

    /** Reads a stream as it comes (the progress bar writes no newlines). */
    private static final class Collector extends Thread {
        private final Reader in;
        private final StringBuilder text = new StringBuilder();

        Collector(InputStream in) {
            this.in = new InputStreamReader(in, StandardCharsets.UTF_8);
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            char[] buffer = new char[4096];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    synchronized (text) {
                        text.append(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }
    }
}
