package laai.kernel;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.dflib.jjava.jupyter.kernel.BaseNotebookStatics;
import org.dflib.jjava.jupyter.kernel.magic.MagicTranspiler;
import org.dflib.jjava.jupyter.kernel.magic.ParsedCellMagic;
import org.dflib.jjava.jupyter.kernel.magic.ParsedLineMagic;

/**
 * Turns {@code %name args} and {@code %%name args\nbody} into calls of jjava's magic entry points.
 *
 * <p>Differs from jjava 1.0-a6's transpiler in two ways: the call is left as the snippet's
 * expression (a6 appends {@code {};}, which discards the value), so a magic's return value is
 * rendered; and arguments are decoded as UTF-8 explicitly instead of with the platform charset.
 */
public class ValueMagicTranspiler extends MagicTranspiler {

    private static final String STATICS = BaseNotebookStatics.class.getName();
    private static final Pattern UNESCAPED_QUOTE = Pattern.compile("(?<!\\\\)\"");

    @Override
    public String transpileCell(ParsedCellMagic magic) {
        return STATICS + ".cellMagic(" + literal(magic.magicCall.name) + ", " + list(magic.magicCall.args)
                + ", " + literal(magic.magicCall.body) + ");";
    }

    @Override
    public String transpileLine(ParsedLineMagic magic) {
        if (insideStringLiteral(magic.linePrefix)) {
            return magic.raw;
        }
        return STATICS + ".lineMagic(" + literal(magic.magicCall.name) + ", " + list(magic.magicCall.args) + ");";
    }

    private static boolean insideStringLiteral(String linePrefix) {
        Matcher quotes = UNESCAPED_QUOTE.matcher(linePrefix);
        int count = 0;
        while (quotes.find()) {
            count++;
        }
        return count % 2 == 1;
    }

    private static String list(List<String> args) {
        return "java.util.List.of(" + args.stream().map(ValueMagicTranspiler::literal).collect(Collectors.joining(", "))
                + ")";
    }

    /** Base64 keeps any argument text (quotes, backslashes, newlines) out of Java's lexer. */
    private static String literal(String s) {
        String encoded = Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
        return "new String(java.util.Base64.getDecoder().decode(\"" + encoded
                + "\"), java.nio.charset.StandardCharsets.UTF_8)";
    }
}
