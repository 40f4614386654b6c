package laai.magics;

/** One line magic: its syntax and what it does with parsed arguments. */
interface MagicCommand {

    Syntax syntax();

    /**
     * Runs the magic. The returned value is the cell's result (a table, a chart, a message);
     * anything else to show goes through {@code host.show}.
     */
    Object run(Args args, Host host);
}
