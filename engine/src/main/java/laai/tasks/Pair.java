package laai.tasks;

/** One example of a rule task: an input word and the output the task maps it to. */
public record Pair(String input, String output) implements java.io.Serializable {}
