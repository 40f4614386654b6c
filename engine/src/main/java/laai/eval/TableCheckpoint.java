package laai.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Supplier;

/**
 * The finished parts of a table, kept in a file so that the same command, run again, continues
 * where an interrupt, a crash or the end of a machine's session stopped it. At the paper's sizes
 * on a CPU the table takes hours (Gemma-2-2B's: about 2¾ h on 2 cores); each of its parts (one rule
 * task with all its seeds, opinion dynamics, composition) takes under half an hour there.
 *
 * <p>A part's rows are stored whole (per-item values included, so intervals and headlines are
 * those of an uninterrupted run) once the part has finished; a part cut short runs again from
 * its start. The file names the table it belongs to (model, settings, layers, seeds, scorer): a
 * different table refuses it rather than mixing rows. The file is replaced atomically after
 * each part, so a crash leaves the previous parts readable.
 */
public final class TableCheckpoint {

    private record Saved(String table, LinkedHashMap<String, ArrayList<ResultRow>> parts) implements Serializable {}

    /** Only the classes a checkpoint holds are read back. */
    private static final ObjectInputFilter CLASSES = ObjectInputFilter.Config.createFilter(
            "laai.eval.*;java.util.*;java.lang.*;[D;!*");

    private final Path file;
    private final String table;
    private final LinkedHashMap<String, ArrayList<ResultRow>> parts;

    private TableCheckpoint(Path file, String table, LinkedHashMap<String, ArrayList<ResultRow>> parts) {
        this.file = file;
        this.table = table;
        this.parts = parts;
    }

    /** No file: every part runs. */
    public static TableCheckpoint none() {
        return new TableCheckpoint(null, "", new LinkedHashMap<>());
    }

    /**
     * The checkpoint in {@code file} for {@code table} (a description of everything its rows
     * depend on); an empty one when the file does not exist yet.
     */
    public static TableCheckpoint open(Path file, String table) {
        if (!Files.exists(file)) return new TableCheckpoint(file, table, new LinkedHashMap<>());
        Saved saved;
        try (InputStream in = Files.newInputStream(file); ObjectInputStream objects = new ObjectInputStream(in)) {
            objects.setObjectInputFilter(CLASSES);
            saved = (Saved) objects.readObject();
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new IllegalArgumentException("the checkpoint " + file + " cannot be read (" + e.getMessage()
                    + "): remove it to start the table again");
        }
        if (!saved.table().equals(table)) {
            throw new IllegalArgumentException("the checkpoint " + file + " belongs to another table (" + saved.table()
                    + "), not to this one (" + table + "): remove it or name another file");
        }
        return new TableCheckpoint(file, table, saved.parts());
    }

    /** The names of the parts already finished, in the order they finished. */
    public List<String> finished() {
        return List.copyOf(parts.keySet());
    }

    /**
     * The rows of part {@code name}: read back (and told to {@code listener}, as if just
     * finished) when the part is in the file, otherwise run, then written to the file.
     */
    List<ResultRow> part(String name, RunListener listener, Supplier<List<ResultRow>> run) {
        List<ResultRow> done = parts.get(name);
        if (done != null) {
            done.forEach(listener::rowFinished);
            return done;
        }
        List<ResultRow> rows = run.get();
        parts.put(name, new ArrayList<>(rows));
        save();
        return rows;
    }

    private void save() {
        if (file == null) return;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp); ObjectOutputStream objects = new ObjectOutputStream(out)) {
                objects.writeObject(new Saved(table, parts));
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + file + ": " + e.getMessage(), e);
        }
    }
}
