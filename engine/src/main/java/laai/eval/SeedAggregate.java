package laai.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows of the same method, task, layer, site, γ, λ, N and scorer run at several seeds, as one row
 * each: the mean over seeds of each seed's mean, with the two-level bootstrap interval over seeds
 * and items ({@link Bootstrap#meanOverGroups}). Active heads and steps are rounded means over the
 * seeds, seconds their sum. A row alone in its group is kept as it is, so aggregating twice
 * changes nothing. Rows come out in the order their groups first appear.
 */
public final class SeedAggregate {
    private SeedAggregate() {}

    /** What makes rows the same measurement but for the seed. */
    private record Key(Method method, String task, int layer, String site, double gamma, double lambda, int nTrain,
                       String scorer) {
        static Key of(ResultRow r) {
            return new Key(r.method(), r.task(), r.layer(), r.site(), r.gamma(), r.lambda(), r.nTrain(), r.scorer());
        }
    }

    public static List<ResultRow> aggregate(List<ResultRow> rows) {
        Map<Key, List<ResultRow>> groups = new LinkedHashMap<>();
        for (ResultRow r : rows) groups.computeIfAbsent(Key.of(r), k -> new ArrayList<>()).add(r);
        List<ResultRow> out = new ArrayList<>();
        for (List<ResultRow> group : groups.values()) out.add(group.size() == 1 ? group.get(0) : merge(group));
        return out;
    }

    private static ResultRow merge(List<ResultRow> group) {
        ResultRow first = group.get(0);
        List<Long> seeds = new ArrayList<>();
        List<ItemScores> items = new ArrayList<>();
        double heads = 0, steps = 0, seconds = 0;
        for (ResultRow r : group) {
            seeds.addAll(r.seeds());
            items.add(r.items());
            heads += r.activeHeads();
            steps += r.steps();
            seconds += r.seconds();
        }
        int n = group.size();
        int activeHeads = first.activeHeads() < 0 ? -1 : (int) Math.round(heads / n);
        return ResultRow.withItems(first.method(), first.task(), first.layer(), first.site(), first.gamma(),
                first.lambda(), first.nTrain(), seeds, activeHeads, (int) Math.round(steps / n), seconds,
                first.scorer(), ItemScores.pooled(items));
    }
}
