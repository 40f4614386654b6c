package laai.tasks;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidationSplitTest {

    private static Task task(int size) {
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < size; i++) pairs.add(new Pair("in" + i, "out" + i));
        return new Task("t", pairs);
    }

    @Test
    void trainingAndTestPairsAreThePlainSplitsAndValidationIsDisjointFromBoth() {
        Task t = task(40);
        for (long seed : new long[] {0, 1, 7}) {
            ValidationSplit v = ValidationSplit.of(t, 5, 12, 8, seed);
            Split plain = Split.of(t, 5, 12, seed);
            assertEquals(plain.train(), v.train());
            assertEquals(plain.test(), v.test(), "the chosen setting is reported on the plain sweep's test pairs");
            assertEquals(8, v.validation().size());
            Set<Pair> seen = new HashSet<>();
            for (List<Pair> part : List.of(v.train(), v.test(), v.validation())) {
                for (Pair p : part) assertTrue(seen.add(p), p + " is in two parts of the split");
            }
            assertEquals(v.validation(), v.selection().test(), "selection holds the validation pairs out, not the test pairs");
            assertEquals(v.train(), v.selection().train());
            assertEquals(v.test(), v.testing().test());
        }
    }

    @Test
    void allTheRestLeavesTheValidationPairsOutOfTheTest() {
        Task t = task(30);
        ValidationSplit v = ValidationSplit.of(t, 5, 0, 10, 3);
        assertEquals(15, v.test().size());
        Set<Pair> test = new HashSet<>(v.test());
        assertTrue(v.validation().stream().noneMatch(test::contains));
        assertTrue(v.train().stream().noneMatch(test::contains));
    }

    @Test
    void tooFewPairsOrNoValidationPairsSayWhat() {
        Task t = task(30);
        TaskFormatException tooMany = assertThrows(TaskFormatException.class, () -> ValidationSplit.of(t, 10, 15, 20, 0));
        assertEquals("task t has 30 pairs; 10 training, 15 test and 20 validation pairs need 45 (lower --validation or --test)",
                tooMany.getMessage());
        TaskFormatException rest = assertThrows(TaskFormatException.class, () -> ValidationSplit.of(t, 10, 0, 20, 0));
        assertTrue(rest.getMessage().contains("at least 1 test and 20 validation pairs need 31 (lower --validation)"),
                rest.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> ValidationSplit.of(t, 10, 5, 0, 0));
        assertTrue(none.getMessage().startsWith("--validation must be at least 1"), none.getMessage());
        assertEquals(30, ValidationSplit.of(t, 10, 15, 5, 0).train().size() + 15 + 5, "exactly enough is enough");
    }
}
