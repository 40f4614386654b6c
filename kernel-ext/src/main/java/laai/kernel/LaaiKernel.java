package laai.kernel;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;

import laai.kernel.eval.CellEvaluator;
import laai.kernel.eval.CellFailure;
import laai.kernel.output.OutputCoalescer;
import laai.kernel.render.DefaultRenderers;

/**
 * The laai Jupyter kernel: Java cells run in this JVM through JShell, so notebook code, magics and
 * extensions share classes and static state.
 *
 * <p>Extensions ({@link Extension}, listed in {@code META-INF/services/org.dflib.jjava.jupyter.Extension})
 * are installed at startup; they register magics on {@link #getMagicsRegistry()} and renderers on
 * {@link #getRenderer()}. Code running in a cell or magic reaches the kernel with {@link #instance()}.
 */
public final class LaaiKernel extends BaseKernel {

    /** Evaluated before extensions are installed, so their snippets can rely on these too. */
    public static final List<String> DEFAULT_IMPORTS = List.of(
            "import java.util.*;",
            "import java.util.stream.*;",
            "import java.nio.file.*;",
            "import static org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.display;",
            "import static org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.render;",
            "import static org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.updateDisplay;",
            "import static org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.lineMagic;",
            "import static org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.cellMagic;",
            "import laai.kernel.LiveDisplay;",
            "import laai.kernel.ProgressBar;");

    private static final String RESET_THREAD_HELP = String.join(System.lineSeparator(),
            "usage: %reset-thread",
            "",
            "Stops the threads of earlier cells whose code ignored an interrupt (the interrupt's message",
            "names them, laai-snippet-N), as a second interrupt does, and says whether each stopped.");

    private final CellEvaluator evaluator;
    private final CodeAssistant assistant;
    /** Between requests, output goes to the kernel process's own streams: its log. */
    private final OutputCoalescer output = new OutputCoalescer(System.out, System.err);

    LaaiKernel(String name, String version, LanguageInfo languageInfo, List<HelpLink> helpLinks,
               HistoryManager historyManager, JupyterIO io, CommManager commManager, Renderer renderer,
               MagicParser magicParser, MagicsRegistry magicsRegistry, boolean extensionsEnabled,
               StringStyler errorStyler, CellEvaluator evaluator) {
        super(name, version, languageInfo, helpLinks, historyManager, io, commManager, renderer, magicParser,
                magicsRegistry, extensionsEnabled, errorStyler);
        this.evaluator = evaluator;
        this.assistant = new CodeAssistant(evaluator.analysis(), magicsRegistry);
        DefaultRenderers.registerAll(renderer);
    }

    public static LaaiKernelBuilder builder() {
        return new LaaiKernelBuilder();
    }

    /** The running kernel, for code in cells, magics and extensions. */
    public static LaaiKernel instance() {
        BaseKernel kernel = notebookKernel();
        if (!(kernel instanceof LaaiKernel)) {
            throw new IllegalStateException("The running kernel is not a laai kernel: " + kernel.getBanner());
        }
        return (LaaiKernel) kernel;
    }

    @Override
    public void onStartup() {
        installNotebookKernel();
        getMagicsRegistry().registerLineMagic("reset-thread",
                (LineMagic<String, BaseKernel>) (kernel, args) -> args.isEmpty() ? resetThreads() : RESET_THREAD_HELP);
        evaluator.eval(String.join("\n", DEFAULT_IMPORTS));
        if (extensionsEnabled) {
            installDefaultExtensions();
        }
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        try {
            super.onShutdown(isRestarting);
        } finally {
            output.close();
            evaluator.close();
        }
    }

