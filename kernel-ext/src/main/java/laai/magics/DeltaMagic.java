package laai.magics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;
import org.knowm.xchart.CategoryChart;

import laai.intervention.Delta;
import laai.kernel.MagicException;
import laai.model.DecoderModel;
import laai.report.Plots;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** {@code %delta save|load|show|list}: the session's named Δs, on disk and as per-head norm plots. */
final class DeltaMagic extends MagicCommand {

    private static final String EXTENSION = ".safetensors";

    DeltaMagic() {
        super(Syntax.of("delta",
                String.join(System.lineSeparator(),
                        "usage: %delta save NAME [--file PATH] [--overwrite]",
                        "       %delta load NAME|FILE.safetensors [--file PATH]",
                        "       %delta show NAME",
                        "       %delta list"),
                String.join(System.lineSeparator(),
                        "The session keeps each learned Δ under a name (the task's after %intervene).",
                        "  save   writes it as safetensors with its metadata (model, layer, site, task, γ, λ, N, ...)",
                        "         to PATH, default out/deltas/NAME.safetensors in the repository. out/deltas/ is",
                        "         created when missing; the folder of a --file PATH must exist (a mistyped folder",
                        "         is reported, not created). An existing file is replaced only with --overwrite",
                        "  load   reads one back under NAME (from PATH, or out/deltas/NAME.safetensors, or the",
                        "         .safetensors file given as NAME)",
                        "  show   plots ‖Δ_h‖ per head: the heads group lasso kept",
                        "  list   a table of the session's Δs"),
                MagicsArgs.builder().required("ACTION").optional("NAME"), List.of("file"), Set.of("overwrite")));
    }

    @Override
    public Object run(Args a, Host host) {
        Session session = Laai.session();
        String action = a.choice("ACTION", null, List.of("save", "load", "show", "list"));
        if (action.equals("list")) {
            return list(session.deltas());
        }
        if (a.isSet("overwrite") && !action.equals("save")) {
            throw a.problem("--overwrite only applies to %delta save");
        }
        String name = a.required("NAME");
        switch (action) {
            case "save": {
                Delta delta = session.delta(name);
                boolean named = a.has("file");
                Path file = named ? session.repository().resolve(a.string("file", null)) : defaultFile(session, name);
                String created = ensureFolder(file, named);
                boolean replacing = Files.exists(file);
                if (replacing && !a.isSet("overwrite")) {
                    throw new MagicException(file + " already exists: pass --overwrite to replace it, or choose "
                            + "another --file");
                }
                delta.save(file);
                return "saved " + delta.describe() + " to " + file + created
                        + (replacing ? " (replaced the file that was there)" : "");
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

    /**
     * The default folder, out/deltas/, is the project's own and is created when missing (returns
     * a note saying so). A folder the user named must exist: a typo should be an error, not a new
     * folder that the next save, spelt right, will not find.
     */
    private static String ensureFolder(Path file, boolean named) {
        Path folder = file.toAbsolutePath().getParent();
        if (Files.isDirectory(folder)) {
            return "";
        }
        if (named) {
            throw new MagicException("no folder " + folder + " to save " + file.getFileName() + " in: create it "
                    + "first, or leave out --file to save under out/deltas/");
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new MagicException("cannot create " + folder + ": " + e.getMessage(), e);
        }
        return " (created the folder " + folder + ")";
    }

    /** A Δ from another model would fail later, deep in a forward pass; say so now. */
    private static void checkFits(Delta delta, DecoderModel model, Path file) {
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
