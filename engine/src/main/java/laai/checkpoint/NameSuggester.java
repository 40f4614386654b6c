package laai.checkpoint;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Picks the tensor names closest to a missing one, so that "not found" shows at a glance whether a
 * prefix differs ({@code transformer.h.0} vs {@code h.0}) or a name is plain wrong.
 */
final class NameSuggester {

    private NameSuggester() {}

    static List<String> closest(String wanted, Collection<String> names, int limit) {
        record Scored(String name, int distance) {}
        return names.stream()
                .map(n -> new Scored(n, distance(wanted, n)))
                .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
                .limit(limit)
                .map(s -> "'" + s.name() + "'")
                .collect(Collectors.toList());
    }

    /** Levenshtein distance, two-row dynamic programme. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