    /**
     * System.out and System.err of a request print into the {@link OutputCoalescer} rather than
     * jjava's streams, which send one message per line. Everything printed is sent before the
     * request's idle status: the deferred actions run after the reply and before idle.
     */
    @Override
    protected void replaceOutputStreams(ShellReplyEnvironment env) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        output.attach((stream, text) -> publishDirectly(env, new PublishStream(
                stream == OutputCoalescer.Stream.STDOUT ? PublishStream.StreamType.OUT : PublishStream.StreamType.ERR,
                text)));
        System.setOut(output.out());
        System.setErr(output.err());
        System.setIn(io.in);
        env.defer(() -> {
            output.detach();
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        });
    }

    /**
     * Sends on the iopub socket itself: {@code env.publish} consults the environment's defer flag,
     * which the Shell thread sets just before the reply, and a batch sent from the output thread
     * at that moment would take the reply's place in the deferred queue.
     */
    private static void publishDirectly(ShellReplyEnvironment env, PublishStream content) {
        env.getIopub().sendMessage(new Message<>(env.getContext(), content.getType(), content));
    }

    /** Output printed before a display is shown comes before it, as in Jupyter's own kernels. */
    @Override
    public void display(DisplayData data) {
        output.flush();
        super.display(data);
    }

    /**
     * Evaluates a cell's source (magics included) and returns the last expression's value. Safe to
     * call from a magic or from cell code: such nested calls run inline on the cell's thread.
     */
    @Override
    public Object evalRaw(String source) {
        return evaluator.eval(magicParser.resolveMagics(source));
    }

    /** The Shell thread's entry point: nothing thrown from here may be an {@code Error}. */
    @Override
    public DisplayData eval(String source) {
        try {
            Object value = evalRaw(source);
            return value == null ? null : render(value);
        } catch (Error e) {
            throw new KernelFailure("The kernel failed while evaluating the cell", e);
        } finally {
            // Everything the cell printed, a trailing print() without newline included, goes out
            // before its result or error.
            System.out.flush();
            System.err.flush();
            output.flush();
        }
    }

    private DisplayData render(Object value) {
        try {
            // Renderers call into user objects (toString, a chart's paint), so they get the same thread.
            return evaluator.onExecutor(() -> value instanceof DisplayData ? (DisplayData) value : renderer.render(value));
        } catch (CellFailure e) {
            throw e;
        } catch (ExecutionException e) {
            throw new KernelFailure("Could not display a " + value.getClass().getName(), e.getCause());
        } catch (Exception e) {
            throw new KernelFailure("Could not display a " + value.getClass().getName(), e);
        }
    }

    /**
     * Stops the running cell; the next cell runs normally. Called on the Control thread. A cell
     * whose code ignores the interrupt is reported after a grace period and left running on its
     * own thread; the next interrupt stops that thread.
     */
    @Override
    public void interrupt() {
        evaluator.interrupt();
    }

    /**
     * {@code %reset-thread}: stops the threads of earlier cells that ignored their interrupt (the
     * interrupt's message names them), as a second interrupt does.
     */
    public String resetThreads() throws InterruptedException {
        List<String> stopped = evaluator.stopAbandonedThreads();
        return stopped.isEmpty() ? "no thread to stop: every interrupted cell has ended" : String.join("\n", stopped);
    }

    /**
     * Adds jars or directories ({@link java.io.File#pathSeparator}-separated) to the notebook's
     * classpath, then installs any extensions they declare.
     */
    public void addToClasspath(String paths) {
        for (String path : paths.split(java.io.File.pathSeparator)) {
            if (!path.isBlank()) {
                evaluator.addToClasspath(path);
            }
        }
        installExtensions(paths);
    }

    /** Notebook code's loader: extensions must be found through it, or renderer keys won't match. */
    @Override
    protected ClassLoader getClassLoader() {
        return evaluator.snippetLoader();
    }

    /** One broken extension must not keep the kernel (and the other extensions) from starting. */
    @Override
    protected void installExtensions(ClassLoader classLoader) {
        for (ServiceLoader.Provider<Extension> provider : providers(classLoader)) {
            try {
                installExtension(provider.get());
            } catch (RuntimeException | LinkageError | java.util.ServiceConfigurationError e) {
                System.err.println("laai kernel: extension " + provider.type().getName() + " failed to install: " + e);
            }
        }
    }

    private static List<ServiceLoader.Provider<Extension>> providers(ClassLoader classLoader) {
        List<ServiceLoader.Provider<Extension>> providers = new ArrayList<>();
        var iterator = ServiceLoader.load(Extension.class, classLoader).stream().iterator();
        while (true) {
            try {
                if (!iterator.hasNext()) {
                    return providers;
                }
                providers.add(iterator.next());
            } catch (java.util.ServiceConfigurationError e) {
                System.err.println("laai kernel: skipping an extension: " + e.getMessage());
            }
        }
    }

    @Override
    public List<String> formatError(Throwable e) {
        try {
            if (e instanceof CellFailure) {
                List<String> report = ((CellFailure) e).report();
                List<String> lines = new ArrayList<>(report.size());
                for (int i = 0; i < report.size(); i++) {
                    lines.add(i == 0 ? errorStyler.secondary(report.get(i)) : report.get(i));
                }
                return lines;
            }
            return super.formatError(e);
        } catch (RuntimeException | Error fatal) {
            return List.of(String.valueOf(e));
        }
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        return shielded(() -> assistant.complete(code, at), null);
    }

    @Override
    public String isComplete(String code) {
        return shielded(() -> assistant.isComplete(code), IS_COMPLETE_MAYBE);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        return shielded(() -> assistant.inspect(code, at, extraDetail), null);
    }

    /** These run on the Shell thread too; a failed completion must not cost the kernel. */
    private static <T> T shielded(Supplier<T> action, T fallback) {
        try {
            return action.get();
        } catch (RuntimeException | Error e) {
            return fallback;
        }
    }
}
