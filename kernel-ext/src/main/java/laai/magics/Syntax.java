package laai.magics;

import java.util.Set;

import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;

/**
 * How a magic is written: its usage lines (shown with every argument error), the longer help of
 * {@code --help}, the argument schema, and which {@code --options} are switches without a value.
 */
record Syntax(String name, String usage, String details, MagicsArgs schema, Set<String> switches) {

    /** The usage plus a pointer to the full help: what a user sees after a mistake. */
    String usageWithHint() {
        return usage + System.lineSeparator() + "(%" + name + " --help shows every option)";
    }

    String help() {
        return usage + System.lineSeparator() + System.lineSeparator() + details;
    }
}
