package laai.kernel;

import java.nio.file.Files;
import java.nio.file.Path;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/** Entry point named in kernel.json: {@code KernelMain <connection file>}. */
public final class KernelMain {

    private KernelMain() {
    }

    public static void main(String[] args) throws Exception {
        // DJL reads this when its classes initialise; notebooks must never trigger a download.
        System.setProperty("ai.djl.offline", "true");
        // Charts render off-screen; an unreachable DISPLAY would otherwise fail every chart.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        if (args.length != 1) {
            System.err.println("usage: java laai.kernel.KernelMain <connection file>");
            System.exit(2);
        }

        // Before any notebook code runs: a cell's System.exit would end the session.
        ExitGuard.install(System.err);

        KernelConnectionProperties properties = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
        JupyterConnection connection = new JupyterConnection(properties);

        // Built and started here, before connect(): the channel threads then inherit JShell's loader
        // as their context loader, and extensions may evaluate code before the first request.
        LaaiKernel kernel = LaaiKernel.builder().build();
        kernel.onStartup();
        kernel.becomeHandlerForConnection(connection);
        // A PUB socket drops what exceeds its send queue (1,000 messages by default), and a dropped
        // idle status leaves the client waiting forever. Output is batched (see OutputCoalescer),
        // but a cell may still publish displays faster than a client reads: never drop. Set before
        // connect(), because the queue of each subscriber takes the value when it connects.
        connection.getIOPub().setSndHWM(0);

        connection.connect();
        connection.waitUntilClose();
        // Abandoned snippet threads or user threads must not keep a closed kernel alive.
        ExitGuard.exitKernel(0);
    }
}
