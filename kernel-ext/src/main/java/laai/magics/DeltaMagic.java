package laai.magics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;
import org.knowm.xchart.CategoryChart;

import laai.intervention.Delta;
import laai.kernel.MagicException;
import laai.model.Llama;
import laai.report.Plots;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** {@code %delta save|load|show|list}: the session's named Δs, on disk and as per-head norm plots. */
final class DeltaMagic implements MagicCommand {

    private static final String EXTENSION = ".safetensors";

    private static final Syntax SYNTAX = new Syntax("delta",
            String.join(System.lineSeparator(),
                    "usage: %delta save NAME [--file PATH]",
                    "       %delta load NAME|FILE.safetensors [--file PATH]",
                    "       %delta show NAME",
                    "       %delta list"),
            String.join(System.lineSeparator(),
                    "The session keeps each learned Δ under a name (the task's after %intervene).",
                    "  save   writes it as safetensors with its metadata (model, layer, site, task, γ, λ, N, ...)",
                    "         to PATH, default out/deltas/NAME.safetensors in the repository",
                    "  load   reads one back under NAME (from PATH, or out/deltas/NAME.safetensors, or the",
                    "         .safetensors file given as NAME)",
                    "  show   plots ‖Δ_h‖ per head: the heads group lasso kept",
                    "  list   a table of the session's Δs"),
            MagicsArgs.builder().required("ACTION").optional("NAME").keyword("file", MagicsArgs.KeywordSpec.ONCE)
                    .onlyKnownKeywords().onlyKnownFlags().build(),
            Set.of());

    @Override
    public Syntax syntax() {
        return SYNTAX;
    }

    @Override
    public Object run(Args a, Host host) {
        Session session = Laai.session();
        String action = a.choice("ACTION", null, List.of("save", "load", "show", "list"));
        if (action.equals("list")) {
            return list(session.deltas());
        }
        String name = a.required("NAME");
        switch (action) {
            case "save": {
                Delta delta = session.delta(name);
                Path file = a.has("file") ? session.repository().resolve(a.string("file", null)) : defaultFile(session, name);
                delta.save(file);
                return "saved " + delta.describe() + " to " + file;
            }
            case "load": {
                Path file = a.has("file") ? session.repository().resolve(a.string("file", null))
                        : name.endsWith(EXTENSION) ? session.repository().resolve(name) : defaultFile(session, name);
                String key = name.endsWith(EXTENSION) ? stem(file) : name;
                if (!Files.isRegularFile(file)) {
                    throw new MagicException("no saved Δ at " + file);
                }
                Delta delta = Delta.load(file);
                if (session.hasModel()) {
                    checkFits(delta, session.model(), file);
                }
                session.putDelta(key, delta);
                return list(Map.of(key, delta));
            }
            default: {
                CategoryChart chart = Plots.headNorms(session.delta(name));
                session.recordChart(chart);
                return chart;
            }
        }
    }

    /** A Δ from another model would fail later, deep in a forward pass; say so now. */
    private static void checkFits(Delta delta, Llama model, Path file) {
        int layers = model.config().numLayers();
        int size = model.siteSize(delta.site());
        if (delta.layer() >= layers || delta.size() != size) {
            throw new MagicException(file + " holds " + delta.describe() + ", which does not fit the loaded model ("
                    + layers + " layers, " + delta.site().label() + " size " + size + ")");
        }
    }

    static Table list(Map<String, Delta> deltas) {
        StringColumn name = StringColumn.create("name");
        StringColumn task = StringColumn.create("task");
        IntColumn layer = IntColumn.create("layer");
        StringColumn site = StringColumn.create("site");
        IntColumn size = IntColumn.create("size");
        IntColumn active = IntColumn.create("active_heads");
        DoubleColumn norm = DoubleColumn.create("norm");
        deltas.forEach((n, d) -> {
            name.append(n);
            task.append(d.metadata().getOrDefault("task", ""));
            layer.append(d.layer());
            site.append(d.site().label());
            size.append(d.size());
            active.append(d.activeGroups());
            norm.append(Math.round(d.norm() * 1e4) / 1e4);
        });
        return Table.create("Δs", name, task, layer, site, size, active, norm);
    }

    private static Path defaultFile(Session session, String name) {
        return session.repository().deltas().resolve(name.replaceAll("[^A-Za-z0-9._+-]", "_") + EXTENSION);
    }

    private static String stem(Path file) {
        String f = file.getFileName().toString();
        return f.substring(0, f.length() - EXTENSION.length());
    }
}
