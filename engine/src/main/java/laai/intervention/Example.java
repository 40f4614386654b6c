package laai.intervention;

/**
 * One training sample for Δ: a prompt, and either the answer tokens the model should produce
 * after it (teacher-forced NLL) or a target distribution over option tokens at the prompt's last
 * position (KL).
 */
public record Example(long[] prompt, long[] answer, long[] options, float[] target) {

    public static Example answer(long[] prompt, long[] answer) {
        if (prompt.length == 0) throw new IllegalArgumentException("empty prompt");
        if (answer.length == 0) throw new IllegalArgumentException("the answer tokenises to nothing");
        return new Example(prompt, answer, null, null);
    }

    public static Example distribution(long[] prompt, long[] options, float[] target) {
        if (prompt.length == 0) throw new IllegalArgumentException("empty prompt");
        if (options.length != target.length) throw new IllegalArgumentException("one target probability per option");
        return new Example(prompt, new long[0], options, target);
    }

    public boolean isDistribution() {
        return options != null;
    }

    /** Position (0-based) of the last prompt token: where Δ acts. */
    public int lastPromptPosition() {
        return prompt.length - 1;
    }

    /**
     * Positions from the last prompt token on whose outputs the loss reads: one per answer token
     * (the answer is fed teacher-forced, all but its last token), or just the last prompt token.
     */
    public int changedPositions() {
        return Math.max(answer.length, 1);
    }

    /** prompt followed by all answer tokens but the last: the teacher-forced input. */
    public long[] teacherForced() {
        long[] ids = java.util.Arrays.copyOf(prompt, prompt.length + Math.max(answer.length - 1, 0));
        if (answer.length > 1) System.arraycopy(answer, 0, ids, prompt.length, answer.length - 1);
        return ids;
    }
}
