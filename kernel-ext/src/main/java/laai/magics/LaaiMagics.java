package laai.magics;

import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;

import laai.kernel.LaaiKernel;
import laai.kernel.render.DefaultRenderers;

/**
 * The laai magics as a jjava extension, listed in {@code META-INF/services}: our kernel installs
 * it at startup, and a user's JJava does too once the jars are on its classpath
 * ({@code JJAVA_CLASSPATH} or {@code %classpath}). For IJava see {@link Laai#registerWithIJava()}.
 */
public final class LaaiMagics implements Extension {

    @Override
    public void install(BaseKernel kernel) {
        if (!(kernel instanceof LaaiKernel)) {
            // Our kernel has these renderers already; another jjava kernel shows tables and charts
            // only as text without them.
            DefaultRenderers.registerAll(kernel.getRenderer());
        }
        Host host = new JJavaHost(kernel);
        MagicsRegistry registry = kernel.getMagicsRegistry();
        for (MagicCommand command : MagicCommands.all()) {
            registry.registerLineMagic(command.syntax().name(),
                    (LineMagic<Object, BaseKernel>) (k, args) -> MagicDispatcher.run(command, args, host));
        }
        // What Java cells next to the magics use: the session, and the engine's tables and plots.
        // A convenience only: the magics work without it, so a kernel that refuses it still gets them.
        try {
            kernel.evalRaw("import laai.magics.Laai;\nimport laai.magics.ResultCharts;\n"
                    + "import laai.report.Plots;\nimport laai.report.ResultTables;");
        } catch (RuntimeException e) {
            System.err.println("laai magics: could not add the default imports: " + e.getMessage());
        }
    }

    @Override
    public void uninstall(BaseKernel kernel) {
        Laai.session().unload();
    }
}
