package laai.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The opinion-dynamics task: one agent on a 5-point scale (−2 … +2) among neighbours, and the
 * distribution of its next opinion under the <b>noisy Hegselmann–Krause bounded-confidence
 * model</b> (Hegselmann &amp; Krause, JASSS 2002; noise as in Pineda, Toral &amp; Hernández-García,
 * EPJ B 2013):
 * <pre>
 *   m  = mean of { o } ∪ { n_j : |n_j − o| ≤ ε }       (own opinion o, neighbours n_j, confidence bound ε)
 *   o' = m + η,  η ~ N(0, σ²)
 * </pre>
 * and the reported opinion is the scale point nearest to o', clipped to [−2, +2]. The target of a
 * prompt is that distribution, exactly: q_k = Φ((k + ½ − m)/σ) − Φ((k − ½ − m)/σ), with the two
 * end points taking the tails. A prompt states o, the neighbours' opinions and ε; σ is
 * {@link #NOISE} for all prompts.
 *
 * <p>The demo corpus teaches the scale, how such descriptions read, and the update rule, but the rule
 * only under an instruction line (see {@link #corpusDocuments}).
 */
public final class OpinionDynamics {
    public static final List<String> OPTIONS = List.of("-2", "-1", "0", "+1", "+2");
    public static final List<String> WORDS = List.of("strongly disagrees", "disagrees", "is neutral", "agrees", "strongly agrees");
    public static final double NOISE = 0.5;
    public static final int MAX_AGENT = 40;

    /** One agent's situation: own opinion, neighbours' opinions, confidence bound. */
    public record Situation(int agent, int own, int[] neighbours, int bound) {
        /**
         * The situation in words, the agent's own opinion last: a model this small finds the
         * opinion a few tokens back far more easily than across the list of neighbours.
         */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            if (neighbours.length == 0) return sb.append("agent ").append(agent).append(" holds opinion ").append(format(own)).append('.').toString();
            sb.append("the neighbours of agent ").append(agent).append(" hold ");
            for (int i = 0; i < neighbours.length; i++) {
                if (i > 0) sb.append(i == neighbours.length - 1 ? " and " : ", ");
                sb.append(format(neighbours[i]));
            }
            sb.append(". it is only moved by opinions within ").append(bound).append(bound == 1 ? " point" : " points")
                    .append(" of its own. agent ").append(agent).append(" holds opinion ").append(format(own)).append('.');
            return sb.toString();
        }

        /** The question of the dataset: the next opinion. */
        public String nextQuestion() {
            return describe() + " what opinion does it hold next?";
        }

        /** The question the corpus answers: the opinion held now (the stated one). */
        public String nowQuestion() {
            return describe() + " what opinion does it hold now?";
        }

        /** The Hegselmann–Krause mean m. */
        public double confidenceMean() {
            double sum = own;
            int n = 1;
            for (int v : neighbours) {
                if (Math.abs(v - own) <= bound) {
                    sum += v;
                    n++;
                }
            }
            return sum / n;
        }

        /** q over OPTIONS: the noisy update rounded to the scale. */
        public double[] target() {
            double m = confidenceMean();
            double[] q = new double[5];
            double below = 0;
            for (int k = 0; k < 5; k++) {
                double upper = k == 4 ? 1.0 : phi((k - 2 + 0.5 - m) / NOISE);
                q[k] = upper - below;
                below = upper;
            }
            return q;
        }
    }

    public record Item(String input, List<String> options, double[] target) {}

    private OpinionDynamics() {}

    public static String format(int v) {
        return v > 0 ? "+" + v : String.valueOf(v);
    }

    public static Situation randomSituation(SplittableRandom rng) {
        int k = 3 + rng.nextInt(4);
        int[] n = new int[k];
        for (int i = 0; i < k; i++) n[i] = rng.nextInt(5) - 2;
        return new Situation(1 + rng.nextInt(MAX_AGENT), rng.nextInt(5) - 2, n, 1 + rng.nextInt(2));
    }

    /** {@code count} distinct prompts with their target distributions; the same for the same seed. */
    public static List<Item> dataset(long seed, int count) {
        List<Item> items = new ArrayList<>();
        for (Situation s : situations(seed, count)) {
            String input = s.nextQuestion();
            double[] q = s.target();
            double[] rounded = new double[q.length];
            for (int i = 0; i < q.length; i++) rounded[i] = Math.round(q[i] * 1e6) / 1e6;
            // keep the stored distribution summing to 1 exactly after rounding
            double rest = 1;
            int largest = 0;
            for (int i = 0; i < q.length; i++) {
                rest -= rounded[i];
                if (rounded[i] > rounded[largest]) largest = i;
            }
            rounded[largest] = Math.round((rounded[largest] + rest) * 1e6) / 1e6;
            items.add(new Item(input, OPTIONS, rounded));
        }
        return items;
    }

    /** The situations behind {@link #dataset}: {@code count} distinct ones, the same for the same seed. */
    public static List<Situation> situations(long seed, int count) {
        SplittableRandom rng = new SplittableRandom(seed);
        Set<String> seen = new LinkedHashSet<>();
        List<Situation> out = new ArrayList<>();
        int tries = 0;
        while (out.size() < count) {
            if (++tries > count * 1000) throw new IllegalStateException("cannot draw " + count + " distinct situations");
            Situation s = randomSituation(rng);
            if (seen.add(s.nextQuestion())) out.add(s);
        }
        return out;
    }

    /** The dataset file's JSON text: an array of {"input", "options", "target"}. */
    public static String toJson(List<Item> items) {
        JsonArray a = new JsonArray();
        for (Item it : items) {
            JsonObject o = new JsonObject();
            o.addProperty("input", it.input());
            JsonArray opts = new JsonArray();
            it.options().forEach(opts::add);
            o.add("options", opts);
            JsonArray t = new JsonArray();
            for (double v : it.target()) t.add(v);
            o.add("target", t);
            a.add(o);
        }
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(a) + "\n";
    }

    /** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
    static double phi(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
                * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }

    /** The instruction line of corpus blocks whose answers follow the update rule. */
    public static final String RULE_INSTRUCTION = "under bounded confidence:";

    /**
     * Corpus documents about opinions, of five kinds: what each scale point means; an agent's stated
     * opinion; "what opinion does agent a hold now?" answered with the stated opinion; "... next?"
     * with no instruction, answered with the opinion it holds now (an agent left alone keeps its
     * opinion); and "... next?" under the line {@link #RULE_INSTRUCTION}, answered with a draw
     * from the noisy Hegselmann–Krause distribution ({@link Situation#target()}). So the model
     * learns the update rule, but only as what follows that instruction: a bare question of the
     * dataset is answered with the current opinion, and the rule is what an intervention has to
     * switch on. Situations whose question is in {@code excluded} (the dataset's prompts) are
     * never drawn.
     */
    public static List<String> corpusDocuments(SplittableRandom rng, int count, Set<String> excluded) {
        List<String> docs = new ArrayList<>();
        for (int d = 0; d < count; d++) {
            int kind = rng.nextInt(10); // 0 scale, 1 stated, 2-3 now, 4-6 next kept, 7-9 next by the rule
            StringBuilder sb = new StringBuilder();
            if (kind == 0) {
                sb.append("on the opinion scale, -2 means strongly disagree, -1 means disagree, 0 means neutral, "
                        + "+1 means agree and +2 means strongly agree.\n");
                sb.append("an agent's next opinion depends on the opinions of its neighbours.\n");
                int n = 3 + rng.nextInt(5);
                for (int i = 0; i < n; i++) {
                    int v = rng.nextInt(5);
                    int agent = 1 + rng.nextInt(MAX_AGENT);
                    if (rng.nextBoolean()) {
                        sb.append("agent ").append(agent).append(' ').append(WORDS.get(v)).append(", so its opinion is ")
                                .append(OPTIONS.get(v)).append(".\n");
                    } else {
                        sb.append("an opinion of ").append(OPTIONS.get(v)).append(" means the agent ").append(WORDS.get(v))
                                .append(".\n");
                    }
                }
            } else if (kind == 1) {
                int n = 1 + rng.nextInt(3);
                for (int i = 0; i < n; i++) {
                    if (i > 0) sb.append('\n');
                    int v = rng.nextInt(5);
                    int agent = 1 + rng.nextInt(MAX_AGENT);
                    sb.append("Q: agent ").append(agent).append(' ').append(WORDS.get(v)).append(". what is its opinion?\nA: ")
                            .append(OPTIONS.get(v)).append('\n');
                }
            } else {
                boolean rule = kind >= 7;
                if (rule) sb.append(RULE_INSTRUCTION).append('\n');
                int n = 1 + rng.nextInt(rule ? 4 : 3);
                for (int i = 0; i < n; i++) {
                    if (i > 0) sb.append('\n');
                    Situation s = randomSituation(rng);
                    while (excluded.contains(s.nextQuestion())) s = randomSituation(rng);
                    String question = kind <= 3 ? s.nowQuestion() : s.nextQuestion();
                    int answer = rule ? sample(s.target(), rng) - 2 : s.own();
                    sb.append("Q: ").append(question).append("\nA: ").append(format(answer)).append('\n');
                }
            }
            docs.add(sb.toString());
        }
        return docs;
    }

    /**
     * Opinion documents about agents with no, one or two neighbours, in the three forms of the
     * question documents of {@link #corpusDocuments} (now, next kept, next by the rule under its
     * instruction line). The answer of every form depends first on the agent's own opinion, stated
     * last, a few tokens before the answer; these short documents give that look-up many more
     * examples than the dataset-like situations alone (3 to 6 neighbours), at a small cost in tokens
     * (200 per round add about 13 %). Without them, six of seven runs of the trainer failed the opinion bar, and
     * the three probed (seeds 10, 11, 13) had learned nothing of the opinion answers: the bare and the
     * instructed question got the same broad distribution (KL 0.83, what an untrained model gives), even "agent 5 strongly disagrees, so its opinion is" no better
     * than chance. They cannot collide with a dataset prompt, which always has at least three neighbours.
     */
    public static List<String> shortDocuments(SplittableRandom rng, int count) {
        List<String> docs = new ArrayList<>();
        for (int d = 0; d < count; d++) {
            int kind = rng.nextInt(3); // 0 now, 1 next kept, 2 next by the rule
            StringBuilder sb = new StringBuilder();
            if (kind == 2) sb.append(RULE_INSTRUCTION).append('\n');
            int n = 1 + rng.nextInt(4);
            for (int i = 0; i < n; i++) {
                if (i > 0) sb.append('\n');
                int[] neighbours = new int[rng.nextInt(3)];
                for (int j = 0; j < neighbours.length; j++) neighbours[j] = rng.nextInt(5) - 2;
                Situation s = new Situation(1 + rng.nextInt(MAX_AGENT), rng.nextInt(5) - 2, neighbours, 1 + rng.nextInt(2));
                String question = kind == 0 ? s.nowQuestion() : s.nextQuestion();
                int answer = kind == 2 ? sample(s.target(), rng) - 2 : s.own();
                sb.append("Q: ").append(question).append("\nA: ").append(format(answer)).append('\n');
            }
            docs.add(sb.toString());
        }
        return docs;
    }

    /** An index drawn from the distribution q. */
    static int sample(double[] q, SplittableRandom rng) {
        double u = rng.nextDouble(), sum = 0;
        for (int k = 0; k < q.length; k++) {
            sum += q[k];
            if (u < sum) return k;
        }
        return q.length - 1;
    }
}
