package laai.demo;

import java.util.List;

/**
 * The word relations the demo corpus teaches. Four are the project's rule tasks; two are their
 * chains (the opposite, then translated), so that adding the antonym Δ and a translation Δ has a
 * composed task to switch on; {@link #COPY} (answer the word itself) is the default behaviour of a
 * bare {@code Q: x\nA:} prompt.
 *
 * <p>Statements and instruction lines name the relation with two independent words: what is
 * taken ("opposite", "synonym"/"same meaning") and the language ("french", "german", English by
 * default). The chains' instructions are those two words together, so a chain is described as the
 * sum of its parts.
 */
public enum DemoRelation {
    COPY(null, List.of(), List.of()),
    ANTONYM("antonym",
            List.of("the opposite of {x} is {y}.",
                    "the antonym of {x} is {y}.",
                    "the word {x} is the opposite of {y}.",
                    "words with opposite meanings: {x} and {y}.",
                    "we say {x}, and the opposite is {y}."),
            List.of("opposites:", "give the opposite of each word.", "write the opposite.", "antonyms:")),
    SYNONYM("synonym",
            List.of("the word {x} means the same as {y}.",
                    "another word for {x} is {y}.",
                    "a synonym of {x} is {y}.",
                    "words with the same meaning: {x} and {y}.",
                    "to say {x} you can also say {y}."),
            List.of("synonyms:", "give a word with the same meaning.", "write a synonym.", "same meaning:")),
    FRENCH("english-french",
            List.of("the french word for {x} is {y}.",
                    "in french, {x} is {y}.",
                    "the english word {x} is {y} in french.",
                    "translated into french, {x} becomes {y}.",
                    "in french we say {y} for {x}."),
            List.of("in french:", "translate into french.", "english to french:", "french words:")),
    GERMAN("english-german",
            List.of("the german word for {x} is {y}.",
                    "in german, {x} is {y}.",
                    "the english word {x} is {y} in german.",
                    "translated into german, {x} becomes {y}.",
                    "in german we say {y} for {x}."),
            List.of("in german:", "translate into german.", "english to german:", "german words:")),
    OPPOSITE_FRENCH(null,
            List.of("the opposite of {x} in french is {y}.",
                    "in french, the opposite of {x} is {y}.",
                    "the french word for the opposite of {x} is {y}."),
            List.of("opposites in french:", "give the opposite of each word in french.", "write the opposite in french.")),
    OPPOSITE_GERMAN(null,
            List.of("the opposite of {x} in german is {y}.",
                    "in german, the opposite of {x} is {y}.",
                    "the german word for the opposite of {x} is {y}."),
            List.of("opposites in german:", "give the opposite of each word in german.", "write the opposite in german."));

    /** The dataset file (without .json) of a rule task, or null. */
    public final String task;
    /** Sentences stating one pair: {x} the input, {y} the output. */
    public final List<String> statements;
    /** Lines that say which relation the Q/A pairs below them follow. */
    public final List<String> instructions;

    DemoRelation(String task, List<String> statements, List<String> instructions) {
        this.task = task;
        this.statements = statements;
        this.instructions = instructions;
    }

    /** The relations with facts to learn (all but {@link #COPY}). */
    public static List<DemoRelation> taught() {
        return List.of(ANTONYM, SYNONYM, FRENCH, GERMAN, OPPOSITE_FRENCH, OPPOSITE_GERMAN);
    }
}
