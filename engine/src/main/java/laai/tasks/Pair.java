package laai.tasks;

import java.util.List;

/**
 * One example of a rule task: an input word, the output Δ is trained to produce, and every answer
 * accepted as correct when scoring (the output first). Function Vectors task files may give
 * several accepted answers as a JSON array; the first is the training target.
 */
public record Pair(String input, String output, List<String> accepted) implements java.io.Serializable {

    public Pair {
        accepted = List.copyOf(accepted);
        if (accepted.isEmpty() || !accepted.get(0).equals(output)) {
            throw new IllegalArgumentException("the accepted answers " + accepted + " must start with the output \""
                    + output + "\"");
        }
    }

    /** A pair with one accepted answer, its output. */
    public Pair(String input, String output) {
        this(input, output, List.of(output));
    }

    /** A pair whose accepted answers are {@code answers}; the first is the training target. */
    public static Pair of(String input, List<String> answers) {
        if (answers.isEmpty()) throw new IllegalArgumentException("no answer for input \"" + input + "\"");
        return new Pair(input, answers.get(0), answers);
    }
}
