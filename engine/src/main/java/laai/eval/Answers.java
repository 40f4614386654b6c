package laai.eval;

import java.util.Locale;

/** The exact-match comparison: case, surrounding whitespace and punctuation do not count. */
public final class Answers {
    private Answers() {}

    public static String normalise(String s) {
        int nl = s.indexOf('\n');
        if (nl >= 0) s = s.substring(0, nl);
        s = s.strip().toLowerCase(Locale.ROOT);
        int from = 0, to = s.length();
        while (from < to && isEdgePunctuation(s.charAt(from))) from++;
        while (to > from && isEdgePunctuation(s.charAt(to - 1))) to--;
        return s.substring(from, to).strip();
    }

    private static boolean isEdgePunctuation(char c) {
        return ".,;:!?\"'()[]«»“”‘’".indexOf(c) >= 0;
    }

    public static boolean matches(String generated, String target) {
        return normalise(generated).equals(normalise(target));
    }
}
