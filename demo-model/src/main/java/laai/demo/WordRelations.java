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
    private final Map<DemoRelation, List<Pair>> pairs = new EnumMap<>(DemoRelation.class);
    private final Map<DemoRelation, Map<String, String>> maps = new EnumMap<>(DemoRelation.class);
    private final List<String> inputs;

    public WordRelations(Task antonym, Task synonym, Task french, Task german) {
        put(DemoRelation.ANTONYM, antonym.pairs());
        put(DemoRelation.SYNONYM, synonym.pairs());
        put(DemoRelation.FRENCH, french.pairs());
        put(DemoRelation.GERMAN, german.pairs());
        put(DemoRelation.OPPOSITE_FRENCH, Task.chain(antonym, french).pairs());
        put(DemoRelation.OPPOSITE_GERMAN, Task.chain(antonym, german).pairs());
        Set<String> in = new LinkedHashSet<>();
        for (DemoRelation r : List.of(DemoRelation.ANTONYM, DemoRelation.SYNONYM, DemoRelation.FRENCH, DemoRelation.GERMAN)) {
            for (Pair p : pairs.get(r)) in.add(p.input());
        }
        inputs = List.copyOf(in);
        List<Pair> identity = new ArrayList<>();
        for (String x : inputs) identity.add(new Pair(x, x));
        put(DemoRelation.COPY, identity);
    }

    /** The four rule datasets of a datasets folder. */
    public static WordRelations load(Path datasets) {
        return new WordRelations(Task.load(datasets.resolve("antonym.json")), Task.load(datasets.resolve("synonym.json")),
                Task.load(datasets.resolve("english-french.json")), Task.load(datasets.resolve("english-german.json")));
    }

    private void put(DemoRelation r, List<Pair> list) {
        pairs.put(r, List.copyOf(list));
        Map<String, String> m = new LinkedHashMap<>();
        for (Pair p : list) m.put(p.input(), p.output());
        maps.put(r, Collections.unmodifiableMap(m));
    }

    public List<Pair> pairs(DemoRelation r) {
        return pairs.get(r);
    }

    /** The output of x under r, or null. */
    public String apply(DemoRelation r, String x) {
        return maps.get(r).get(x);
    }

    /** Every input word of the four rule tasks, in first-seen order. */
    public List<String> inputs() {
        return inputs;
    }

    /** The taught relations (not {@link DemoRelation#COPY}) defined for x. */
    public List<DemoRelation> relationsOf(String x) {
        List<DemoRelation> out = new ArrayList<>();
        for (DemoRelation r : DemoRelation.taught()) if (maps.get(r).containsKey(x)) out.add(r);
        return out;
    }

    /** Every word of every pair (inputs and outputs), in first-seen order. */
    public List<String> words() {
        Set<String> w = new LinkedHashSet<>();
        for (DemoRelation r : DemoRelation.values()) {
            for (Pair p : pairs.get(r)) {
                w.add(p.input());
                w.add(p.output());
            }
        }
        return List.copyOf(w);
    }

    public int factCount() {
        int n = 0;
        for (DemoRelation r : DemoRelation.taught()) n += pairs.get(r).size();
        return n;
    }
}
