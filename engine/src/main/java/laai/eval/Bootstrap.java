package laai.eval;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap intervals of a mean over test items. Resampling is seeded, so the same values
 * give the same interval in every run and process.
 *
 * <p>Over one run: resample the items with replacement {@code resamples} times, take each
 * resample's mean, and report the (1 − level)/2 and (1 + level)/2 quantiles of those means.
 *
 * <p>Over several seeds ({@link #meanOverGroups}), each a run with its own split and Δ: a two-level
 * bootstrap, resampling the seeds with replacement and then, within each drawn seed, its items;
 * a resample's value is the mean over its drawn seeds of their item means (the point value is the
 * mean of the seeds' means). Both the test items and the seed (split, demonstrations, Δ) vary, so
 * the interval covers both sources of noise; with few seeds it is coarse, and wider than one
 * seed's.
 */
public final class Bootstrap {
    public static final int RESAMPLES = 1000;
    public static final double LEVEL = 0.95;
    public static final long SEED = 0x5EED_B007L;

    /** The one used for every reported interval. */
    public static final Bootstrap DEFAULT = new Bootstrap(RESAMPLES, LEVEL, SEED);

    private final int resamples;
    private final double level;
    private final long seed;

    public Bootstrap(int resamples, double level, long seed) {
        if (resamples < 1) throw new IllegalArgumentException("at least one resample, got " + resamples);
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level must be in (0, 1), got " + level);
        this.resamples = resamples;
        this.level = level;
        this.seed = seed;
    }

    /** The interval of the mean of {@code values}; {@link Interval#NONE} for no values or any NaN. */
    public Interval interval(double[] values) {
        return meanOverGroups(List.of(values));
    }

    /**
     * The two-level interval of the mean over groups (seeds) of each group's mean over its items;
     * with one group, the ordinary bootstrap of its mean.
     */
    public Interval meanOverGroups(List<double[]> groups) {
        if (groups.isEmpty()) return Interval.NONE;
        for (double[] g : groups) {
            if (g.length == 0) return Interval.NONE;
            for (double v : g) if (Double.isNaN(v)) return Interval.NONE;
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] means = new double[resamples];
        int k = groups.size();
        for (int r = 0; r < resamples; r++) {
            double sum = 0;
            for (int s = 0; s < k; s++) {
                double[] g = k == 1 ? groups.get(0) : groups.get(random.nextInt(k));
                double itemSum = 0;
                for (int i = 0; i < g.length; i++) itemSum += g[random.nextInt(g.length)];
                sum += itemSum / g.length;
            }
            means[r] = sum / k;
        }
        Arrays.sort(means);
        return new Interval(quantile(means, (1 - level) / 2), quantile(means, (1 + level) / 2));
    }

    /**
     * The q-quantile of sorted values, interpolating linearly between order statistics at
     * position q·(n − 1) (numpy's and R's default, type 7).
     */
    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        double fraction = position - below;
        return sorted[below] + fraction * (sorted[above] - sorted[below]);
    }

    /** The mean; NaN for no values. */
    public static double mean(double[] values) {
        if (values.length == 0) return Double.NaN;
        double sum = 0;
        for (double v : values) sum += v;
        return sum / values.length;
    }
}
