package laai.demo;

import laai.tasks.Pair;
import laai.tasks.Task;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every fact the demo model is taught: the pairs of the four rule datasets, their chains
 * antonym → French and antonym → German ({@link Task#chain}), and the identity on the inputs.
 */
public final class WordRelations {
    private final Map<Relation, List<Pair>> pairs = new EnumMap<>(Relation.class);
    private final Map<Relation, Map<String, String>> maps = new EnumMap<>(Relation.class);
    private final List<String> inputs;

    public WordRelations(Task antonym, Task synonym, Task french, Task german) {
        put(Relation.ANTONYM, antonym.pairs());
        put(Relation.SYNONYM, synonym.pairs());
        put(Relation.FRENCH, french.pairs());
        put(Relation.GERMAN, german.pairs());
        put(Relation.OPPOSITE_FRENCH, Task.chain(antonym, french).pairs());
        put(Relation.OPPOSITE_GERMAN, Task.chain(antonym, german).pairs());
        Set<String> in = new LinkedHashSet<>();
        for (Relation r : List.of(Relation.ANTONYM, Relation.SYNONYM, Relation.FRENCH, Relation.GERMAN)) {
            for (Pair p : pairs.get(r)) in.add(p.input());
        }
        inputs = List.copyOf(in);
        List<Pair> identity = new ArrayList<>();
        for (String x : inputs) identity.add(new Pair(x, x));
        put(Relation.COPY, identity);
    }

    /** The four rule datasets of a datasets folder. */
    public static WordRelations load(Path datasets) {
        return new WordRelations(Task.load(datasets.resolve("antonym.json")), Task.load(datasets.resolve("synonym.json")),
                Task.load(datasets.resolve("english-french.json")), Task.load(datasets.resolve("english-german.json")));
    }

    private void put(Relation r, List<Pair> list) {
        pairs.put(r, List.copyOf(list));
        Map<String, String> m = new LinkedHashMap<>();
        for (Pair p : list) m.put(p.input(), p.output());
        maps.put(r, Collections.unmodifiableMap(m));
    }

    public List<Pair> pairs(Relation r) {
        return pairs.get(r);
    }

    /** The output of x under r, or null. */
    public String apply(Relation r, String x) {
        return maps.get(r).get(x);
    }

    /** Every input word of the four rule tasks, in first-seen order. */
    public List<String> inputs() {
        return inputs;
    }

    /** The taught relations (not {@link Relation#COPY}) defined for x. */
    public List<Relation> relationsOf(String x) {
        List<Relation> out = new ArrayList<>();
        for (Relation r : Relation.taught()) if (maps.get(r).containsKey(x)) out.add(r);
        return out;
    }

    /** Every word of every pair (inputs and outputs), in first-seen order. */
    public List<String> words() {
        Set<String> w = new LinkedHashSet<>();
        for (Relation r : Relation.values()) {
            for (Pair p : pairs.get(r)) {
                w.add(p.input());
                w.add(p.output());
            }
        }
        return List.copyOf(w);
    }

    public int factCount() {
        int n = 0;
        for (Relation r : Relation.taught()) n += pairs.get(r).size();
        return n;
    }
}
