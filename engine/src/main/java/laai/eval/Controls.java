package laai.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import laai.intervention.Delta;
import laai.model.Chunk;
import laai.model.DecoderModel;
import laai.model.RecordActivations;
import laai.tasks.Pair;
import laai.tasks.Split;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Vectors that need no optimisation, added where Δ is and evaluated as Δ is: what does Δ's
 * optimisation buy over them?
 * <ul>
 *   <li>The <b>mean-difference vector</b>, in the spirit of function vectors: the mean, over the
 *       training pairs, of the site's activation at the last prompt token with k demonstrations
 *       minus without them. It carries what the demonstrations change at that site.</li>
 *   <li>The <b>random control</b>: a vector of Δ's norm on Δ's active heads in a random direction.
 *       If it scores like Δ, the push and not the direction did the work.</li>
 * </ul>
 */
public final class Controls {
    private final Experiment experiment;

    public Controls(Experiment experiment) {
        this.experiment = experiment;
    }

    /**
     * The mean over the split's training pairs of (activation with {@code s.shots()} demonstrations
     * − activation zero-shot) at layer {@code s.layer()}, site {@code s.site()}, last prompt token.
     * The demonstrations of a pair are drawn from the other training pairs as the k-shot baseline
     * draws them (seeded by the split's seed and the pair's input).
     */
    public Delta meanDifference(Split split, Experiment.Settings s) {
        experiment.checkLayer(s.layer());
        List<Pair> train = split.train();
        checkShots(s.shots(), train.size());
        PromptEncoder encoder = experiment.encoder();
        double[] sum = null;
        for (Pair p : train) {
            List<Pair> others = train.stream().filter(q -> q != p).toList();
            List<Pair> demos = Experiment.demos(others, s.shots(), split.seed()).apply(p);
            float[] few = lastActivation(encoder.example(p, demos).prompt(), s);
            float[] zero = lastActivation(encoder.example(p, List.of()).prompt(), s);
            if (sum == null) sum = new double[few.length];
            for (int i = 0; i < sum.length; i++) sum[i] += (double) few[i] - zero[i];
        }
        float[] mean = new float[sum.length];
        for (int i = 0; i < mean.length; i++) mean[i] = (float) (sum[i] / train.size());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("task", split.task().name());
        meta.put("kind", "mean-difference");
        meta.put("shots", String.valueOf(s.shots()));
        meta.put("n_train", String.valueOf(train.size()));
        meta.put("seed", String.valueOf(split.seed()));
        return new Delta(mean, s.layer(), s.site(), experiment.model().config().headDim(), meta);
    }

    /** Each training pair's demonstrations come from the other training pairs: at least one, at most N − 1. */
    public static void checkShots(int shots, int nTrain) {
        if (shots < 1 || shots > nTrain - 1) {
            throw new IllegalArgumentException("the mean-difference vector draws --shots " + shots + " demonstrations for each of the "
                    + nTrain + " training pairs from the other " + (nTrain - 1) + ": use --shots between 1 and " + (nTrain - 1));
        }
    }

    /** The site's activation at the prompt's last token: one forward pass up to layer ℓ. */
    private float[] lastActivation(long[] prompt, Experiment.Settings s) {
        DecoderModel model = experiment.model();
        RecordActivations record = new RecordActivations(s.layer(), s.site());
        try (NDScope ignored = new NDScope();
             Chunk chunk = model.chunk(Chunk.contiguous(new int[] {0}, new int[] {prompt.length}), null)) {
            NDArray x = model.embed(model.manager().create(prompt, new Shape(1, prompt.length)), chunk);
            model.forward(x, 0, s.layer() + 1, chunk, null, record);
            return record.at(0, prompt.length - 1);
        } finally {
            record.recorded().forEach(NDArray::close);
        }
    }

    /**
     * A random direction on Δ's active heads (groups), scaled to Δ's norm; zero elsewhere. Gaussian
     * entries, so that the direction is uniform on the sphere of those heads.
     */
    public static Delta randomControl(Delta delta, long seed) {
        double[] norms = delta.groupNorms();
        int g = delta.groupSize();
        Random random = new Random(seed);
        double[] r = new double[delta.size()];
        double squares = 0;
        for (int h = 0; h < norms.length; h++) {
            if (norms[h] == 0) continue;
            for (int i = h * g; i < Math.min(r.length, (h + 1) * g); i++) {
                r[i] = random.nextGaussian();
                squares += r[i] * r[i];
            }
        }
        float[] values = new float[r.length];
        double scale = squares == 0 ? 0 : delta.norm() / Math.sqrt(squares);
        for (int i = 0; i < values.length; i++) values[i] = (float) (r[i] * scale);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("task", delta.metadata().getOrDefault("task", "?"));
        meta.put("kind", "random-control");
        meta.put("control_seed", String.valueOf(seed));
        return new Delta(values, delta.layer(), delta.site(), g, meta);
    }

    /** The mean-difference vector's row on the split's test pairs. */
    public ResultRow meanDifferenceRow(Split split, Experiment.Settings s) {
        long t0 = System.nanoTime();
        Delta v = meanDifference(split, s);
        Evaluator.Metrics m = experiment.evaluateDelta(split.test(), v, s.everyToken());
        return experiment.row(Method.MEAN_DIFFERENCE, split, s, m, v.activeGroups(), 0, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The random control's row: exact match and first-token accuracy averaged over one random
     * direction per seed (control seeds {@code 0 … directions − 1}); the interval resamples test
     * items across the directions, as a row over seeds does.
     */
    public ResultRow randomControlRow(Split split, Experiment.Settings s, Delta delta, int directions) {
        if (directions < 1) throw new IllegalArgumentException("at least one random direction, got " + directions);
        long t0 = System.nanoTime();
        List<ItemScores> perDirection = new java.util.ArrayList<>();
        for (int seed = 0; seed < directions; seed++) {
            perDirection.add(experiment.evaluateDelta(split.test(), randomControl(delta, seed), s.everyToken()).items());
        }
        return experiment.row(Method.RANDOM_CONTROL, split, s, ItemScores.pooled(perDirection), delta.activeGroups(), 0,
                (System.nanoTime() - t0) / 1e9);
    }
}
