package laai.magics;

/** One line magic: its syntax and what it does with parsed arguments. */
abstract class MagicCommand {

    private final Syntax syntax;

    MagicCommand(Syntax syntax) {
        this.syntax = syntax;
    }

    final Syntax syntax() {
        return syntax;
    }

    /**
     * Runs the magic. The returned value is the cell's result (a table, a chart, a message);
     * anything else to show goes through {@code host.show}.
     */
    abstract Object run(Args args, Host host);
}
