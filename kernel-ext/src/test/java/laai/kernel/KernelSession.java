package laai.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * One real kernel, started by jupyter_client (KernelManager / BlockingKernelClient) in a Python
 * driver process, spoken to over the Jupyter protocol. One per test class: starting a kernel costs
 * about a second, a cell a few milliseconds.
 */
public final class KernelSession implements AutoCloseable {

    private final Process driver;
    private final BufferedReader answers;
    private final Writer requests;

    private KernelSession(Process driver) {
        this.driver = driver;
        this.answers = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8));
        this.requests = new OutputStreamWriter(driver.getOutputStream(), StandardCharsets.UTF_8);
    }

    public static KernelSession start() throws Exception {
        return start(JupyterTools.KERNEL_NAME);
    }

    /** Starts the kernelspec {@code kernelName} from the tests' Jupyter path (see {@link InstalledKernel}). */
    public static KernelSession start(String kernelName) throws Exception {
        Path jupyterPath = InstalledKernel.jupyterPath();
        Path script = JupyterTools.workDir().resolve("kernel_driver.py");
        try (var in = KernelSession.class.getResourceAsStream("kernel_driver.py")) {
            Files.write(script, in.readAllBytes());
        }
        ProcessBuilder pb = new ProcessBuilder(JupyterTools.PYTHON.toString(), script.toString(), kernelName)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        JupyterTools.configure(pb.environment(), jupyterPath);
        KernelSession session = new KernelSession(pb.start());
        JsonObject hello = session.read();
        if (!hello.has("ready")) {
            session.close();
            throw new IllegalStateException("kernel did not start: " + hello);
        }
        return session;
    }

    public CellResult execute(String code) throws IOException {
        return execute(code, 0);
    }

    /** Executes {@code code}, sending an interrupt_request after {@code interruptAfterSeconds} if > 0. */
    public CellResult execute(String code, double interruptAfterSeconds) throws IOException {
        return execute(code, interruptAfterSeconds, 0, 30);
    }

    /**
     * Executes {@code code}, waiting at most {@code timeoutSeconds} for the kernel to go idle
     * (a cell that never reaches idle comes back {@link CellResult#timedOut()}).
     */
    public CellResult executeWithin(String code, int timeoutSeconds) throws IOException {
        return execute(code, 0, 0, timeoutSeconds);
    }

    /** As {@link #execute(String, double)}, and a second interrupt {@code againAfterSeconds} after the first if > 0. */
    public CellResult execute(String code, double interruptAfterSeconds, double againAfterSeconds) throws IOException {
        return execute(code, interruptAfterSeconds, againAfterSeconds, 30);
    }

    private CellResult execute(String code, double interruptAfterSeconds, double againAfterSeconds, int timeoutSeconds)
            throws IOException {
        JsonObject request = new JsonObject();
        request.addProperty("op", "execute");
        request.addProperty("code", code);
        request.addProperty("timeout", timeoutSeconds);
        if (interruptAfterSeconds > 0) {
            request.addProperty("interrupt_after", interruptAfterSeconds);
        }
        if (againAfterSeconds > 0) {
            request.addProperty("interrupt_again_after", againAfterSeconds);
        }
        send(request);
        return new CellResult(read());
    }

    /**
     * Executes {@code code} and sends an interrupt_request as soon as one of its outputs matches the
     * Python regular expression {@code pattern} (e.g. a progress bar past "step 3/");
     * {@link CellResult#stoppedAfter()} then tells how long the kernel took to stop.
     */
    public CellResult executeAndInterruptOn(String code, String pattern, int timeoutSeconds) throws IOException {
        return executeAndInterruptOn(code, pattern, 0, timeoutSeconds);
    }

    /** As {@link #executeAndInterruptOn(String, String, int)}, interrupting {@code delaySeconds} after the match. */
    public CellResult executeAndInterruptOn(String code, String pattern, double delaySeconds, int timeoutSeconds)
            throws IOException {
        JsonObject request = new JsonObject();
        request.addProperty("op", "execute");
        request.addProperty("code", code);
        request.addProperty("timeout", timeoutSeconds);
        request.addProperty("interrupt_on", pattern);
        request.addProperty("interrupt_delay", delaySeconds);
        send(request);
        return new CellResult(read());
    }

    /** Sends an interrupt_request while no cell runs (a second interrupt, after the cell's own). */
    public void interrupt() throws IOException {
        JsonObject request = new JsonObject();
        request.addProperty("op", "interrupt");
        send(request);
        read();
    }

    /** The complete_reply content for the cursor at the end of {@code code}. */
    JsonObject complete(String code) throws IOException {
        JsonObject request = new JsonObject();
        request.addProperty("op", "complete");
        request.addProperty("code", code);
        request.addProperty("cursor", code.length());
        send(request);
        return read();
    }

    /** The is_complete_reply content. */
    JsonObject isComplete(String code) throws IOException {
        JsonObject request = new JsonObject();
        request.addProperty("op", "is_complete");
        request.addProperty("code", code);
        send(request);
        return read();
    }

    private void send(JsonObject request) throws IOException {
        requests.write(request + "\n");
        requests.flush();
    }

    private JsonObject read() throws IOException {
        String line = answers.readLine();
        if (line == null) {
            throw new IOException("kernel driver exited");
        }
        return JsonParser.parseString(line).getAsJsonObject();
    }

    @Override
    public void close() throws Exception {
        try {
            JsonObject shutdown = new JsonObject();
            shutdown.addProperty("op", "shutdown");
            send(shutdown);
        } catch (IOException ignored) {
            // the driver is gone already
        }
        if (!driver.waitFor(20, TimeUnit.SECONDS)) {
            driver.destroyForcibly();
        }
    }
}
