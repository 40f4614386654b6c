package laai.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BootstrapTest {

    private static double[] hits(int n, int ones) {
        double[] v = new double[n];
        for (int i = 0; i < ones; i++) v[i] = 1;
        return v;
    }

    /** Equal up to rounding: a resample's mean adds the same numbers in another order. */
    private static void assertInterval(double low, double high, Interval actual) {
        assertEquals(low, actual.low(), 1e-12, actual.toString());
        assertEquals(high, actual.high(), 1e-12, actual.toString());
    }

    @Test
    void theSameSeedGivesTheSameIntervalAndAnotherSeedAnother() {
        double[] values = hits(50, 42);
        Interval a = new Bootstrap(1000, 0.95, 7).interval(values);
        Interval b = new Bootstrap(1000, 0.95, 7).interval(values.clone());
        assertEquals(a, b);
        assertEquals(Bootstrap.DEFAULT.interval(values), Bootstrap.DEFAULT.interval(values));
        // A different seed resamples differently: over a few seeds, some bound moves.
        boolean moved = false;
        for (long seed = 8; seed < 13; seed++) moved |= !new Bootstrap(1000, 0.95, seed).interval(values).equals(a);
        assertTrue(moved);
    }

    @Test
    void intervalsContainThePointValueAndNarrowWithMoreItems() {
        SplittableRandom random = new SplittableRandom(3);
        for (int n : new int[] {5, 20, 50, 200}) {
            double[] kl = new double[n];
            for (int i = 0; i < n; i++) kl[i] = -Math.log(random.nextDouble()); // skewed, as KL values are
            Interval ci = Bootstrap.DEFAULT.interval(kl);
            assertTrue(ci.contains(Bootstrap.mean(kl)), n + ": " + ci + " " + Bootstrap.mean(kl));
            assertTrue(ci.low() < ci.high(), ci.toString());
        }
        Interval narrow = Bootstrap.DEFAULT.interval(hits(400, 336)), wide = Bootstrap.DEFAULT.interval(hits(50, 42));
        assertTrue(narrow.high() - narrow.low() < wide.high() - wide.low(), narrow + " vs " + wide);
        // 0.84 of 50: the normal approximation's half-width is 1.96·√(0.84·0.16/50) = 0.10.
        assertEquals(0.20, wide.high() - wide.low(), 0.05, wide.toString());
    }

    @Test
    void smallCasesByHand() {
        // Constant values: every resample has the same mean.
        assertInterval(0.7, 0.7, Bootstrap.DEFAULT.interval(new double[] {0.7, 0.7, 0.7}));
        assertEquals(new Interval(1, 1), Bootstrap.DEFAULT.interval(new double[] {1}));
        // Two items, 0 and 1: a resample's mean is 0, 0.5 or 1 with chances 1/4, 1/2, 1/4, so of 1000
        // resamples about 250 are 0 and 250 are 1: the 2.5 % and 97.5 % quantiles are 0 and 1.
        assertEquals(new Interval(0, 1), Bootstrap.DEFAULT.interval(new double[] {0, 1}));
        // Quantiles interpolate between order statistics at q·(n − 1).
        double[] sorted = {1, 2, 3, 4, 5};
        assertEquals(2.0, Bootstrap.quantile(sorted, 0.25), 1e-12);
        assertEquals(1.2, Bootstrap.quantile(sorted, 0.05), 1e-12);
        assertEquals(5.0, Bootstrap.quantile(sorted, 1.0), 1e-12);
        // No values, or NaN: no interval.
        assertTrue(Bootstrap.DEFAULT.interval(new double[0]).isNone());
        assertTrue(Bootstrap.DEFAULT.interval(new double[] {1, Double.NaN}).isNone());
    }

    @Test
    void overSeedsBothTheSeedsAndTheItemsVary() {
        // Three seeds whose items are constant: only the choice of seeds varies. Resamples are means
        // of three draws from {0.2, 0.5, 0.8}: at least 0.2, at most 0.8, and the extremes (all three
        // draws the same seed) have chance 1/27 each, above 2.5 %, so the interval is [0.2, 0.8].
        List<double[]> seeds = List.of(new double[] {0.2, 0.2}, new double[] {0.5, 0.5}, new double[] {0.8, 0.8});
        assertInterval(0.2, 0.8, Bootstrap.DEFAULT.meanOverGroups(seeds));
        // Three identical seeds: the same as one seed's items alone... up to resampling noise, and
        // never wider than what items alone allow.
        double[] items = hits(50, 30);
        Interval one = Bootstrap.DEFAULT.interval(items);
        Interval three = Bootstrap.DEFAULT.meanOverGroups(List.of(items, items, items));
        assertTrue(three.high() - three.low() < one.high() - one.low(), three + " vs " + one);
        assertNotEquals(one, three);
    }

    @Test
    void overlapAndFormatting() {
        assertTrue(new Interval(0.7, 0.9).overlaps(new Interval(0.9, 1.0)));
        assertFalse(new Interval(0.7, 0.8).overlaps(new Interval(0.82, 1.0)));
        assertFalse(Interval.NONE.overlaps(new Interval(0, 1)));
        assertEquals("0.84 [0.74, 0.92]", Interval.format(0.84, new Interval(0.74, 0.92), 2));
        assertEquals("0.345", Interval.format(0.345, Interval.NONE, 3));
        assertEquals("-", Interval.format(Double.NaN, Interval.NONE, 2));
    }
}
