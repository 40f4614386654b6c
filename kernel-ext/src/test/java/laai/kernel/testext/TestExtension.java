package laai.kernel.testext;

import java.util.List;
import java.util.Map;

import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.dflib.jjava.jupyter.kernel.magic.CellMagic;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;
import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import laai.kernel.LaaiKernel;
import laai.kernel.MagicUsage;
import laai.kernel.ProgressBar;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Magics for the protocol tests, installed through META-INF/services exactly as the engine's
 * extension will be.
 */
public final class TestExtension implements Extension {

    private static final MagicsArgs COUNTER_ARGS = MagicsArgs.builder()
            .keyword("by").onlyKnownKeywords().onlyKnownFlags().build();

    @Override
    public void install(BaseKernel kernel) {
        MagicsRegistry magics = kernel.getMagicsRegistry();
        magics.registerLineMagic("counter", (LineMagic<Integer, BaseKernel>) (k, args) -> counter(args));
        magics.registerLineMagic("echo", (LineMagic<String, BaseKernel>) (k, args) -> String.join(" ", args));
        magics.registerLineMagic("table", (LineMagic<Table, BaseKernel>) (k, args) -> table(Integer.parseInt(args.get(0))));
        magics.registerLineMagic("boom", (LineMagic<Object, BaseKernel>) (k, args) -> {
            throw new IllegalStateException("boom: " + String.join(" ", args));
        });
        magics.registerLineMagic("evalinside", (LineMagic<Object, BaseKernel>) (k, args) -> k.evalRaw(String.join(" ", args)));
        magics.registerLineMagic("samekernel", (LineMagic<Boolean, BaseKernel>) (k, args) -> LaaiKernel.instance() == k);
        magics.registerLineMagic("progress", (LineMagic<String, BaseKernel>) (k, args) -> progress(Integer.parseInt(args.get(0))));
        magics.registerCellMagic("chart", (CellMagic<XYChart, BaseKernel>) (k, args, body) -> chart(String.join(" ", args), body));

        kernel.getRenderer().createRegistration(Exploding.class)
                .preferring(MIMEType.TEXT_HTML)
                .register((value, ctx) -> {
                    throw new NoClassDefFoundError("simulated missing renderer dependency");
                });

        // An extension may evaluate code while installing; notebooks then see the definition.
        kernel.evalRaw("int fromExtension = 7;");
    }

    private static int counter(List<String> args) {
        Map<String, List<String>> parsed = MagicUsage.parse("%counter", COUNTER_ARGS, args);
        List<String> by = parsed.get("by");
        return TestState.COUNTER.addAndGet(by.isEmpty() ? 1 : Integer.parseInt(by.get(0)));
    }

    private static Table table(int rows) {
        IntColumn n = IntColumn.create("n");
        StringColumn label = StringColumn.create("label <b>");
        for (int i = 0; i < rows; i++) {
            n.append(i);
            label.append("row & " + i);
        }
        return Table.create("numbers", n, label);
    }

    private static XYChart chart(String title, String body) {
        double[] ys = body.lines().flatMap(line -> List.of(line.trim().split("\\s+")).stream())
                .filter(s -> !s.isEmpty()).mapToDouble(Double::parseDouble).toArray();
        double[] xs = new double[ys.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i;
        }
        XYChart chart = new XYChartBuilder().width(320).height(240).title(title).build();
        chart.addSeries("values", xs, ys);
        return chart;
    }

    private static String progress(int steps) throws InterruptedException {
        ProgressBar bar = ProgressBar.show("working", steps);
        for (int i = 0; i < steps; i++) {
            Thread.sleep(120); // longer than the bar's throttle, so each step is published
            bar.step();
        }
        return bar.text();
    }
}
