package laai.magics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A host without a notebook: records what the magic shows and its progress; evaluates variables. */
final class RecordingHost implements Host {

    final List<Object> shown = new ArrayList<>();
    // Written by the cell's thread while a test polls it (interrupt tests).
    final List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Map<String, Object> variables = new HashMap<>();

    @Override
    public void show(Object value) {
        shown.add(value);
    }

    @Override
    public Progress progress(String label, long total) {
        progress.add("start " + label + " /" + total);
        return new Progress() {
            @Override
            public void update(long done, String detail) {
                progress.add(done + " " + detail);
            }

            @Override
            public void finish(String detail) {
                progress.add("finish " + detail);
            }
        };
    }

    @Override
    public Object eval(String expression) {
        if (!variables.containsKey(expression)) {
            throw new IllegalStateException("cannot find symbol " + expression);
        }
        return variables.get(expression);
    }

    /** Runs a magic line such as {@code "intervene --layer 1"} the way every host does. */
    Object run(String line) {
        List<String> words = List.of(line.trim().split("\\s+"));
        MagicCommand command = MagicCommands.all().stream()
                .filter(c -> c.syntax().name().equals(words.get(0))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no magic " + words.get(0)));
        return MagicDispatcher.run(command, words.subList(1, words.size()), this);
    }
}
