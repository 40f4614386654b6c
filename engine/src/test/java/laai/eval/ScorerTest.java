package laai.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Function Vectors scorer on cases from its evaluation's behaviour (normalize_answer,
 * parse_generation and the best over the accepted answers in their eval_utils.py), and where the
 * strict scorer differs.
 */
class ScorerTest {

    private static boolean fv(String generated, String... accepted) {
        return Scorer.FV.matches(generated, List.of(accepted));
    }

    private static boolean strict(String generated, String... accepted) {
        return Scorer.STRICT.matches(generated, List.of(accepted));
    }

    @Test
    void articlesAreIgnoredAsWholeWordsOnly() {
        assertTrue(fv(" the cold", "cold"));
        assertTrue(fv(" an apple", "apple"));
        assertTrue(fv(" cold", "a cold"), "the target is normalised too");
        assertFalse(strict(" the cold", "cold"));
        // "a" inside a word, or "then", is not an article.
        assertFalse(fv(" theory", "ory"));
        assertEquals("then", FunctionVectorsAnswers.normalise("Then"));
        assertEquals("", FunctionVectorsAnswers.normalise("The An A"));
    }

    @Test
    void punctuationIsRemovedEverywhereAndCaseIgnored() {
        assertTrue(fv(" Cold.", "cold"));
        assertTrue(fv(" U.S.A", "usa"), "dots are part of the answer run, then removed as punctuation");
        assertTrue(fv(" cold", "co-ld"), "the target loses its hyphen");
        assertTrue(strict(" Cold.", "cold"));
        assertFalse(strict(" U.S.A", "usa"));
    }

    @Test
    void theAnswerIsTheFirstRunOfWordCharactersDotsAndSpaces() {
        assertEquals(" cold", FunctionVectorsAnswers.answerIn(" cold\nQ: hot"));
        assertEquals("cold", FunctionVectorsAnswers.answerIn("\"cold\", said she"));
        assertEquals(" très froid", FunctionVectorsAnswers.answerIn(" très froid!"), "Unicode letters are word characters");
        assertEquals(" l", FunctionVectorsAnswers.answerIn(" l'eau"), "an apostrophe ends the run, as in their regex");
        assertNull(FunctionVectorsAnswers.answerIn("\n!?"));
        assertTrue(fv(" cold\nQ: hot\nA:", "cold"), "trailing text after the line is not read");
        assertTrue(fv("\"cold\", she said", "cold"));
        assertFalse(strict("\"cold\", she said", "cold"));
        assertFalse(fv(" cold weather", "cold"), "the whole run must match");
        assertFalse(fv("", "cold"));
        assertFalse(fv("\n", "cold"));
    }

    @Test
    void whitespaceIsCollapsed() {
        assertTrue(fv("  ice   cream ", "ice cream"));
        assertEquals("ice cream", FunctionVectorsAnswers.normalise("\tIce \u00a0 Cream "));
    }

    @Test
    void anyAcceptedAnswerCounts() {
        assertTrue(fv(" chilly", "cold", "chilly", "cool"));
        assertTrue(strict(" chilly", "cold", "chilly"));
        assertFalse(fv(" warm", "cold", "chilly", "cool"));
        assertFalse(strict(" warm", "cold", "chilly"));
    }

    @Test
    void theStrictScorerComparesTheWholeFirstLine() {
        assertTrue(strict(" (cold)\nmore", "cold"));
        assertFalse(strict(" cold day", "cold"));
        assertEquals("cold day", Scorer.STRICT.shown(" Cold day.\n"));
        assertEquals("cold day", Scorer.FV.shown(" The cold day.\n"));
    }

    @Test
    void scorersByName() {
        assertEquals(Scorer.FV, Scorer.parse("fv"));
        assertEquals(Scorer.STRICT, Scorer.parse("STRICT"));
        assertEquals(Scorer.FV, Scorer.DEFAULT);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Scorer.parse("loose")).getMessage().contains("--scorer"));
    }
}
