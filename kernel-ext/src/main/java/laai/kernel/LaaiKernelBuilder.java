package laai.kernel;

import java.util.ArrayList;
import java.util.List;

import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicTranspiler;

import laai.kernel.eval.CellEvaluator;

/** Builds a {@link LaaiKernel}; build it on the thread that will connect it (see CellEvaluator#start). */
public final class LaaiKernelBuilder extends BaseKernelBuilder<LaaiKernelBuilder, LaaiKernel> {

    /** A line magic starts a line or follows {@code =} ({@code var t = %table a b}). */
    static final String LINE_MAGIC_START = "(?<=(?:^|=))\\s*%";
    static final String CELL_MAGIC_START = "%%";

    private final List<String> compilerOptions = new ArrayList<>();

    LaaiKernelBuilder() {
    }

    /** Options for JShell's compiler, e.g. {@code -parameters}. */
    public LaaiKernelBuilder compilerOption(String option) {
        compilerOptions.add(option);
        return this;
    }

    @Override
    public LaaiKernel build() {
        MagicTranspiler transpiler = buildMagicTranspiler();
        MagicParser parser = magicParser != null
                ? magicParser
                : new MagicParser(LINE_MAGIC_START, CELL_MAGIC_START, transpiler);
        return new LaaiKernel(
                name != null ? name : "laai",
                version != null ? version : implementationVersion(),
                languageInfo(),
                List.of(),
                buildHistoryManager(),
                buildJupyterIO(buildJupyterIOEncoding()),
                buildCommManager(),
                buildRenderer(),
                parser,
                buildMagicsRegistry(),
                buildExtensionsEnabled(),
                buildErrorStyler(),
                CellEvaluator.start(compilerOptions));
    }

    @Override
    protected MagicTranspiler buildMagicTranspiler() {
        return magicTranspiler != null ? magicTranspiler : new ValueMagicTranspiler();
    }

    private static LanguageInfo languageInfo() {
        return new LanguageInfo.Builder("java")
                .version(Runtime.version().toString())
                .mimetype("text/x-java-source")
                .fileExtension(".jshell")
                .pygments("java")
                .codemirror("java")
                .build();
    }

    private static String implementationVersion() {
        String version = LaaiKernel.class.getPackage().getImplementationVersion();
        return version != null ? version : "dev";
    }
}
