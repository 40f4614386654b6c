package laai.eval;

import java.util.List;
import java.util.Locale;

/**
 * How a greedy generation is scored against a pair's accepted answers. {@link #FV} is the Function
 * Vectors evaluation's exact match (the default, so that numbers compare with the paper's and
 * other tools'); {@link #STRICT} is this project's first comparison, kept as an option.
 */
public enum Scorer {
    /** First run of word characters, dots and spaces; lowercase, no punctuation, no articles, whitespace collapsed; best over the answers. */
    FV("fv", "Function Vectors exact match (first word run; case, punctuation, articles, extra spaces ignored; any accepted answer)") {
        @Override
        public boolean matches(String generated, List<String> accepted) {
            return FunctionVectorsAnswers.matches(generated, accepted);
        }

        @Override
        public String shown(String generated) {
            return FunctionVectorsAnswers.shown(generated);
        }
    },
    /** The whole first line, lowercased, surrounding punctuation stripped, equal to an accepted answer. */
    STRICT("strict", "strict exact match (whole first line; case and surrounding punctuation ignored; any accepted answer)") {
        @Override
        public boolean matches(String generated, List<String> accepted) {
            return accepted.stream().anyMatch(a -> Answers.matches(generated, a));
        }

        @Override
        public String shown(String generated) {
            return Answers.normalise(generated);
        }
    };

    private final String label;
    private final String description;

    Scorer(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** Whether the generation counts as one of the accepted answers. */
    public abstract boolean matches(String generated, List<String> accepted);

    /** The generation as this scorer compares it. */
    public abstract String shown(String generated);

    /** The option value: fv or strict. */
    public String label() {
        return label;
    }

    /** One line for captions. */
    public String description() {
        return description;
    }

    public static final Scorer DEFAULT = FV;

    public static Scorer parse(String s) {
        for (Scorer scorer : values()) {
            if (scorer.label.equals(s.toLowerCase(Locale.ROOT))) return scorer;
        }
        throw new IllegalArgumentException("--scorer must be fv (Function Vectors exact match) or strict, got '" + s + "'");
    }
}
