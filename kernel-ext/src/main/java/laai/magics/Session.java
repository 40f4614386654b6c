package laai.magics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.types.DataType;
import laai.eval.Experiment;
import laai.eval.Finished;
import laai.eval.ResultRow;
import laai.eval.Sweep;
import laai.intervention.Delta;
import laai.kernel.MagicException;
import laai.kernel.eval.AbandonedThreads;
import laai.model.DecoderModel;
import laai.model.TextTokenizer;
import laai.runtime.Djl;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

/**
 * The one model session of a kernel, shared by the magics and Java cells
 * ({@code Laai.session()}): the loaded model, the current task, named Δs, and every result.
 *
 * <p>A failed magic changes nothing here: state is only replaced once a magic has succeeded, so
 * an error or a diverged optimisation keeps the model and the earlier results.
 *
 * <p>An interrupted magic keeps exactly what it finished before it stopped, and nothing else
 * ({@link #keepInterrupted}): the result rows it completed, and the Δs it trained, in full or up to
 * the interrupt, under their usual names with "-interrupted" appended. It does so on its own
 * thread before the kernel reports the interrupt; after that, nothing from that cell changes the
 * session: a cell thread that ignored its interrupt is given up, and every change made here is
 * refused to such a thread ({@link AbandonedThreads}).
 */
public final class Session {

    private final Repository repository;
    private LoadedModel loaded;
    private SessionTask task;
    private final Map<String, Delta> deltas = new LinkedHashMap<>();
    private final List<ResultRow> allRows = new ArrayList<>();
    private final Map<String, List<Double>> losses = new LinkedHashMap<>();
    private List<ResultRow> lastRows = List.of();
    private Table lastTable;
    private Chart<?, ?> lastChart;
    private Sweep lastSweep;

    Session(Repository repository) {
        this.repository = repository;
    }

    public Repository repository() {
        return repository;
    }

    // ---- model

    /**
     * Loads a model folder, replacing (and freeing) the current model. A folder that cannot be
     * loaded leaves the current model in place (see {@link #load(Path, String, DataType, String)}).
     */
    public synchronized LoadedModel load(Path dir, String device, DataType dtype) {
        return load(dir, device, dtype, "auto");
    }

    /**
     * As {@link #load(Path, String, DataType)}, first setting libtorch's float32 matmul precision
     * ({@code auto}, {@code highest}, {@code high}, {@code medium}; see
     * {@link laai.runtime.MatmulPrecision}) for the whole kernel.
     *
     * <p>A failed load keeps the current model: the folder's config and tensor shapes are checked
     * before anything is given up; the current model is then freed before the new one is read,
     * since two models may not fit in memory, and if reading fails after all (a NaN weight, an
     * unreadable tokenizer) it is loaded again from its folder with its settings. Task, Δs and
     * results stay in the session throughout.
     */
    public synchronized LoadedModel load(Path dir, String device, DataType dtype, String matmulPrecision) {
        String current = loaded == null ? null : loaded.name();
        try {
            LoadedModel.check(dir);
        } catch (RuntimeException e) {
            throw current == null ? e : keeping(current, dir, e, "");
        }
        LoadedModel.Request previous = loaded == null ? null : loaded.request();
        unload();
        LoadedModel fresh;
        try {
            fresh = LoadedModel.load(new LoadedModel.Request(dir, device, dtype, matmulPrecision));
        } catch (RuntimeException e) {
            if (previous == null) {
                throw e;
            }
            try {
                loaded = LoadedModel.load(previous);
            } catch (RuntimeException again) {
                throw new MagicException(failure(dir, e) + "; the previous model, " + current + ", was unloaded to "
                        + "make room and could not be loaded again: " + again.getMessage(), e);
            }
            throw keeping(current, dir, e, " (freed to make room, then loaded again)");
        }
        // Loading is not interruptible; a load that outlived its cell's interrupt is dropped.
        try {
            AbandonedThreads.unlessAbandoned(() -> loaded = fresh);
        } catch (RuntimeException e) {
            fresh.close();
            throw e;
        }
        return loaded;
    }

    private static MagicException keeping(String current, Path dir, RuntimeException e, String how) {
        return new MagicException(failure(dir, e) + "; " + current + " stays loaded" + how, e);
    }

    /** One line: what could not be loaded, and why. Our own messages already name the folder. */
    private static String failure(Path dir, RuntimeException e) {
        return e instanceof MagicException ? e.getMessage() : "cannot load " + dir + ": " + e.getMessage();
    }

    /** Frees the model; returns its name, or null when none was loaded. */
    public synchronized String unload() {
        AbandonedThreads.checkCurrent();
        if (loaded == null) {
            return null;
        }
        String name = loaded.name();
        LoadedModel old = loaded;
        loaded = null;
        old.close();
        return name;
    }

