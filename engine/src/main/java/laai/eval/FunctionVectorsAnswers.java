package laai.eval;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Exact match as the Function Vectors evaluation scores a generation (Todd et al., ICLR 2024, whose
 * task files the paper uses; their normalisation is that of SQuAD / Hugging Face {@code evaluate}):
 * the answer is the first run of word characters, dots and spaces in the generation; it and each
 * accepted answer are lowercased, stripped of ASCII punctuation and of the articles a, an and the,
 * and their whitespace collapsed; the score is the best over the accepted answers.
 *
 * <p>Word characters are Unicode ones, as in Python 3's {@code re} on strings, so "été" is one run;
 * an apostrophe or a hyphen ends the run ("l'eau" is read as "l"), as it does there.
 */
final class FunctionVectorsAnswers {
    private FunctionVectorsAnswers() {}

    private static final Pattern ANSWER = Pattern.compile("[\\w. ]+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern ARTICLE = Pattern.compile("\\b(a|an|the)\\b", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern SPACES = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    /** Python's string.punctuation: the ASCII punctuation only; « » and curly quotes stay. */
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /** The part of a generation that is scored; null when it has no word character, dot or space. */
    static String answerIn(String generated) {
        Matcher m = ANSWER.matcher(generated);
        return m.find() ? m.group() : null;
    }

    /** Lowercase, drop punctuation, then the articles, then collapse whitespace. */
    static String normalise(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        StringBuilder kept = new StringBuilder(lower.length());
        lower.codePoints().filter(c -> c > 127 || PUNCTUATION.indexOf(c) < 0).forEach(kept::appendCodePoint);
        String noArticles = ARTICLE.matcher(kept).replaceAll(" ");
        return String.join(" ", SPACES.split(noArticles.strip()));
    }

    static boolean matches(String generated, List<String> accepted) {
        String answer = answerIn(generated);
        if (answer == null) return false;
        String normalised = normalise(answer);
        return accepted.stream().anyMatch(a -> normalise(a).equals(normalised));
    }

    /** What was compared, for the predictions list. */
    static String shown(String generated) {
        String answer = answerIn(generated);
        return answer == null ? "" : normalise(answer);
    }
}
