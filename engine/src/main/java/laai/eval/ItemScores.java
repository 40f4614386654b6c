package laai.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * A row's per-item values, one array per seed behind the row (one for a single run): exact match
 * and first-token hits as 0/1, and KL(q ‖ p) per item. What the row's intervals are computed from,
 * and what aggregating rows over seeds pools. A metric a row does not have is empty arrays.
 */
public record ItemScores(List<double[]> exact, List<double[]> firstToken, List<double[]> kl)
        implements java.io.Serializable {

    public ItemScores {
        exact = List.copyOf(exact);
        firstToken = List.copyOf(firstToken);
        kl = List.copyOf(kl);
    }

    public static final ItemScores NONE = new ItemScores(List.of(), List.of(), List.of());

    /** One run's values; null stands for a metric the run does not have. */
    public static ItemScores ofRun(double[] exact, double[] firstToken, double[] kl) {
        return new ItemScores(one(exact), one(firstToken), one(kl));
    }

    private static List<double[]> one(double[] values) {
        return values == null ? List.of() : List.<double[]>of(values.clone());
    }

    /** The seeds' values side by side. */
    public static ItemScores pooled(List<ItemScores> runs) {
        List<double[]> e = new ArrayList<>(), f = new ArrayList<>(), k = new ArrayList<>();
        for (ItemScores r : runs) {
            e.addAll(r.exact);
            f.addAll(r.firstToken);
            k.addAll(r.kl);
        }
        return new ItemScores(e, f, k);
    }

    /** The mean over seeds of each seed's mean over items; NaN when the metric is absent. */
    public static double meanOfMeans(List<double[]> groups) {
        if (groups.isEmpty()) return Double.NaN;
        double sum = 0;
        for (double[] g : groups) sum += Bootstrap.mean(g);
        return sum / groups.size();
    }

    /** The bootstrap interval of {@link #meanOfMeans}; NONE when the metric is absent. */
    public static Interval interval(List<double[]> groups) {
        return groups.isEmpty() ? Interval.NONE : Bootstrap.DEFAULT.meanOverGroups(groups);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ItemScores other && same(exact, other.exact) && same(firstToken, other.firstToken)
                && same(kl, other.kl);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (List<double[]> l : List.of(exact, firstToken, kl)) for (double[] a : l) h = 31 * h + java.util.Arrays.hashCode(a);
        return h;
    }

    private static boolean same(List<double[]> a, List<double[]> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!java.util.Arrays.equals(a.get(i), b.get(i))) return false;
        return true;
    }

    @Override
    public String toString() {
        return "ItemScores[" + exact.size() + " runs]";
    }
}
