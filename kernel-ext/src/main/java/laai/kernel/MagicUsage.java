package laai.kernel;

import java.util.List;
import java.util.Map;

import org.dflib.jjava.jupyter.kernel.magic.MagicArgsParseException;
import org.dflib.jjava.jupyter.kernel.magic.MagicsArgs;

/**
 * Parses magic arguments against a jjava {@link MagicsArgs} schema and turns a parse failure into a
 * {@link MagicUsageException} that shows the magic's usage.
 *
 * <pre>{@code
 * static final MagicsArgs ARGS = MagicsArgs.builder().required("layer").keyword("alpha").onlyKnownKeywords().build();
 * Map<String, List<String>> a = MagicUsage.parse("%steer", ARGS, args);
 * }</pre>
 */
public final class MagicUsage {

    private MagicUsage() {
    }

    /**
     * @param magic how the magic is written in a cell, e.g. {@code "%steer"} or {@code "%%compose"}
     */
    public static Map<String, List<String>> parse(String magic, MagicsArgs schema, List<String> args) {
        return parseWithUsage(usage(magic, schema), schema, args);
    }

    /**
     * Like {@link #parse(String, MagicsArgs, List)}, with a hand-written usage text instead of the
     * one derived from the schema (which cannot show value names or choices).
     */
    public static Map<String, List<String>> parseWithUsage(String usage, MagicsArgs schema, List<String> args) {
        try {
            return schema.parse(args);
        } catch (MagicArgsParseException e) {
            throw new MagicUsageException(usage + System.lineSeparator() + e.getMessage());
        }
    }

    /** {@code usage: %name <schema>}, in MagicsArgs' notation ([optional], name..., --keyword, -f). */
    public static String usage(String magic, MagicsArgs schema) {
        String args = schema.toString();
        return "usage: " + magic + (args.isEmpty() ? "" : " " + args);
    }
}
