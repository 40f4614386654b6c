package laai.tasks;

import java.util.List;

/**
 * A seeded split of a task into the N pairs Δ is trained on and held-out test pairs. Test pairs
 * are never among the training pairs, so a test word is one the model may know from pre-training
 * but Δ has never seen.
 */
public record Split(Task task, List<Pair> train, List<Pair> test, long seed) {

    /** {@code nTest} = 0 takes every pair not used for training. */
    public static Split of(Task task, int nTrain, int nTest, long seed) {
        if (nTrain < 1) throw new IllegalArgumentException("the number of training pairs must be at least 1, got " + nTrain);
        int needed = nTrain + Math.max(nTest, 1);
        if (task.size() < needed) {
            throw new TaskFormatException("task " + task.name() + " has " + task.size() + " pairs; " + nTrain
                    + " training pairs and " + (nTest > 0 ? nTest : "at least 1") + " test pairs need " + needed);
        }
        List<Pair> shuffled = task.shuffled(seed);
        List<Pair> train = shuffled.subList(0, nTrain);
        int end = nTest > 0 ? nTrain + nTest : shuffled.size();
        return new Split(task, List.copyOf(train), List.copyOf(shuffled.subList(nTrain, end)), seed);
    }
}