    public synchronized boolean hasModel() {
        return loaded != null;
    }

    /** The loaded model folder; a clear error when there is none. */
    public synchronized LoadedModel loaded() {
        // An interrupted cell's work that outlived the interrupt stops here, at its next use.
        AbandonedThreads.checkCurrent();
        if (loaded == null) {
            throw new MagicException("no model loaded: run %model load [DIR] first (default DIR: models/demo)");
        }
        // DJL's grad mode is per thread and only the engine-loading thread has it off; a cell may
        // run on a fresh thread (after an abandoned interrupt), so every use switches it off here.
        Djl.noGradOnThisThread();
        return loaded;
    }

    public DecoderModel model() {
        return loaded().model();
    }

    public TextTokenizer tokenizer() {
        return loaded().tokenizer();
    }

    public Experiment experiment() {
        return loaded().experiment();
    }

    // ---- task

    synchronized void task(SessionTask task) {
        AbandonedThreads.unlessAbandoned(() -> this.task = task);
    }

    /** The task of the last {@code %task}; a clear error when there is none. */
    public synchronized SessionTask task() {
        if (task == null) {
            throw new MagicException("no task: pass --task NAME or run %task NAME first");
        }
        return task;
    }

    // ---- deltas

    public synchronized void putDelta(String name, Delta delta) {
        AbandonedThreads.unlessAbandoned(() -> deltas.put(name, delta));
    }

    /** A Δ by name: the task name after {@code %intervene}, or the name given to {@code %delta load}. */
    public synchronized Delta delta(String name) {
        Delta d = deltas.get(name);
        if (d == null) {
            throw new MagicException("no Δ named '" + name + "' in this session"
                    + (deltas.isEmpty() ? " (none yet: %intervene or %delta load makes one)"
                    : " (there are: " + String.join(", ", deltas.keySet()) + ")"));
        }
        return d;
    }

    public synchronized Map<String, Delta> deltas() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(deltas));
    }

    // ---- results

    synchronized void record(Table table, List<ResultRow> rows) {
        AbandonedThreads.unlessAbandoned(() -> {
            lastTable = table;
            lastRows = List.copyOf(rows);
            allRows.addAll(rows);
        });
    }

    synchronized void recordLosses(String run, List<Double> curve) {
        AbandonedThreads.unlessAbandoned(() -> losses.put(run, List.copyOf(curve)));
    }

    synchronized void recordChart(Chart<?, ?> chart) {
        AbandonedThreads.unlessAbandoned(() -> lastChart = chart);
    }

    synchronized void recordSweep(Sweep sweep) {
        AbandonedThreads.unlessAbandoned(() -> {
            lastSweep = sweep;
            sweep.losses().forEach(this::recordLosses);
        });
    }

    /**
     * What an interrupted magic finished, kept in one change: its rows (when there are any, as the
     * last table), its Δs with their loss curves, and an interrupted sweep (may be null). All or
     * nothing: a thread given up meanwhile keeps none of it.
     */
    synchronized void keepInterrupted(Table table, List<ResultRow> rows, Map<String, Finished.TrainedDelta> trained,
                                      Sweep sweep) {
        AbandonedThreads.unlessAbandoned(() -> {
            if (sweep != null) {
                recordSweep(sweep);
            }
            trained.forEach((name, d) -> {
                deltas.put(name, d.delta());
                losses.put(name, List.copyOf(d.trained().result().losses()));
            });
            if (!rows.isEmpty()) {
                record(table, rows);
            }
        });
    }

    /** The table of the last magic that produced results. */
    public synchronized Table lastTable() {
        if (lastTable == null) {
            throw new MagicException("no results yet");
        }
        return lastTable;
    }

    /** The rows behind {@link #lastTable()}. */
    public synchronized List<ResultRow> lastRows() {
        return lastRows;
    }

    /** Every result row of this session, in order. */
    public synchronized List<ResultRow> allRows() {
        return List.copyOf(allRows);
    }

    /** Loss per step of every Δ trained in this session, by run. */
    public synchronized Map<String, List<Double>> losses() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(losses));
    }

    /** The chart of the last magic that drew one. */
    public synchronized Chart<?, ?> lastChart() {
        if (lastChart == null) {
            throw new MagicException("no chart yet");
        }
        return lastChart;
    }

    /** The last {@code %sweep}, with every Δ it trained ({@code deltas()}) and its loss curves. */
    public synchronized Sweep lastSweep() {
        if (lastSweep == null) {
            throw new MagicException("no sweep yet: run %sweep first");
        }
        return lastSweep;
    }
}
