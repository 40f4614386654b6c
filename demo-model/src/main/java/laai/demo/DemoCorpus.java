package laai.demo;

import laai.tasks.Pair;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * The demo model's training corpus, built from the rule datasets and seeded. It is made of
 * <em>rounds</em>; every round holds every fact of every relation (as statements and as instructed
 * Q/A pairs) and the same mix of documents, in a fresh random arrangement. Document kinds:
 * <ul>
 * <li>{@link Kind#FACTS}: lines stating one pair each in one of the relation's own templates
 *     ("the opposite of hot is cold.", "in german, hot is heiß.").</li>
 * <li>{@link Kind#INSTRUCTED}: an instruction line naming the relation, then Q/A pairs in the
 *     prompt format {@code Q: x\nA: y\n\nQ: …}. Every fact appears in one per round.</li>
 * <li>{@link Kind#DEMOS}: Q/A pairs of one relation with no instruction: only the pairs show the
 *     relation. The first pair is drawn so that a bare {@code Q: x\nA:} is ambiguous: x is each task
 *     input in turn, and its relation is {@link DemoRelation#COPY} with probability
 *     {@link Settings#copyShare}, otherwise one of the four rule tasks defined for x, uniformly.
 *     (The chained relations appear only under an instruction and in statements.)</li>
 * <li>{@link Kind#MIXTURE}: like DEMOS, but every pair draws its own word and relation that way,
 *     so the relation cannot be read from the context either.</li>
 * <li>{@link Kind#OPINION}: the opinion scale, agents' current opinions, and next opinions: kept
 *     without an instruction, drawn from the update rule under one ({@link OpinionDynamics#corpusDocuments}).</li>
 * </ul>
 * Every document starts at the beginning of a training sequence (after BOS) and ends with EOS, so
 * what the model learns to do after a bare {@code <s>Q: x\nA:} is what DEMOS and MIXTURE documents
 * do first: mostly repeat the word, sometimes apply a relation; only an instruction or
 * demonstrations tell which.
 */
public final class DemoCorpus {

    public enum Kind { FACTS, INSTRUCTED, DEMOS, MIXTURE, OPINION }

    /** One document; {@code relation} is that of INSTRUCTED and DEMOS documents, else null. */
    public record Document(Kind kind, DemoRelation relation, String text) {}

    /**
     * @param copyShare          probability that an uninstructed block answers its first (or, in a
     *                           mixture, any) question with the word itself
     * @param startsPerInput     uninstructed blocks per task input per round
     * @param mixtureShare       share of uninstructed blocks that are mixtures
     * @param statementsPerFact  statement lines per fact per round
     * @param instructedPerFact  instructed Q/A occurrences per fact of the four rule tasks per round
     *                           (the chained relations get one)
     * @param maxPairs           most Q/A pairs in an uninstructed block
     * @param maxInstructedPairs most Q/A pairs in an instructed block
     * @param opinionDocuments   opinion documents per round
     * @param shortOpinionDocuments opinion documents per round about agents with at most two neighbours
     *                           ({@link OpinionDynamics#shortDocuments}); 0 in the records of models
     *                           trained before they existed, which Gson reads as 0
     */
    public record Settings(double copyShare, int startsPerInput, double mixtureShare, int statementsPerFact,
                           int instructedPerFact, int maxPairs, int maxInstructedPairs, int opinionDocuments,
                           int shortOpinionDocuments) {
        public static Settings defaults() {
            return new Settings(0.8, 2, 0.1, 1, 2, 12, 8, 150, 200);
        }

        public Settings withCopyShare(double c) {
            return new Settings(c, startsPerInput, mixtureShare, statementsPerFact, instructedPerFact, maxPairs,
                    maxInstructedPairs, opinionDocuments, shortOpinionDocuments);
        }

        public Settings withOpinionDocuments(int n, int shortOnes) {
            return new Settings(copyShare, startsPerInput, mixtureShare, statementsPerFact, instructedPerFact, maxPairs,
                    maxInstructedPairs, n, shortOnes);
        }
    }

    /** The opinion dataset's prompts (the generator's default seed and size): never in the corpus. */
    private static final Set<String> DATASET_PROMPTS = OpinionDynamics.dataset(1, 120).stream()
            .map(OpinionDynamics.Item::input).collect(Collectors.toUnmodifiableSet());

    private final WordRelations relations;
    private final Settings settings;
    private final long seed;

    public DemoCorpus(WordRelations relations, Settings settings, long seed) {
        this.relations = relations;
        this.settings = settings;
        this.seed = seed;
    }

    public Settings settings() {
        return settings;
    }

    /** Round r's documents, shuffled; the same for the same seed, settings and r. */
    public List<Document> round(int r) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 1_000_003L * r + 17);
        List<Document> docs = new ArrayList<>();
        facts(rng, docs);
        instructed(rng, docs);
        uninstructed(rng, docs);
        for (String text : OpinionDynamics.corpusDocuments(rng, settings.opinionDocuments(), DATASET_PROMPTS)) {
            docs.add(new Document(Kind.OPINION, null, text));
        }
        for (String text : OpinionDynamics.shortDocuments(rng, settings.shortOpinionDocuments())) {
            docs.add(new Document(Kind.OPINION, null, text));
        }
        shuffle(docs, rng);
        return docs;
    }

    /** Rounds 0 .. n−1, concatenated. */
    public List<Document> rounds(int n) {
        List<Document> all = new ArrayList<>();
        for (int r = 0; r < n; r++) all.addAll(round(r));
        return all;
    }

    private void facts(SplittableRandom rng, List<Document> docs) {
        record Fact(DemoRelation relation, Pair pair) {}
        List<Fact> facts = new ArrayList<>();
        for (DemoRelation r : DemoRelation.taught()) {
            for (Pair p : relations.pairs(r)) {
                for (int i = 0; i < settings.statementsPerFact(); i++) facts.add(new Fact(r, p));
            }
        }
        shuffle(facts, rng);
        for (int i = 0; i < facts.size(); ) {
            int n = Math.min(facts.size() - i, 4 + rng.nextInt(7));
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < n; j++, i++) {
                Fact f = facts.get(i);
                String template = pick(f.relation().statements, rng);
                sb.append(template.replace("{x}", f.pair().input()).replace("{y}", f.pair().output())).append('\n');
            }
            docs.add(new Document(Kind.FACTS, null, sb.toString()));
        }
    }

    private void instructed(SplittableRandom rng, List<Document> docs) {
        for (DemoRelation r : DemoRelation.taught()) {
            List<Pair> pairs = new ArrayList<>();
            int passes = r == DemoRelation.OPPOSITE_FRENCH || r == DemoRelation.OPPOSITE_GERMAN ? 1 : settings.instructedPerFact();
            for (int k = 0; k < passes; k++) {
                List<Pair> pass = new ArrayList<>(relations.pairs(r));
                shuffle(pass, rng);
                pairs.addAll(pass);
            }
            for (int i = 0; i < pairs.size(); ) {
                int n = Math.min(pairs.size() - i, 1 + rng.nextInt(settings.maxInstructedPairs()));
                String head = pick(r.instructions, rng) + (rng.nextInt(4) == 0 ? "\n\n" : "\n");
                docs.add(new Document(Kind.INSTRUCTED, r, head + block(pairs.subList(i, i + n), rng)));
                i += n;
            }
        }
    }

    private void uninstructed(SplittableRandom rng, List<Document> docs) {
        List<String> inputs = relations.inputs();
        FactQueue[] queues = new FactQueue[DemoRelation.values().length];
        for (DemoRelation r : DemoRelation.values()) queues[r.ordinal()] = new FactQueue(relations.pairs(r), rng);
        for (int s = 0; s < settings.startsPerInput(); s++) {
            for (String x : inputs) {
                DemoRelation first = draw(x, rng);
                List<Pair> pairs = new ArrayList<>();
                pairs.add(new Pair(x, relations.apply(first, x)));
                if (rng.nextDouble() < settings.mixtureShare()) {
                    int n = 2 + rng.nextInt(settings.maxPairs() - 1);
                    while (pairs.size() < n) {
                        String x2 = inputs.get(rng.nextInt(inputs.size()));
                        pairs.add(new Pair(x2, relations.apply(draw(x2, rng), x2)));
                    }
                    docs.add(new Document(Kind.MIXTURE, null, block(pairs, rng)));
                } else {
                    int n = first == DemoRelation.COPY ? 1 + rng.nextInt(2) : 2 + rng.nextInt(settings.maxPairs() - 1);
                    FactQueue q = queues[first.ordinal()];
                    while (pairs.size() < n) {
                        Pair p = q.next();
                        if (!p.input().equals(x)) pairs.add(p);
                    }
                    docs.add(new Document(Kind.DEMOS, first, block(pairs, rng)));
                }
            }
        }
    }

    /** COPY with probability copyShare, else one of the four rule tasks defined for x, uniformly. */
    private DemoRelation draw(String x, SplittableRandom rng) {
        List<DemoRelation> defined = new ArrayList<>(relations.relationsOf(x));
        defined.remove(DemoRelation.OPPOSITE_FRENCH);
        defined.remove(DemoRelation.OPPOSITE_GERMAN);
        if (defined.isEmpty() || rng.nextDouble() < settings.copyShare()) return DemoRelation.COPY;
        return defined.get(rng.nextInt(defined.size()));
    }

    /**
     * Q/A pairs as the prompt template writes them: "Q: x\nA: y" and the end marker "\n", blocks
     * separated mostly by one empty line ("\n\n", as in docs/method.md), sometimes by none or two.
     */
    private static String block(List<Pair> pairs, SplittableRandom rng) {
        int u = rng.nextInt(10);
        String separator = u < 7 ? "\n" : u < 9 ? "\n\n" : "";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pairs.size(); i++) {
            if (i > 0) sb.append(separator);
            sb.append("Q: ").append(pairs.get(i).input()).append("\nA: ").append(pairs.get(i).output()).append('\n');
        }
        return sb.toString();
    }

    /** A relation's pairs in shuffled order, reshuffled each time it runs out. */
    private static final class FactQueue {
        private final List<Pair> pairs;
        private final SplittableRandom rng;
        private int at;

        FactQueue(List<Pair> pairs, SplittableRandom rng) {
            this.pairs = new ArrayList<>(pairs);
            this.rng = rng;
            shuffle(this.pairs, rng);
        }

        Pair next() {
            if (at == pairs.size()) {
                shuffle(pairs, rng);
                at = 0;
            }
            return pairs.get(at++);
        }
    }

    private static <T> T pick(List<T> list, SplittableRandom rng) {
        return list.get(rng.nextInt(list.size()));
    }

    static <T> void shuffle(List<T> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) Collections.swap(list, i, rng.nextInt(i + 1));
    }

    /** All texts the tokenizer must cover: a round of the corpus plus every dataset prompt and answer. */
    public static List<String> tokenizerTexts(WordRelations relations, List<Document> round, List<OpinionDynamics.Item> opinions) {
        List<String> texts = new ArrayList<>();
        for (Document d : round) texts.add(d.text());
        for (DemoRelation r : DemoRelation.values()) {
            for (Pair p : relations.pairs(r)) texts.add("Q: " + p.input() + "\nA: " + p.output() + "\n\n");
            texts.addAll(r.instructions);
            for (String t : r.statements) texts.add(t.replace("{x}", "hot").replace("{y}", "cold"));
        }
        for (int a = 1; a <= OpinionDynamics.MAX_AGENT; a++) {
            for (int b = 1; b <= 2; b++) {
                OpinionDynamics.Situation s = new OpinionDynamics.Situation(a, -2, new int[] {-1, 0, +1, +2}, b);
                texts.add("Q: " + s.nowQuestion() + "\nA: " + s.nextQuestion());
            }
        }
        for (OpinionDynamics.Item it : opinions) {
            texts.add("Q: " + it.input() + "\nA:");
            for (String o : it.options()) texts.add(" " + o);
        }
        return texts;
    }
}
