package laai.tasks;

import java.util.List;

/**
 * A seeded split of a task into training, validation and test pairs, for choosing a setting
 * (the layer, γ, λ) without looking at the test pairs. Training and test pairs are exactly those
 * of {@link Split#of} at the same N, test count and seed, so the test score of the chosen setting
 * is on the pairs a plain sweep reports; the validation pairs are the last {@code nValidation} of
 * the seed's shuffle, pairs that neither split uses. With {@code nTest} = 0 ("all the rest") the
 * test pairs are those between the training and the validation pairs.
 */
public record ValidationSplit(Task task, List<Pair> train, List<Pair> validation, List<Pair> test, long seed) {

    public ValidationSplit {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
    }

    public static ValidationSplit of(Task task, int nTrain, int nTest, int nValidation, long seed) {
        if (nTrain < 1) throw new IllegalArgumentException("the number of training pairs must be at least 1, got " + nTrain);
        if (nTest < 0) throw new IllegalArgumentException("--test must be ≥ 0 (0: all the rest), got " + nTest);
        if (nValidation < 1) {
            throw new IllegalArgumentException("--validation must be at least 1 (the pairs a setting is chosen on), got "
                    + nValidation);
        }
        int needed = nTrain + Math.max(nTest, 1) + nValidation;
        if (task.size() < needed) {
            throw new TaskFormatException("task " + task.name() + " has " + task.size() + " pairs; " + nTrain
                    + " training, " + (nTest > 0 ? String.valueOf(nTest) : "at least 1") + " test and " + nValidation
                    + " validation pairs need " + needed + " (lower --validation"
                    + (nTest > 0 ? " or --test)" : ")"));
        }
        List<Pair> shuffled = task.shuffled(seed);
        int validationStart = shuffled.size() - nValidation;
        int testEnd = nTest > 0 ? nTrain + nTest : validationStart;
        return new ValidationSplit(task, shuffled.subList(0, nTrain), shuffled.subList(validationStart, shuffled.size()),
                shuffled.subList(nTrain, testEnd), seed);
    }

    /** The split a setting is chosen on: the training pairs, and the validation pairs held out in place of the test pairs. */
    public Split selection() {
        return new Split(task, train, validation, seed);
    }

    /** The split the chosen setting is reported on: the training pairs and the test pairs. */
    public Split testing() {
        return new Split(task, train, test, seed);
    }
}
