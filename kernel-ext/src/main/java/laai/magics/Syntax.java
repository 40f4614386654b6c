package laai.magics;

import java.util.List;
import java.util.Set;

import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;

/**
 * How a magic is written: its usage lines (shown with every argument error), the longer help of
 * {@code --help}, the argument schema, and which {@code --options} are switches without a value.
 */
record Syntax(String name, String usage, String details, MagicsArgs schema, Set<String> switches) {

    /**
     * The syntax of a magic that takes the {@code positional} arguments, the {@code options} (each
     * at most once, with a value) and the {@code switches} (at most once, without one); any other
     * option is an error, so that a typo is never quietly ignored.
     */
    static Syntax of(String name, String usage, String details, MagicsArgs.MagicsArgsBuilder positional,
                     List<String> options, Set<String> switches) {
        options.forEach(o -> positional.keyword(o, MagicsArgs.KeywordSpec.ONCE));
        // MagicsArgs has no value-less options: a switch is a keyword that Args.parse gives the value true.
        switches.forEach(o -> positional.keyword(o, MagicsArgs.KeywordSpec.ONCE));
        return new Syntax(name, usage, details, positional.onlyKnownKeywords().onlyKnownFlags().build(), switches);
    }

    /** The usage plus a pointer to the full help: what a user sees after a mistake. */
    String usageWithHint() {
        return usage + System.lineSeparator() + "(%" + name + " --help shows every option)";
    }

    String help() {
        return usage + System.lineSeparator() + System.lineSeparator() + details;
    }
}
